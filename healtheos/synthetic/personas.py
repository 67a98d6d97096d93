"""The demo's people: one sign-in for every role and every login state a tester should be
able to see, and some message threads between the named offices and the plan.

``PERSONA_HOOKS`` lets other parts of the product add to each persona (the identity
feature enrolls the authenticator app and records the secret; lockout puts the locked
persona into its state) without this module knowing how.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from healtheos.accounts.models import PayerRole, Realm, User
from healtheos.directory.models import ProviderOrganization
from healtheos.members.models import Member
from healtheos.messaging.models import Department, Message, Thread, ThreadStatus
from healtheos.offices.models import Membership, MembershipStatus, Office, OfficeStatus
from healtheos.plans.models import Plan
from healtheos.synthetic import catalog

#: One password for every demo sign-in; printed by ``healtheos demo``.
DEMO_PASSWORD = "healtheos demo 2026"  # noqa: S105 (synthetic demo sign-ins only)


@dataclass
class Persona:
    username: str
    realm: str
    plan: str
    office_tin: str | None
    role: str
    state: str
    first_name: str
    last_name: str
    email_verified: bool = True
    totp_secret: str | None = None
    note: str = ""

    def as_credentials(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "password": DEMO_PASSWORD,
            "realm": self.realm,
            "plan": self.plan,
            "office_tin": self.office_tin,
            "role": self.role,
            "state": self.state,
            "totp_secret": self.totp_secret,
            "note": self.note,
        }


def _identity_hook(user: User, persona: Persona) -> None:
    from healtheos.accounts.demo import persona_hook

    persona_hook(user, persona)


#: Called as hook(user, persona) after each persona is created; may set persona fields.
PERSONA_HOOKS: list[Callable[[User, Persona], None]] = [_identity_hook]


def _office(plan_code: str, tin: str) -> Office:
    return Office.objects.select_related("organization", "plan").get(
        plan__code=plan_code, organization__tin=tin
    )


def create_personas(*, today: dt.date) -> list[Persona]:
    """Create the demo sign-ins (idempotently: existing ones are left as they are)."""
    encoded = make_password(DEMO_PASSWORD)
    tx_plan, _ok_plan, il_plan = (catalog.DEMO_OFFICES[i][0] for i in range(3))
    bluebonnet_tin = catalog.DEMO_OFFICES[0][2]
    redriver_tin = catalog.DEMO_OFFICES[1][2]
    prairie_tin = catalog.DEMO_OFFICES[2][2]
    bluebonnet = _office(tx_plan, bluebonnet_tin)
    redriver = _office(catalog.DEMO_OFFICES[1][0], redriver_tin)
    prairie = _office(il_plan, prairie_tin)
    sunrise = Plan.objects.get(code=tx_plan)

    personas: list[tuple[Persona, list[tuple[Office, str, str]], dict[str, Any]]] = []

    def provider(
        username: str,
        first: str,
        last: str,
        offices: list[tuple[Office, str, str]],
        state: str = "active",
        role: str = "",
        note: str = "",
        verified: bool = True,
    ) -> None:
        main = offices[0]
        persona = Persona(
            username,
            Realm.PROVIDER,
            main[0].plan.code,
            main[0].organization.tin,
            role or main[1],
            state,
            first,
            last,
            verified,
            note=note,
        )
        personas.append((persona, offices, {}))

    active = MembershipStatus.ACTIVE
    provider(
        "bluebonnet.admin",
        "Alma",
        "Reyes",
        [(bluebonnet, "office_admin", active)],
        note="office administrator",
    )
    provider(
        "bluebonnet.frontdesk",
        "Frank",
        "Ochoa",
        [(bluebonnet, "front_desk", active)],
        note="checks eligibility",
    )
    provider(
        "bluebonnet.billing",
        "Bea",
        "Lindqvist",
        [(bluebonnet, "billing", active)],
        note="claims and remittances",
    )
    provider(
        "bluebonnet.clinical",
        "Cal",
        "Nakamura",
        [(bluebonnet, "clinical", active)],
        note="prior authorizations",
    )
    provider(
        "bluebonnet.readonly",
        "Rui",
        "Okafor",
        [(bluebonnet, "read_only", active)],
        note="view only",
    )
    provider(
        "redriver.admin",
        "Rhea",
        "Dunmore",
        [(redriver, "office_admin", active)],
        note="Oklahoma office administrator",
    )
    provider(
        "prairie.admin",
        "Olga",
        "Pembrook",
        [(prairie, "office_admin", active)],
        note="Illinois office administrator",
    )
    provider(
        "billing.service",
        "Bianca",
        "Sablewood",
        [(bluebonnet, "billing", active), (prairie, "billing", active)],
        note="billing service working for two offices at two plans (office switcher)",
    )
    provider(
        "bluebonnet.former",
        "Felix",
        "Hartwell",
        [(bluebonnet, "front_desk", MembershipStatus.DEACTIVATED)],
        state="deactivated",
        note="removed from the office by its administrator",
    )
    provider(
        "bluebonnet.unverified",
        "Uma",
        "Ellery",
        [(bluebonnet, "front_desk", active)],
        state="unverified",
        note="has not confirmed the email address",
        verified=False,
    )
    provider(
        "bluebonnet.locked",
        "Lars",
        "Ivers",
        [(bluebonnet, "billing", active)],
        state="locked",
        note="locked after repeated failed sign-ins",
    )

    # A registration waiting for the plan's approval: an organization on file at Sunrise
    # Health of Texas that has not yet had an office.
    pending_org = (
        ProviderOrganization.objects.filter(participations__plan=sunrise)
        .exclude(offices__plan=sunrise)
        .order_by("id")
        .first()
    )
    if pending_org is not None:
        pending_office, _ = Office.objects.get_or_create(
            plan=sunrise,
            organization=pending_org,
            defaults={"name": pending_org.legal_name, "status": OfficeStatus.PENDING},
        )
        provider(
            "pending.admin",
            "Paz",
            "Merriweather",
            [(pending_office, "office_admin", active)],
            state="pending",
            note="registered an office that awaits the plan's approval",
        )

    created: list[Persona] = []
    with transaction.atomic():
        for persona, offices, _extra in personas:
            user, made = User.objects.get_or_create(
                username=persona.username,
                defaults={
                    "email": f"{persona.username}@demo.healtheos.test",
                    "first_name": persona.first_name,
                    "last_name": persona.last_name,
                    "realm": Realm.PROVIDER,
                    "password": encoded,
                },
            )
            if made:
                EmailAddress.objects.create(
                    user=user, email=user.email, primary=True, verified=persona.email_verified
                )
                for office, role, status in offices:
                    Membership.objects.create(user=user, office=office, role=role, status=status)
            created.append(_finish(user, persona))

        payer_people = [
            (
                "payer.admin",
                "Priya",
                "Castellanos",
                PayerRole.ADMINISTRATOR,
                "payer administrator; the payer console",
            ),
            (
                "payer.reviewer",
                "Petra",
                "Kowalczyk",
                PayerRole.UM_REVIEWER,
                "utilization-management reviewer",
            ),
            (
                "payer.support",
                "Sam",
                "Adeyemi",
                PayerRole.PROVIDER_SERVICES,
                "provider-services support; sign-in help",
            ),
            ("payer.analyst", "Ana", "Voss", PayerRole.ANALYST, "reports and metrics"),
        ]
        for username, first, last, role, note in payer_people:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.healtheos.test",
                    "first_name": first,
                    "last_name": last,
                    "realm": Realm.PAYER,
                    "payer_role": role,
                    "plan": sunrise,
                    "password": encoded,
                    "is_staff": role == PayerRole.ADMINISTRATOR,
                    "is_superuser": role == PayerRole.ADMINISTRATOR,
                },
            )
            if made:
                EmailAddress.objects.create(
                    user=user, email=user.email, primary=True, verified=True
                )
            created.append(
                _finish(
                    user,
                    Persona(
                        username,
                        Realm.PAYER,
                        sunrise.code,
                        None,
                        role,
                        "active",
                        first,
                        last,
                        note=note,
                    ),
                )
            )

        member = Member.objects.filter(plan=sunrise, subscriber__isnull=True).order_by("id").first()
        if member is not None:
            user, made = User.objects.get_or_create(
                username="member.demo",
                defaults={
                    "email": "member.demo@demo.healtheos.test",
                    "first_name": member.first_name,
                    "last_name": member.last_name,
                    "realm": Realm.MEMBER,
                    "plan": sunrise,
                    "member": member,
                    "password": encoded,
                },
            )
            if made:
                EmailAddress.objects.create(
                    user=user, email=user.email, primary=True, verified=True
                )
            created.append(
                _finish(
                    user,
                    Persona(
                        "member.demo",
                        Realm.MEMBER,
                        sunrise.code,
                        None,
                        "member",
                        "active",
                        user.first_name,
                        user.last_name,
                        note="member account: belongs at the member portal",
                    ),
                )
            )
    _threads(today=today, offices=[bluebonnet, redriver, prairie])
    return created


def _finish(user: User, persona: Persona) -> Persona:
    for hook in PERSONA_HOOKS:
        hook(user, persona)
    return persona


SUBJECTS = [
    (
        Department.CLAIMS,
        "Claim denied for missing authorization",
        "We had an authorization on file for this visit; can you re-check the claim?",
    ),
    (
        Department.PROVIDER_SERVICES,
        "Update our office address",
        "Our suite number changed; what do you need from us to update the directory?",
    ),
    (
        Department.UTILIZATION_MANAGEMENT,
        "Clinical notes for a pending MRI request",
        "Attaching the imaging history the reviewer asked for.",
    ),
    (
        Department.CREDENTIALING,
        "New practitioner joining the practice",
        "A new physician joins next month. How do we start credentialing?",
    ),
    (
        Department.CLAIMS,
        "Question about a coinsurance amount",
        "The remittance shows coinsurance on a preventive visit; is that right?",
    ),
]


def _threads(*, today: dt.date, offices: list[Office]) -> None:
    rng = random.Random(4242)
    staff = list(
        User.objects.filter(realm=Realm.PAYER, username__startswith="payer.").order_by("username")
    )
    if not staff or Thread.objects.payer_wide().exists():
        return
    now = timezone.now()
    for office in offices:
        authors = [
            m.user
            for m in office.memberships.filter(status=MembershipStatus.ACTIVE).select_related(
                "user"
            )
        ]
        if not authors:
            continue
        for number, (department, subject, body) in enumerate(SUBJECTS):
            started = now - dt.timedelta(days=rng.randrange(1, 40), hours=rng.randrange(24))
            author = authors[number % len(authors)]
            status = [ThreadStatus.OPEN, ThreadStatus.WAITING_ON_OFFICE, ThreadStatus.CLOSED][
                number % 3
            ]
            thread = Thread.objects.create(
                office=office,
                department=department,
                subject=subject,
                category="General question",
                status=status,
                created_by=author,
                created_at=started,
                updated_at=started,
            )
            Message.objects.create(
                thread=thread,
                author=author,
                body=body,
                created_at=started,
                idempotency_key=str(uuid.UUID(int=rng.getrandbits(128))),
            )
            if status != ThreadStatus.OPEN:
                replied = started + dt.timedelta(hours=rng.randrange(2, 48))
                Message.objects.create(
                    thread=thread,
                    author=rng.choice(staff),
                    from_payer=True,
                    created_at=replied,
                    body="Thank you for writing. We have looked into this and updated our records; "
                    "reply here if anything still looks wrong.",
                    idempotency_key=str(uuid.UUID(int=rng.getrandbits(128))),
                )
                Thread.objects.payer_wide().filter(pk=thread.pk).update(updated_at=replied)
