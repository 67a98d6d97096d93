"""The isolation matrix: who gets which answer from every URL of the project.

How to read it
--------------
One line per URL name (as the resolver names it; ``admin:*`` is a glob), the HTTP method
the walk uses, then one column per person asking. Everyone acts for Bluebonnet Family
Medicine (Sunrise Health) or its plan; the people are those of ``tests/conftest.py``:

    anon    nobody signed in
    admin   alice, office administrator        desk    frank, front desk
    bill    bill, billing                      clin    clara, clinical
    ro      rita, read-only                    svc     bianca, billing service (both offices)
    payer   petra, Sunrise utilization-management reviewer
    member  mona, member-realm account
    api     a Bluebonnet API client holding every scope (bearer token, no session)

Answers:

    ok      2xx                                go      3xx somewhere other than a sign-in
    login   3xx to a sign-in page              no      403
    401     bearer token refused               404     not found
    400     bad input (the walk sends none)    405     method not allowed
    429     throttled                          -       not walked (see the comment)

Arguments in the path are filled with Bluebonnet's own objects (see ``ARGUMENTS``). Each
route whose path names an office's object (claim, authorization, payment, thread,
attachment, submission, appeal, batch run, draft, membership, API client, FHIR resource,
registration, person) is walked a second time with the *other* office's object (Prairie
Pediatrics, Lakeshore Health): there every answer that was ``ok``, ``go`` or ``400`` must
be ``404`` and every refusal must stay the same refusal.

Classifying a new endpoint (one line)
-------------------------------------
Branches merged after this table was written (referrals and rule lookup, the 278 and FHIR
Claim/$submit/$inquire, pended-claim release, the remittance API) add URLs that fail here
until classified; that failure is the point.
A URL name that has no line here fails ``test_every_url_is_classified``. Add a line under
the right heading with the answer you *expect* from the role matrix
(``healtheos/offices/roles.py``), not the one you observe, then run::

    .venv/bin/python -m pytest -q -p no:randomly tests/test_url_walk.py -k <url name>

A failing line is reported as the expected and the observed line, in this format, so that
a wrong expectation is a one-line fix; never paste an observed line without reading it:
every ``ok`` in it is a claim that the role matrix allows that person in.

If the route takes an argument that is in neither ``ARGUMENTS`` nor ``NEUTRAL_ARGUMENTS``,
add a filler: to ``ARGUMENTS`` when it names an office's (or plan's) object, so that the
second walk proves the other office's object is a 404.
Routes without a name (catch-alls) are classified by their pattern, e.g. ``fhir/r4/*``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.utils import timezone

from healtheos.accounts.models import User
from healtheos.apiclients.models import ApiClient
from healtheos.apiclients.services import apiclient_create, token_issue
from healtheos.authorizations.models import (
    AuthorizationAttachment,
    AuthorizationDraft,
    AuthorizationRule,
    Referral,
)
from healtheos.claims.models import Appeal, AppealAttachment, Submission
from healtheos.core import attachments
from healtheos.eligibility.models import BatchRun
from healtheos.messaging.models import Attachment
from healtheos.messaging.services import message_send
from healtheos.offices.models import Membership, OfficeRegistration
from tests import factories as f
from tests.conftest import OfficeWorld, World
from tests.urlwalk import Route, all_routes, argument_names, fill_path, route_key

WHO = ("anon", "admin", "desk", "bill", "clin", "ro", "svc", "payer", "member", "api")

MATRIX = """
# url name                          method anon  admin desk  bill  clin  ro    svc   payer member api

# -- probes, sign-in, accounts and second factor ---------------------------------------------
healthz                             GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
readyz                              GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
session_ping                        GET    401   ok    ok    ok    ok    ok    ok    ok    ok    401
session_extend                      POST   401   ok    ok    ok    ok    ok    ok    ok    ok    401
session_draft                       POST   401   ok    ok    ok    ok    ok    ok    ok    ok    401
forgot_username                     GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
my_sessions                         GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
sign_out_everywhere                 POST   login login login login login login login login login login
device_revoke                       POST   login 404   404   404   404   404   404   404   404   login
devices_revoke_all                  POST   login go    go    go    go    go    go    go    go    login
account_login                       GET    ok    go    go    go    go    go    go    go    go    ok
account_logout                      POST   login login login login login login login login login login
account_inactive                    GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
account_signup                      GET    ok    go    go    go    go    go    go    go    go    ok
account_reauthenticate              GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
account_email                       GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
account_email_verification_sent     GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
account_change_password             GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
account_set_password                GET    login go    go    go    go    go    go    go    go    login
account_reset_password              GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
account_confirm_login_code          GET    login go    go    go    go    go    go    go    go    login
account_confirm_email               GET    404   404   404   404   404   404   404   404   404   404
account_reset_password_from_key_done GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
account_reset_password_from_key     GET    404   404   404   404   404   404   404   404   404   404
account_reset_password_done         GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
mfa_index                           GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
mfa_authenticate                    GET    login go    go    go    go    go    go    go    go    login
mfa_reauthenticate                  GET    login ok    ok    ok    ok    ok    ok    ok    go    login
mfa_activate_totp                   GET    login go    go    go    go    go    go    go    go    login
mfa_deactivate_totp                 GET    login go    go    go    go    go    go    go    404   login
mfa_view_recovery_codes             GET    login 404   404   404   404   404   404   404   404   login
mfa_generate_recovery_codes         GET    login go    go    go    go    go    go    go    go    login
mfa_download_recovery_codes         GET    login 404   404   404   404   404   404   404   404   login
mfa_list_webauthn                   GET    login ok    ok    ok    ok    ok    ok    ok    ok    login
mfa_add_webauthn                    GET    login go    go    go    go    go    go    go    go    login
mfa_reauthenticate_webauthn         GET    login go    go    go    go    go    go    go    go    login
mfa_remove_webauthn                 GET    login go    go    go    go    go    go    go    go    login
mfa_edit_webauthn                   GET    login go    go    go    go    go    go    go    go    login
mfa_login_webauthn                  GET    login go    go    go    go    go    go    go    go    login

# -- member realm ----------------------------------------------------------------------------
member_login                        GET    ok    go    go    go    go    go    go    go    go    ok
member_home                         GET    login 404   404   404   404   404   404   404   ok    login

# -- payer staff: sign-in support and office registrations -----------------------------------
support_search                      GET    login 404   404   404   404   404   404   404   404   login
support_user                        GET    login 404   404   404   404   404   404   404   404   login
support_unlock                      GET    login 404   404   404   404   404   404   404   404   login
support_revoke_devices              GET    login 404   404   404   404   404   404   404   404   login
register                            GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
registration_submitted              GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
registration_queue                  GET    login 404   404   404   404   404   404   404   404   login
registration_detail                 GET    login 404   404   404   404   404   404   404   404   login
registration_decide                 GET    login 404   404   404   404   404   404   404   404   login

# -- payer console (Django admin): staff only, none of these people is staff -----------------
# Django admin's sign-out redirects everyone (nobody here is staff)
admin:logout                        GET    go    go    go    go    go    go    go    go    go    go
admin:*                             GET    login login login login login login login login login login
payer/admin/*                       GET    login login login login login login login login login login

# -- office administration -------------------------------------------------------------------
apiclients:clients                  GET    login ok    no    no    no    no    no    no    no    login
apiclients:rotate                   POST   login ok    no    no    no    no    no    no    no    login
apiclients:revoke                   POST   login go    no    no    no    no    no    no    no    login
offices:users                       GET    login ok    no    no    no    no    no    no    no    login
offices:user_sign_ins               GET    login ok    no    no    no    no    no    no    no    login
offices:revoke_devices              POST   login go    no    no    no    no    no    no    no    login
offices:access_review               GET    login ok    no    no    no    no    no    no    no    login
offices:invite                      POST   login 400   no    no    no    no    no    no    no    login
offices:change_role                 POST   login go    no    no    no    no    no    no    no    login
offices:deactivate                  POST   login go    no    no    no    no    no    no    no    login
offices:reactivate                  POST   login go    no    no    no    no    no    no    no    login
offices:reset_second_factor         POST   login go    no    no    no    no    no    no    no    login

# -- eligibility -----------------------------------------------------------------------------
eligibility:search                  GET    login ok    ok    ok    ok    ok    ok    no    no    login
eligibility:batch                   GET    login ok    ok    ok    ok    ok    ok    no    no    login
eligibility:batch_template          GET    login ok    ok    ok    ok    ok    ok    no    no    login
eligibility:batch_run               GET    login ok    ok    ok    ok    ok    ok    no    no    login
eligibility:batch_run_csv           GET    login ok    ok    ok    ok    ok    ok    no    no    login
eligibility:patients                GET    login ok    ok    ok    ok    ok    ok    no    no    login

# -- claims, submissions and appeals ---------------------------------------------------------
claims:search                       GET    login ok    no    ok    no    ok    ok    no    no    login
claims:submit                       GET    login ok    no    ok    no    no    ok    no    no    login
claims:new                          GET    login ok    no    ok    no    no    ok    no    no    login
claims:submission                   GET    login ok    no    ok    no    ok    ok    no    no    login
claims:submission_ack               GET    login ok    no    ok    no    ok    ok    no    no    login
claims:appeals                      GET    login ok    no    ok    no    ok    ok    no    no    login
claims:appeal                       GET    login ok    no    ok    no    ok    ok    no    no    login
claims:appeal_attachment            GET    login ok    no    ok    no    ok    ok    no    no    login
claims:detail                       GET    login ok    no    ok    no    ok    ok    no    no    login
claims:new_appeal                   GET    login ok    no    ok    no    no    ok    no    no    login

# -- payments --------------------------------------------------------------------------------
payments:search                     GET    login ok    no    ok    no    no    ok    no    no    login
payments:payer_upload               GET    login 404   404   404   404   404   404   404   404   login
payments:enrollment                 GET    login ok    no    no    no    no    no    no    no    login
payments:detail                     GET    login ok    no    ok    no    no    ok    no    no    login
# the test payment has no stored 835 (its PDF is drawn from the record)
payments:download_835               GET    login 404   no    404   no    no    404   no    no    login
payments:download_pdf               GET    login ok    no    ok    no    no    ok    no    no    login

# -- messages (office side, then the plan's side) --------------------------------------------
messaging:inbox                     GET    login ok    ok    ok    ok    ok    ok    no    no    login
messaging:new                       GET    login ok    ok    ok    ok    no    ok    no    no    login
messaging:thread                    GET    login ok    ok    ok    ok    ok    ok    no    no    login
messaging:attachment                GET    login ok    ok    ok    ok    ok    ok    no    no    login
messaging:payer_inbox               GET    login 404   404   404   404   404   404   ok    404   login
messaging:payer_thread              GET    login 404   404   404   404   404   404   ok    404   login
messaging:payer_thread_update       POST   login 404   404   404   404   404   404   go    404   login
messaging:payer_attachment          GET    login 404   404   404   404   404   404   ok    404   login

# -- prior authorizations (office side) ------------------------------------------------------
authorizations:list                 GET    login ok    no    no    ok    ok    no    no    no    login
authorizations:new                  GET    login ok    no    no    ok    no    no    no    no    login
authorizations:drafts               GET    login ok    no    no    ok    no    no    no    no    login
authorizations:draft_save           POST   login ok    no    no    ok    no    no    no    no    login
authorizations:draft                GET    login ok    no    no    ok    no    no    no    no    login
# columns are asked left to right: alice deletes the draft, so clara then finds none
authorizations:draft_delete         POST   login go    no    no    404   no    no    no    no    login
authorizations:npi_lookup           GET    login ok    no    no    ok    no    no    no    no    login
authorizations:webhook              GET    login ok    no    no    no    no    no    no    no    login
authorizations:detail               GET    login ok    no    no    ok    ok    no    no    no    login
authorizations:answer               POST   login 400   no    no    400   no    no    no    no    login
authorizations:withdraw             POST   login go    no    no    go    no    no    no    no    login
authorizations:appeal               POST   login 400   no    no    400   no    no    no    no    login
# no decision yet, so no letter: the cross-office walk still checks the lookup order
authorizations:letter               GET    login 404   no    no    404   404   no    no    no    login
authorizations:document             GET    login ok    no    no    ok    ok    no    no    no    login

# -- prior authorizations (the plan's review) ------------------------------------------------
pa_review:queue                     GET    login 404   404   404   404   404   404   ok    404   login
pa_review:case                      GET    login 404   404   404   404   404   404   ok    404   login
pa_review:start                     POST   login 404   404   404   404   404   404   go    404   login
pa_review:request_info              POST   login 404   404   404   404   404   404   400   404   login
pa_review:extend                    POST   login 404   404   404   404   404   404   400   404   login
pa_review:decide                    POST   login 404   404   404   404   404   404   400   404   login
pa_review:letter                    GET    login 404   404   404   404   404   404   404   404   login
pa_review:document                  GET    login 404   404   404   404   404   404   ok    404   login

# -- machine interfaces: OAuth, X12, FHIR, JSON API ------------------------------------------
oauth_token                         POST   400   400   400   400   400   400   400   400   400   400
x12_realtime                        POST   401   401   401   401   401   401   401   401   401   400
fhir:metadata                       GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
fhir:patient                        GET    401   401   401   401   401   401   401   401   401   ok
fhir:coverage_search                GET    401   401   401   401   401   401   401   401   401   400
fhir:coverage                       GET    401   401   401   401   401   401   401   401   401   ok
fhir:eligibility_request            POST   401   401   401   401   401   401   401   401   401   400
fhir/r4/*                           GET    404   404   404   404   404   404   404   404   404   404
api_openapi                         GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
api_whoami                          GET    401   401   401   401   401   401   401   401   401   ok
api_eligibility                     POST   401   401   401   401   401   401   401   401   401   400
# any body is stored and answered (202); its 999/TA1 says what is wrong with it
api_claim_submit                    POST   401   401   401   401   401   401   401   401   401   ok
api_claim_submission                GET    401   401   401   401   401   401   401   401   401   ok
api_claim_submission_ack            GET    401   401   401   401   401   401   401   401   401   ok
api_authorization_submit            POST   401   401   401   401   401   401   401   401   401   400
api_authorization                   GET    401   401   401   401   401   401   401   401   401   ok

# -- merged with referrals, rule lookup, metrics, 278/PAS, pended claims, remittance API ------
# Referrals and rules are walked with the office's own (a referral it made to its own
# practitioner, a rule of its plan), then with Prairie's and Lakeshore's.
referrals:list                      GET    login ok    no    no    ok    ok    no    no    no    login
referrals:new                       GET    login ok    no    no    ok    no    no    no    no    login
referrals:detail                    GET    login ok    no    no    ok    ok    no    no    no    login
referrals:action                    POST   login go    no    no    go    no    no    no    no    login
pa_rules:lookup                     GET    login ok    ok    ok    ok    ok    ok    no    no    login
pa_rules:api_requirements           GET    401   401   401   401   401   401   401   401   401   400
pa_rules:payer_rules                GET    login 404   404   404   404   404   404   ok    404   login
pa_rules:payer_rule_edit            GET    login 404   404   404   404   404   404   ok    404   login
pa_rules:payer_rule_delete          POST   login 404   404   404   404   404   404   go    404   login
pa_metrics:public                   GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
pa_metrics:public_csv               GET    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
pa_metrics:review_clock             GET    login 404   404   404   404   404   404   ok    404   login
pended_claims                       GET    login 404   404   404   404   404   404   ok    404   login
pended_claim_decide                 POST   login 404   404   404   404   404   404   404   404   login
fhir:claim_submit                   POST   401   401   401   401   401   401   401   401   401   400
fhir:claim_inquire                  POST   401   401   401   401   401   401   401   401   401   400
api_remittances                     GET    401   401   401   401   401   401   401   401   401   ok
api_remittance                      GET    401   401   401   401   401   401   401   401   401   ok
api_remittance_835                  GET    401   401   401   401   401   401   401   401   401   404

# -- invitations and the portal's front door -------------------------------------------------
invitation                          GET    410   410   410   410   410   410   410   410   410   410
portal:home                         GET    login go    go    go    go    go    go    go    go    login
portal:dashboard                    GET    login ok    ok    ok    ok    ok    ok    no    no    login
portal:switch_office                POST   login go    go    go    go    go    go    go    go    login
"""

#: One filler per path argument: (world, side, route name) -> value. ``side`` is the office
#: whose objects fill the path: Bluebonnet for the first walk, Prairie for the second.
Filler = Callable[["Objects", OfficeWorld, str], object]


@dataclass
class OfficeObjects:
    """What the URLs of one office point at, beyond the people and records of ``World``."""

    submission: Submission
    appeal: Appeal
    appeal_attachment: AppealAttachment
    message_attachment: Attachment
    authorization_attachment: AuthorizationAttachment
    batch_run: BatchRun
    draft: AuthorizationDraft
    membership: Membership
    api_client: ApiClient
    registration: OfficeRegistration
    referral: Referral
    rule: AuthorizationRule
    token: str


@dataclass
class Objects:
    world: World
    by_office: dict[int, OfficeObjects]
    #: One signed-in client per person, reused across the walk (signing in is the slow part).
    clients: dict[str, Client] = field(default_factory=dict)

    def of(self, side: OfficeWorld) -> OfficeObjects:
        return self.by_office[side.office.pk]


def _attachment_route(route: str, objects: OfficeObjects) -> int:
    if route.startswith("messaging:"):
        return objects.message_attachment.pk
    if route.startswith("claims:"):
        return objects.appeal_attachment.pk
    return objects.authorization_attachment.pk


#: Arguments naming an office's (or its plan's) object: the second walk swaps in Prairie's.
ARGUMENTS: dict[str, Filler] = {
    "claim_number": lambda o, s, r: s.claim.claim_number,
    "tracking_number": lambda o, s, r: s.authorization.tracking_number,
    "payment_id": lambda o, s, r: s.payment.pk,
    "thread_id": lambda o, s, r: s.thread.pk,
    "submission_id": lambda o, s, r: o.of(s).submission.pk,
    "appeal_id": lambda o, s, r: o.of(s).appeal.pk,
    "attachment_id": lambda o, s, r: _attachment_route(r, o.of(s)),
    "run_id": lambda o, s, r: o.of(s).batch_run.pk,
    "draft_id": lambda o, s, r: o.of(s).draft.pk,
    "membership_id": lambda o, s, r: o.of(s).membership.pk,
    "client_id": lambda o, s, r: o.of(s).api_client.client_id,
    "resource_id": lambda o, s, r: s.member.pk if r == "fhir:patient" else _coverage_pk(s),
    "user_id": lambda o, s, r: o.of(s).membership.user_id,
    "registration_id": lambda o, s, r: o.of(s).registration.pk,
    "referral_number": lambda o, s, r: o.of(s).referral.referral_number,
    # A plan's rule: Prairie's is Lakeshore's, which Sunrise's reviewer must not reach.
    "rule_id": lambda o, s, r: o.of(s).rule.pk,
}
#: Arguments that name nothing of an office's: the same value on both walks.
NEUTRAL_ARGUMENTS: dict[str, object] = {
    "which": "999",
    "token": "not-a-real-invitation",
    "key": "not-a-real-key",
    "uidb36": "0",
    "device_id": 999999,
    "pk": 999999,
    "object_id": "999999",
    "content_type_id": "999999",
    "id": "999999",
    "app_label": "claims",
    "url": "no-such-page/",
    "path": "NoSuchResource",
}


def _coverage_pk(side: OfficeWorld) -> int:
    coverage = side.member.coverages.first()
    assert coverage is not None
    return coverage.pk


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    expected: dict[str, str]


def rows() -> list[Row]:
    parsed = []
    for raw in MATRIX.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, method, *answers = line.split()
        assert len(answers) == len(WHO), f"{name}: {len(answers)} answers for {len(WHO)} people"
        parsed.append(Row(name, method, dict(zip(WHO, answers, strict=True))))
    return parsed


def routes_of(row: Row, table: list[Row]) -> list[Route]:
    """The URL patterns a line of the matrix classifies (several for a glob)."""
    return [r for r in all_routes() if row_for(route_key(r), table) == row]


def path_for(objects: Objects, route: Route, side: OfficeWorld) -> str:
    """The route's path with its arguments filled from ``side``'s objects."""
    values: dict[str, object] = {}
    for name in argument_names(route):
        if name in ARGUMENTS:
            values[name] = ARGUMENTS[name](objects, side, route_key(route))
        else:
            values[name] = NEUTRAL_ARGUMENTS[name]
    return fill_path(route, values)


def row_for(name: str, table: list[Row]) -> Row | None:
    exact = [row for row in table if row.name == name]
    if exact:
        return exact[0]
    globs = [row for row in table if "*" in row.name and fnmatch.fnmatchcase(name, row.name)]
    return globs[0] if globs else None


# -- the objects the paths point at ---------------------------------------------------------


PDF = b"%PDF-1.4\n% synthetic isolation-matrix document\n"


def _stored(name: str) -> attachments.StoredFile:
    stream = io.BytesIO(PDF + name.encode())
    return attachments.store(stream)


def _office_objects(world: World, side: OfficeWorld, admin: User, other: User) -> OfficeObjects:
    now = timezone.now()
    office = side.office
    submission = Submission.objects.create(
        office=office,
        channel="api",
        file_name="matrix.837",
        digest=uuid.uuid4().hex,
        raw="ISA*",
        received_at=now,
        status="done",
        ack_kind="999",
        ack="ISA*00*matrix-ack~",
        ack_277ca="ISA*00*matrix-277ca~",
    )
    appeal = Appeal.objects.create(
        office=office,
        claim=side.claim,
        tracking_number=f"RC{uuid.uuid4().hex[:10].upper()}",
        kind="reconsideration",
        reason="authorization",
        explanation="Synthetic appeal for the isolation matrix.",
        submitted_by=admin,
        submitted_at=now,
        due_at=now + dt.timedelta(days=30),
        idempotency_key=uuid.uuid4().hex,
    )
    stored = _stored("appeal")
    appeal_attachment = AppealAttachment.objects.create(
        appeal=appeal,
        file_name="record.pdf",
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        uploaded_at=now,
    )
    message = message_send(
        thread=side.thread,
        author=admin,
        body="Synthetic message with a document.",
        idempotency_key=uuid.uuid4().hex,
        files=[io.BytesIO(PDF + b"message")],
        names=["letter.pdf"],
    )
    message_attachment = message.attachments.get()
    stored = _stored("authorization")
    authorization_attachment = AuthorizationAttachment.objects.create(
        authorization=side.authorization,
        file_name="notes.pdf",
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        uploaded_at=now,
    )
    batch_run = BatchRun.objects.create(
        office=office,
        user=admin,
        file_name="schedule.csv",
        digest=uuid.uuid4().hex,
        status="done",
        created_at=now,
        finished_at=now,
    )
    draft = AuthorizationDraft.objects.create(
        office=office, author=admin, fields={}, created_at=now, updated_at=now
    )
    membership = Membership.objects.get(user=other, office=office)
    api_client, _ = apiclient_create(
        office=office, actor=admin, name="Matrix PM system", scopes=["eligibility"]
    )
    registration = OfficeRegistration.objects.create(
        plan=office.plan,
        office=office,
        registrant=admin,
        organization_name=office.name,
        tin=office.organization.tin,
        npis=[side.practitioner.npi],
        address_line="1 Synthetic Way",
        city="Austin",
        state="TX",
        postal_code="78701",
        registrant_role="Office manager",
        submitted_at=now,
    )
    every_scope, _ = apiclient_create(
        office=office,
        actor=admin,
        name="Matrix every scope",
        scopes=[
            "eligibility",
            "claims.read",
            "claims.submit",
            "authorizations",
            "payments",
            "remittances.read",
        ],
    )
    token, _ = token_issue(client=every_scope, scopes=list(every_scope.scopes))
    # A referral the office made to its own practitioner (so both sides of it are this
    # office), and an authorization rule of its plan.
    referral = Referral.objects.create(
        plan=office.plan,
        referral_number=f"R{side.claim.pk:09d}",
        member=side.member,
        referring_organization=office.organization,
        referring_provider=side.practitioner,
        servicing_organization=office.organization,
        servicing_provider=side.practitioner,
        visits=3,
        valid_from=now.date(),
        valid_to=now.date() + dt.timedelta(days=90),
        created_at=now,
    )
    rule = AuthorizationRule.objects.create(
        plan=office.plan,
        line_of_business=side.member.coverages.first().line_of_business,  # type: ignore[union-attr]
        procedure_code="99999",
        description="Isolation-matrix rule",
    )
    return OfficeObjects(
        submission=submission,
        appeal=appeal,
        appeal_attachment=appeal_attachment,
        message_attachment=message_attachment,
        authorization_attachment=authorization_attachment,
        batch_run=batch_run,
        draft=draft,
        membership=membership,
        api_client=api_client,
        registration=registration,
        referral=referral,
        rule=rule,
        token=token,
    )


def build_objects(world: World) -> Objects:
    # The walk changes roles and signs people out: it does so to a colleague nobody asks as.
    mia = f.UserFactory(username="mia")
    f.MembershipFactory(user=mia, office=world.bluebonnet.office, role="front_desk")
    ours = _office_objects(world, world.bluebonnet, world.alice, mia)
    theirs = _office_objects(world, world.prairie, world.olga, world.olga)
    return Objects(
        world=world,
        by_office={world.bluebonnet.office.pk: ours, world.prairie.office.pk: theirs},
    )


# -- asking ----------------------------------------------------------------------------------


def person(world: World, who: str) -> User | None:
    return {
        "anon": None,
        "api": None,
        "admin": world.alice,
        "desk": world.frank,
        "bill": world.bill,
        "clin": world.clara,
        "ro": world.rita,
        "svc": world.bianca,
        "payer": world.petra,
        "member": world.mona,
    }[who]


def client_for(objects: Objects, who: str) -> Client:
    if who in objects.clients:
        return objects.clients[who]
    user = person(objects.world, who)
    if who == "api":
        token = objects.of(objects.world.bluebonnet).token
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    else:
        client = Client()
        if user is not None:
            client.force_login(user)
    objects.clients[who] = client
    return client


SIGN_IN_PAGES = ("/accounts/login/", "/member/login/", "/payer/admin/login/")


def answer_of(status: int, location: str) -> str:
    if 200 <= status < 300:
        return "ok"
    if 300 <= status < 400:
        return "login" if location.split("?")[0].endswith(SIGN_IN_PAGES) else "go"
    if status == 403:
        return "no"
    return str(status)


def ask(client: Client, method: str, path: str) -> str:
    response = client.get(path) if method == "GET" else client.post(path, {})
    return answer_of(response.status_code, response.get("Location", ""))
