from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from healtheos.apiclients.models import PLAN_SCOPES, SCOPES, ApiClient
from healtheos.apiclients.services import apiclient_create, apiclient_revoke
from healtheos.core.identifiers import normalize_tin
from healtheos.offices.models import Office
from healtheos.plans.models import Plan


class Command(BaseCommand):
    help = "Manage API client credentials: create (prints the secret once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="register a client for an office")
        create.add_argument("--office", help="the office's TIN")
        create.add_argument("--plan", help="plan code, when the TIN has offices at several plans")
        create.add_argument(
            "--payer",
            metavar="PLAN",
            help="a payer-side client of this plan's own systems (plan code) instead of an office",
        )
        create.add_argument(
            "--scope", action="append", required=True, choices=sorted(SCOPES | PLAN_SCOPES)
        )
        create.add_argument("--name", default="Command-line client")
        listing = sub.add_parser("list", help="list clients")
        listing.add_argument("--office", help="only this TIN")
        revoke = sub.add_parser("revoke", help="revoke a client")
        revoke.add_argument("client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create" and options.get("payer"):
            plan = Plan.objects.filter(code=options["payer"]).first()
            if plan is None:
                raise CommandError("No plan with that code.")
            try:
                client, secret = apiclient_create(
                    plan=plan, actor=None, name=options["name"], scopes=options["scope"]
                )
            except ValueError as error:
                raise CommandError(
                    f"{error} (a plan's client may have: {', '.join(PLAN_SCOPES)})"
                ) from error
            self.stdout.write(f"client_id:     {client.client_id}\nclient_secret: {secret}\n")
            self.stdout.write("The secret is shown only now; store it in the client system.\n")
        elif action == "create":
            if not options.get("office"):
                raise CommandError("Give --office TIN (or --payer PLAN for the plan's systems).")
            offices = Office.objects.filter(organization__tin=normalize_tin(options["office"]))
            if options.get("plan"):
                offices = offices.filter(plan__code=options["plan"])
            found = list(offices.select_related("plan")[:2])
            if not found:
                raise CommandError("No office with that TIN (and plan).")
            if len(found) > 1:
                raise CommandError("That TIN has offices at several plans; add --plan CODE.")
            try:
                client, secret = apiclient_create(
                    office=found[0], actor=None, name=options["name"], scopes=options["scope"]
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"client_id:     {client.client_id}\nclient_secret: {secret}\n")
            self.stdout.write("The secret is shown only now; store it in the client system.\n")
        elif action == "list":
            clients = ApiClient.objects.select_related("office", "office__plan", "plan").order_by(
                "office__name", "name"
            )
            if options.get("office"):
                clients = clients.filter(office__organization__tin=normalize_tin(options["office"]))
            for c in clients:
                state = "revoked" if c.revoked_at else "active"
                scopes = " ".join(c.scopes)
                where = (
                    f"{c.office.tin} {c.office.plan.code}"
                    if c.office is not None
                    else f"plan {c.plan.code if c.plan else ''}"
                )
                self.stdout.write(f"{c.client_id}  {state:<8} {where}  {c.name}  [{scopes}]")
        else:
            target = ApiClient.objects.filter(client_id=options["client_id"]).first()
            if target is None:
                raise CommandError("No such client.")
            apiclient_revoke(client=target, actor=None)
            self.stdout.write(f"revoked {target.client_id}")
