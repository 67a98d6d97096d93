"""Prior authorization: every state change, shared by the portal, the JSON API, X12 278
and FHIR (Da Vinci PAS).

Each function is keyword-only, runs in one transaction, writes its audit event and adds
an :class:`AuthorizationEvent` to the request's timeline, so that decision clocks and the
public metrics are computed from what happened. Bad input raises a
:class:`~django.core.exceptions.ValidationError` whose ``message_dict`` is keyed by field
(``member``, ``services.0.procedure_code``, …) so each channel can put every message next to
the field it concerns; a state change that does not apply to the request's current status
raises :class:`AuthorizationConflict`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.authorizations import codes
from healtheos.authorizations.models import (
    DECIDED_STATUSES,
    AuthorizationAttachment,
    AuthorizationDraft,
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationService,
    AuthorizationStatus,
    Channel,
    OfficeWebhook,
    PriorAuthorization,
    Urgency,
)
from healtheos.core import attachments as attachment_store
from healtheos.directory.models import Provider
from healtheos.members.models import Coverage, Member

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.apiclients.models import ApiClient
    from healtheos.offices.models import Office

#: Requests still waiting for a decision (the reviewer's queue and the office's "open").
OPEN_STATUSES = frozenset(
    {AuthorizationStatus.SUBMITTED, AuthorizationStatus.IN_REVIEW, AuthorizationStatus.PENDED}
)
MAX_SERVICES = 12
MAX_DIAGNOSES = 12
MAX_UNITS = 999
MAX_SPAN_DAYS = 366
MAX_ATTACHMENTS = 10


class AuthorizationConflict(ValueError):
    """The change does not apply to the request as it stands (already decided, withdrawn,
    not waiting for information …); the message says why in words an office can act on."""


@dataclass(frozen=True)
class ServiceLine:
    """One requested service: CPT/HCPCS code, up to four modifiers, units and dates."""

    procedure_code: str
    modifiers: tuple[str, ...]
    units: int
    service_from: dt.date
    service_to: dt.date


@dataclass(frozen=True)
class Upload:
    """A document to attach: its name as the sender gave it and its content."""

    name: str
    stream: IO[bytes]


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def _event(
    authorization: PriorAuthorization,
    status: str,
    *,
    at: dt.datetime,
    actor: User | None,
    note: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuthorizationEvent:
    return AuthorizationEvent.objects.create(
        authorization=authorization,
        status=status,
        at=at,
        actor=actor,
        note=note,
        detail=dict(detail or {}),
    )


def _after_change(authorization: PriorAuthorization, *, at: dt.datetime) -> None:
    # Imported here: notifications reads the services' constants.
    from healtheos.authorizations.notifications import status_changed

    status_changed(authorization=authorization, at=at)


def _store_uploads(
    authorization: PriorAuthorization,
    uploads: Sequence[Upload],
    *,
    event: AuthorizationEvent | None,
    at: dt.datetime,
    field: str,
) -> list[str]:
    """Store and record the documents; on a refused file, remove the ones already stored
    and report the file by its position so the form can say which one."""
    stored: list[attachment_store.StoredFile] = []
    for upload in uploads:
        try:
            stored.append(attachment_store.store(upload.stream))
        except attachment_store.AttachmentRefused as error:
            for done in stored:
                attachment_store.remove(done.storage_name)
            raise ValidationError({field: [f"{upload.name[:80]}: {error}"]}) from error
        except Exception:
            # A file that could not be written must not leave a request without its
            # documents: the whole change fails and nothing is half stored.
            for done in stored:
                attachment_store.remove(done.storage_name)
            raise
    AuthorizationAttachment.objects.bulk_create(
        AuthorizationAttachment(
            authorization=authorization,
            event=event,
            file_name=upload.name[:200],
            content_type=s.content_type,
            size=s.size,
            sha256=s.sha256,
            storage_name=s.storage_name,
            uploaded_at=at,
        )
        for s, upload in zip(stored, uploads, strict=True)
    )
    return [s.storage_name for s in stored]


# -- checking a request -------------------------------------------------------------------


def plan_provider(*, office: Office, npi: str) -> Provider | None:
    """The provider with this NPI among the plan's records: billing under an organization
    that takes part in the plan's network, or under the office's own TIN."""
    npi = npi.strip()
    if not (npi.isdigit() and len(npi) == 10):
        return None
    return (
        Provider.objects.filter(npi=npi)
        .filter(
            Q(organizations__participations__plan_id=office.plan_id)
            | Q(organizations=office.organization_id)
        )
        .distinct()
        .first()
    )


def _resolve_provider(
    office: Office, value: Provider | str, field: str, errors: dict[str, list[str]]
) -> Provider | None:
    if isinstance(value, Provider):
        return value
    if not value.strip():
        errors.setdefault(field, []).append("Enter the provider's 10-digit NPI.")
        return None
    provider = plan_provider(office=office, npi=value)
    if provider is None:
        errors.setdefault(field, []).append(
            "This NPI is not on file with the plan. Check it, or ask provider services to add it."
        )
    return provider


def _check_services(services: Sequence[ServiceLine], errors: dict[str, list[str]]) -> None:
    if not services:
        errors.setdefault("services", []).append("Add at least one service.")
        return
    if len(services) > MAX_SERVICES:
        errors.setdefault("services", []).append(f"At most {MAX_SERVICES} services per request.")
    for index, line in enumerate(services):
        prefix = f"services.{index}."
        if not codes.procedure_shaped(line.procedure_code):
            errors.setdefault(prefix + "procedure_code", []).append(
                "Enter a CPT code (5 digits, e.g. 70551) or a HCPCS code (a letter and 4 digits)."
            )
        if len(line.modifiers) > 4 or not all(codes.modifier_shaped(m) for m in line.modifiers):
            errors.setdefault(prefix + "modifiers", []).append(
                "Up to four modifiers of two letters or digits each, e.g. RT 59."
            )
        if not 1 <= line.units <= MAX_UNITS:
            errors.setdefault(prefix + "units", []).append(
                f"Units must be a whole number from 1 to {MAX_UNITS}."
            )
        if line.service_to < line.service_from:
            errors.setdefault(prefix + "service_to", []).append(
                "The last date of service cannot be before the first."
            )
        elif (line.service_to - line.service_from).days > MAX_SPAN_DAYS:
            errors.setdefault(prefix + "service_to", []).append(
                "One request covers at most a year of service."
            )


def _check_coverage(
    member: Member,
    line_of_business: str,
    services: Sequence[ServiceLine],
    errors: dict[str, list[str]],
) -> None:
    spans = list(
        Coverage.objects.filter(member=member, line_of_business=line_of_business).values_list(
            "start_date", "end_date"
        )
    )
    if not spans:
        errors.setdefault("line_of_business", []).append(
            "The member has no coverage in this line of business."
        )
        return
    for index, line in enumerate(services):
        if line.service_to < line.service_from:
            continue
        covered = any(
            start <= line.service_from and (end is None or line.service_to <= end)
            for start, end in spans
        )
        if not covered:
            errors.setdefault(f"services.{index}.service_from", []).append(
                "The member is not covered for all of these dates of service."
            )


def _validated(
    *,
    office: Office,
    member: Member | None,
    line_of_business: str,
    requesting_provider: Provider | str,
    servicing_provider: Provider | str,
    urgency: str,
    expedited_justification: str,
    place_of_service: str,
    diagnosis_codes: Sequence[str],
    services: Sequence[ServiceLine],
    attachments: Sequence[Upload],
) -> tuple[Member, Provider, Provider, list[str]]:
    errors: dict[str, list[str]] = {}
    if member is None or member.plan_id != office.plan_id:
        errors["member"] = [
            "Find the member with two identifiers: member ID or name, and date of birth."
        ]
    requester = _resolve_provider(office, requesting_provider, "requesting_provider", errors)
    if (
        requester is not None
        and not requester.organizations.filter(pk=office.organization_id).exists()
    ):
        errors.setdefault("requesting_provider", []).append(
            "The requesting provider must bill under your office's TIN."
        )
    servicer = _resolve_provider(office, servicing_provider, "servicing_provider", errors)
    if urgency not in Urgency.values:
        errors["urgency"] = ["Choose standard or expedited."]
    elif urgency == Urgency.EXPEDITED and len(expedited_justification.strip()) < 10:
        errors["expedited_justification"] = [
            "Say why waiting the standard time could seriously jeopardize the patient's life, "
            "health or ability to regain maximum function."
        ]
    if not codes.place_of_service_shaped(place_of_service):
        errors["place_of_service"] = ["Enter the two-digit place of service code, e.g. 11."]
    diagnoses: list[str] = []
    if not diagnosis_codes:
        errors["diagnosis_codes"] = ["Enter at least one ICD-10-CM diagnosis code."]
    for code in diagnosis_codes[:MAX_DIAGNOSES]:
        normal = codes.normalize_diagnosis(code)
        if normal is None:
            errors.setdefault("diagnosis_codes", []).append(
                f"{code[:10]!r} is not an ICD-10-CM code (a letter, two characters, then up "
                "to four more, e.g. M54.50)."
            )
        elif normal not in diagnoses:
            diagnoses.append(normal)
    if len(diagnosis_codes) > MAX_DIAGNOSES:
        errors.setdefault("diagnosis_codes", []).append(f"At most {MAX_DIAGNOSES} diagnosis codes.")
    _check_services(services, errors)
    from healtheos.plans.models import LineOfBusiness

    if line_of_business not in LineOfBusiness.values:
        errors["line_of_business"] = ["Choose the member's line of business."]
    elif member is not None and "member" not in errors:
        _check_coverage(member, line_of_business, services, errors)
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = [f"At most {MAX_ATTACHMENTS} documents per request."]
    if errors:
        raise ValidationError(errors)
    assert member is not None
    assert requester is not None
    assert servicer is not None
    return member, requester, servicer, diagnoses


# -- auto-approval ---------------------------------------------------------------------


def _auto_approval(
    *,
    plan_id: int,
    line_of_business: str,
    place_of_service: str,
    services: Sequence[ServiceLine],
    requesting_provider: Provider,
    at: dt.datetime,
) -> tuple[str, str] | None:
    """(code, description) of the rule that approves every requested service, or None.

    Two kinds: the plan's rules marking a procedure always approved for a line of business
    (and place of service, when the rule names one), and "gold carding" of a requesting
    provider whose recent requests were nearly all approved (off unless configured)."""
    procedures = {line.procedure_code for line in services}
    rules = AuthorizationRule.objects.filter(
        plan_id=plan_id,
        line_of_business=line_of_business,
        procedure_code__in=procedures,
        auto_approve=True,
    ).filter(Q(place_of_service="") | Q(place_of_service=place_of_service))
    covered = {rule.procedure_code: rule for rule in rules}
    if covered and set(covered) == procedures:
        first = sorted(covered.values(), key=lambda r: r.pk)[0]
        return f"rule:{first.pk}", (
            "Approved automatically: the plan approves "
            + ", ".join(sorted(procedures))
            + f" for {line_of_business.replace('_', ' ')} without review."
        )
    percent = settings.PA_GOLD_CARD_PERCENT
    minimum = settings.PA_GOLD_CARD_MIN_DECISIONS
    if percent <= 0:
        return None
    decided = PriorAuthorization.objects.payer_wide().filter(
        plan_id=plan_id,
        requesting_provider=requesting_provider,
        status__in=DECIDED_STATUSES,
        decided_at__gte=at - dt.timedelta(days=365),
    )
    total = decided.count()
    if total < minimum:
        return None
    approved = decided.filter(status=AuthorizationStatus.APPROVED).count()
    if approved * 100 >= percent * total:
        return "gold-card", (
            f"Approved automatically: the requesting provider is gold-carded ({approved} of "
            f"{total} requests approved in the last 12 months)."
        )
    return None


# -- submission --------------------------------------------------------------------------


def authorization_submit(
    *,
    office: Office,
    actor: User | None,
    member: Member | None,
    line_of_business: str,
    requesting_provider: Provider | str,
    servicing_provider: Provider | str,
    urgency: str,
    expedited_justification: str,
    place_of_service: str,
    diagnosis_codes: Sequence[str],
    services: Sequence[ServiceLine],
    clinical_notes: str,
    attachments: Sequence[Upload],
    idempotency_key: str,
    channel: str,
    api_client: ApiClient | None = None,
    at: dt.datetime | None = None,
    draft: AuthorizationDraft | None = None,
) -> PriorAuthorization:
    """Store a new request, with its services and documents, before anyone is told it was
    received; return it.

    A retry with the same ``idempotency_key`` from the same office returns the request
    stored the first time (a double click, a client retrying after a timeout). The decision
    clock starts at receipt: 72 hours for an expedited request, 7 calendar days for a
    standard one. A request every service of which an auto-approval rule covers is
    approved at once, and the timeline says which rule did it. The draft it was written
    from, if any, is removed in the same step."""
    key = idempotency_key.strip()[:64]
    if not key:
        raise ValidationError({"idempotency_key": ["A one-time key is required."]})
    existing = PriorAuthorization.objects.for_office(office).filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    member, requester, servicer, diagnoses = _validated(
        office=office,
        member=member,
        line_of_business=line_of_business,
        requesting_provider=requesting_provider,
        servicing_provider=servicing_provider,
        urgency=urgency,
        expedited_justification=expedited_justification,
        place_of_service=place_of_service,
        diagnosis_codes=diagnosis_codes,
        services=services,
        attachments=attachments,
    )
    now = _now(at)
    stored: list[str] = []
    try:
        with transaction.atomic():
            authorization = PriorAuthorization.objects.create(
                plan_id=office.plan_id,
                tracking_number="T" + secrets.token_hex(9),
                member=member,
                line_of_business=line_of_business,
                requesting_organization_id=office.organization_id,
                requesting_provider=requester,
                servicing_provider=servicer,
                urgency=urgency,
                expedited_justification=expedited_justification.strip()
                if urgency == Urgency.EXPEDITED
                else "",
                place_of_service=place_of_service,
                diagnosis_codes=diagnoses,
                clinical_notes=clinical_notes.strip(),
                status=AuthorizationStatus.SUBMITTED,
                submitted_at=now,
                due_at=now + codes.DECISION_WINDOWS[urgency],
                idempotency_key=key,
                channel=channel,
                submitted_by=actor,
                api_client=api_client,
            )
            # The tracking number follows the primary key, as in the seeded data.
            authorization.tracking_number = f"PA{office.plan_id}{authorization.pk:09d}"
            authorization.save(update_fields=["tracking_number"])
            AuthorizationService.objects.bulk_create(
                AuthorizationService(
                    authorization=authorization,
                    procedure_code=line.procedure_code,
                    modifiers=list(line.modifiers),
                    requested_units=line.units,
                    service_from=line.service_from,
                    service_to=line.service_to,
                )
                for line in services
            )
            event = _event(
                authorization,
                AuthorizationStatus.SUBMITTED,
                at=now,
                actor=actor,
                detail={
                    "clock_rule": codes.CLOCK_RULES[urgency],
                    "due_at": authorization.due_at.isoformat() if authorization.due_at else "",
                    "channel": channel,
                },
            )
            stored = _store_uploads(
                authorization, attachments, event=event, at=now, field="attachments"
            )
            if draft is not None:
                AuthorizationDraft.objects.for_office(office).filter(pk=draft.pk).delete()
            audit_record(
                action="authorizations.submitted",
                actor=actor,
                office=office,
                obj=authorization,
                member_pk=member.pk,
                detail={
                    "channel": channel,
                    "urgency": urgency,
                    "services": len(services),
                    "attachments": len(stored),
                    "api_client": api_client.pk if api_client is not None else None,
                },
            )
            rule = _auto_approval(
                plan_id=office.plan_id,
                line_of_business=line_of_business,
                place_of_service=place_of_service,
                services=services,
                requesting_provider=requester,
                at=now,
            )
            if rule is not None:
                _approve_by_rule(authorization, rule=rule, at=now)
            _after_change(authorization, at=now)
    except IntegrityError:
        # Two copies of the same submission raced; the first one stored wins.
        for name in stored:
            attachment_store.remove(name)
        found = PriorAuthorization.objects.for_office(office).filter(idempotency_key=key).first()
        if found is None:
            # The organization used this key at another plan's portal.
            raise ValidationError(
                {"idempotency_key": ["This key was already used; send a new key per request."]}
            ) from None
        return found
    except Exception:
        for name in stored:
            attachment_store.remove(name)
        raise
    return authorization


def _approve_by_rule(
    authorization: PriorAuthorization, *, rule: tuple[str, str], at: dt.datetime
) -> None:
    code, description = rule
    lines = list(authorization.services.all())
    for line in lines:
        line.approved_units = line.requested_units
    AuthorizationService.objects.bulk_update(lines, ["approved_units"])
    authorization.status = AuthorizationStatus.APPROVED
    authorization.decided_at = at
    authorization.authorization_number = f"AU{authorization.pk:010d}"
    authorization.valid_from = min(line.service_from for line in lines)
    authorization.valid_to = max(line.service_to for line in lines)
    authorization.auto_decided_by_rule = code[:64]
    authorization.save(
        update_fields=[
            "status",
            "decided_at",
            "authorization_number",
            "valid_from",
            "valid_to",
            "auto_decided_by_rule",
        ]
    )
    _event(
        authorization,
        AuthorizationStatus.APPROVED,
        at=at,
        actor=None,
        note=description,
        detail={"auto_rule": code, "authorization_number": authorization.authorization_number},
    )
    audit_record(
        action="authorizations.auto_approved",
        obj=authorization,
        member_pk=authorization.member_id,
        detail={"rule": code},
    )


# -- review ------------------------------------------------------------------------------


def _check_reviewer(authorization: PriorAuthorization, reviewer: User) -> None:
    from healtheos.accounts.models import PayerRole, Realm

    if (
        reviewer.realm != Realm.PAYER
        or reviewer.payer_role not in (PayerRole.UM_REVIEWER, PayerRole.ADMINISTRATOR)
        or reviewer.plan_id != authorization.plan_id
    ):
        raise PermissionDenied("Only the plan's reviewers decide its requests.")


def _require(authorization: PriorAuthorization, allowed: frozenset[str], action: str) -> None:
    if authorization.status not in allowed:
        raise AuthorizationConflict(
            f"This request is {authorization.get_status_display().lower()}; it cannot be "
            f"{action} now."
        )


def _locked(authorization: PriorAuthorization) -> PriorAuthorization:
    """The request re-read under a row lock, so two reviewers cannot both decide it."""
    return PriorAuthorization.objects.payer_wide().select_for_update().get(pk=authorization.pk)


@dataclass
class _OfficeChange:
    authorization: PriorAuthorization
    stored: list[str]


@contextmanager
def _office_change(office: Office, authorization: PriorAuthorization) -> Iterator[_OfficeChange]:
    """The office's own request, re-read under a row lock for a change made in one
    transaction; another office's is refused. Documents stored during the change are
    removed again if it fails, so nothing is ever half stored."""
    change: _OfficeChange | None = None
    try:
        with transaction.atomic():
            locked = (
                PriorAuthorization.objects.for_office(office)
                .select_for_update()
                .filter(pk=authorization.pk)
                .first()
            )
            if locked is None:
                raise PermissionDenied("not this office's request")
            change = _OfficeChange(locked, stored=[])
            yield change
    except Exception:
        for name in change.stored if change else ():
            attachment_store.remove(name)
        raise


def _office_recorded(
    change: _OfficeChange,
    *,
    event: AuthorizationEvent,
    attachments: Sequence[Upload],
    action: str,
    actor: User | None,
    office: Office,
    at: dt.datetime,
) -> None:
    """The documents of the office's change stored with its event, the change audited and
    the office notified."""
    authorization = change.authorization
    change.stored = _store_uploads(
        authorization, attachments, event=event, at=at, field="attachments"
    )
    audit_record(
        action=action,
        actor=actor,
        office=office,
        obj=authorization,
        member_pk=authorization.member_id,
        detail={"attachments": len(change.stored)},
    )
    _after_change(authorization, at=at)


def authorization_review_start(
    *, authorization: PriorAuthorization, reviewer: User, at: dt.datetime | None = None
) -> PriorAuthorization:
    """A reviewer takes a submitted request: it is now in review (a no-op when it already
    is)."""
    _check_reviewer(authorization, reviewer)
    now = _now(at)
    with transaction.atomic():
        authorization = _locked(authorization)
        if authorization.status != AuthorizationStatus.SUBMITTED:
            return authorization
        authorization.status = AuthorizationStatus.IN_REVIEW
        authorization.reviewer = reviewer
        authorization.save(update_fields=["status", "reviewer"])
        _event(authorization, AuthorizationStatus.IN_REVIEW, at=now, actor=reviewer)
        audit_record(
            action="authorizations.review_started",
            actor=reviewer,
            obj=authorization,
            member_pk=authorization.member_id,
        )
        _after_change(authorization, at=now)
    return authorization


def authorization_request_info(
    *,
    authorization: PriorAuthorization,
    reviewer: User,
    question: str,
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """Pend the request for information the office must send; the decision clock stops
    until the office answers (the rule applied is on the timeline)."""
    _check_reviewer(authorization, reviewer)
    if not question.strip():
        raise ValidationError({"question": ["Say what information the office should send."]})
    now = _now(at)
    with transaction.atomic():
        authorization = _locked(authorization)
        _require(
            authorization,
            frozenset({AuthorizationStatus.SUBMITTED, AuthorizationStatus.IN_REVIEW}),
            "pended",
        )
        authorization.status = AuthorizationStatus.PENDED
        authorization.reviewer = reviewer
        authorization.clock_paused_at = now
        authorization.save(update_fields=["status", "reviewer", "clock_paused_at"])
        _event(
            authorization,
            AuthorizationStatus.PENDED,
            at=now,
            actor=reviewer,
            note=question.strip(),
            detail={
                "clock_rule": codes.PEND_RULE,
                "due_at": authorization.due_at.isoformat() if authorization.due_at else "",
            },
        )
        audit_record(
            action="authorizations.info_requested",
            actor=reviewer,
            obj=authorization,
            member_pk=authorization.member_id,
        )
        _after_change(authorization, at=now)
    return authorization


def authorization_respond(
    *,
    office: Office,
    authorization: PriorAuthorization,
    actor: User | None,
    answer: str,
    attachments: Sequence[Upload] = (),
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """The office answers a request for information in the same case; the request goes
    back into review and the decision clock resumes, its due time moved later by the time
    the request waited on the office."""
    if not answer.strip() and not attachments:
        raise ValidationError({"answer": ["Write an answer or attach the documents asked for."]})
    now = _now(at)
    with _office_change(office, authorization) as change:
        authorization = change.authorization
        _require(authorization, frozenset({AuthorizationStatus.PENDED}), "answered (not pended)")
        paused_since = authorization.clock_paused_at or now
        waited = max(now - paused_since, dt.timedelta(0))
        due_before = authorization.due_at
        if authorization.due_at is not None:
            authorization.due_at = authorization.due_at + waited
        authorization.status = AuthorizationStatus.IN_REVIEW
        authorization.clock_paused_at = None
        authorization.save(update_fields=["status", "due_at", "clock_paused_at"])
        event = _event(
            authorization,
            AuthorizationStatus.IN_REVIEW,
            at=now,
            actor=actor,
            note=answer.strip(),
            detail={
                "clock_rule": codes.RESUME_RULE,
                "paused_seconds": int(waited.total_seconds()),
                "due_before": due_before.isoformat() if due_before else "",
                "due_at": authorization.due_at.isoformat() if authorization.due_at else "",
                "answer": True,
            },
        )
        _office_recorded(
            change,
            event=event,
            attachments=attachments,
            action="authorizations.info_answered",
            actor=actor,
            office=office,
            at=now,
        )
    return authorization


class Decision:
    APPROVE = "approve"
    PARTIAL = "partial"
    DENY = "deny"
    ALL = ("approve", "partial", "deny")


def authorization_decide(
    *,
    authorization: PriorAuthorization,
    reviewer: User,
    decision: str,
    approved_units: Mapping[int, int] | None = None,
    reason_code: str = "",
    reason_text: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """Approve, partially approve (fewer units on at least one service, keyed by service
    id) or deny (with a coded reason and free text). An approval issues the authorization
    number and its validity dates (by default the requested dates of service)."""
    _check_reviewer(authorization, reviewer)
    errors: dict[str, list[str]] = {}
    if decision not in Decision.ALL:
        errors["decision"] = ["Choose approve, partially approve or deny."]
    if decision in (Decision.DENY, Decision.PARTIAL) and reason_code not in codes.DENIAL_REASONS:
        errors["reason_code"] = ["Choose the reason from the list."]
    if decision == Decision.DENY and not reason_text.strip():
        errors["reason_text"] = ["Explain the denial in words the office and patient can act on."]
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = ["The authorization cannot end before it starts."]
    now = _now(at)
    with transaction.atomic():
        authorization = _locked(authorization)
        _require(
            authorization,
            frozenset({AuthorizationStatus.SUBMITTED, AuthorizationStatus.IN_REVIEW}),
            "decided",
        )
        lines = list(authorization.services.order_by("pk"))
        if decision == Decision.PARTIAL:
            units = dict(approved_units or {})
            reduced = False
            for line in lines:
                value = units.get(line.pk)
                if value is None or not 0 <= value <= line.requested_units:
                    errors.setdefault(f"approved_units.{line.pk}", []).append(
                        f"Approve from 0 to {line.requested_units} units."
                    )
                elif value < line.requested_units:
                    reduced = True
            if not reduced and not any(k.startswith("approved_units") for k in errors):
                errors["decision"] = [
                    "A partial approval approves fewer units than requested on some service; "
                    "otherwise approve the request."
                ]
        if errors:
            raise ValidationError(errors)
        if authorization.status == AuthorizationStatus.SUBMITTED:
            _event(authorization, AuthorizationStatus.IN_REVIEW, at=now, actor=reviewer)
        if decision == Decision.DENY:
            status = AuthorizationStatus.DENIED
            for line in lines:
                line.approved_units = 0
        else:
            status = (
                AuthorizationStatus.APPROVED
                if decision == Decision.APPROVE
                else AuthorizationStatus.PARTIALLY_APPROVED
            )
            for line in lines:
                line.approved_units = (
                    line.requested_units
                    if decision == Decision.APPROVE
                    else (approved_units or {})[line.pk]
                )
            authorization.authorization_number = f"AU{authorization.pk:010d}"
            authorization.valid_from = valid_from or min(line.service_from for line in lines)
            authorization.valid_to = valid_to or max(line.service_to for line in lines)
        AuthorizationService.objects.bulk_update(lines, ["approved_units"])
        late = authorization.due_at is not None and now > authorization.due_at
        if decision == Decision.APPROVE and _appealed(authorization):
            authorization.approved_after_appeal = True
        authorization.status = status
        authorization.decided_at = now
        authorization.reviewer = reviewer
        authorization.decision_reason_code = reason_code if decision != Decision.APPROVE else ""
        authorization.decision_reason_text = reason_text.strip()
        authorization.save(
            update_fields=[
                "status",
                "decided_at",
                "reviewer",
                "decision_reason_code",
                "decision_reason_text",
                "authorization_number",
                "valid_from",
                "valid_to",
                "approved_after_appeal",
            ]
        )
        _event(
            authorization,
            status,
            at=now,
            actor=reviewer,
            note=reason_text.strip(),
            detail={
                "reason_code": authorization.decision_reason_code,
                "approved_units": {str(line.pk): line.approved_units for line in lines},
                "authorization_number": authorization.authorization_number,
                "decided_after_due": late,
            },
        )
        audit_record(
            action="authorizations.decided",
            actor=reviewer,
            obj=authorization,
            member_pk=authorization.member_id,
            detail={"status": status, "reason_code": authorization.decision_reason_code},
        )
        _after_change(authorization, at=now)
    return authorization


def _appealed(authorization: PriorAuthorization) -> bool:
    """Whether the request is under appeal: an appeal is on its timeline."""
    return authorization.timeline.filter(detail__appeal=True).exists()


def authorization_extend(
    *,
    authorization: PriorAuthorization,
    reviewer: User,
    days: int,
    reason: str,
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """The plan's reviewer extends the decision clock of an open standard request, once,
    by 1 to 14 calendar days, saying why (more information is needed, or waiting is in the
    member's interest). The new due time and the reason are on the timeline the office
    sees."""
    _check_reviewer(authorization, reviewer)
    errors: dict[str, list[str]] = {}
    if not 1 <= days <= codes.MAX_EXTENSION_DAYS:
        errors["days"] = [f"Extend by 1 to {codes.MAX_EXTENSION_DAYS} calendar days."]
    if not reason.strip():
        errors["reason"] = ["Say why the plan needs more time; the office sees this."]
    if errors:
        raise ValidationError(errors)
    now = _now(at)
    with transaction.atomic():
        authorization = _locked(authorization)
        _require(authorization, OPEN_STATUSES, "extended")
        if authorization.urgency != Urgency.STANDARD:
            raise AuthorizationConflict(
                "An expedited request's 72-hour clock cannot be extended; decide it in time."
            )
        if authorization.extended_review:
            raise AuthorizationConflict("This request's time frame was already extended once.")
        due_before = authorization.due_at
        authorization.due_at = (due_before or now) + dt.timedelta(days=days)
        authorization.extended_review = True
        authorization.save(update_fields=["due_at", "extended_review"])
        _event(
            authorization,
            authorization.status,
            at=now,
            actor=reviewer,
            note=reason.strip(),
            detail={
                "extended": True,
                "days": days,
                "clock_rule": codes.EXTEND_RULE,
                "due_before": due_before.isoformat() if due_before else "",
                "due_at": authorization.due_at.isoformat(),
            },
        )
        audit_record(
            action="authorizations.extended",
            actor=reviewer,
            obj=authorization,
            member_pk=authorization.member_id,
            detail={"days": days},
        )
        _after_change(authorization, at=now)
    return authorization


def authorization_appeal(
    *,
    office: Office,
    authorization: PriorAuthorization,
    actor: User | None,
    reason: str,
    attachments: Sequence[Upload] = (),
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """The office appeals a denial or a partial approval within the filing window; the
    request goes back to the plan's review queue with a new decision clock (72 hours
    expedited, 7 calendar days standard). One appeal per decision: a second submission of
    the same appeal (a double click) returns the request as the first one left it."""
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the decision should be changed."]})
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [f"At most {MAX_ATTACHMENTS} documents."]})
    now = _now(at)
    with _office_change(office, authorization) as change:
        authorization = change.authorization
        if authorization.status in OPEN_STATUSES:
            last_decision = (
                authorization.timeline.filter(status__in=DECIDED_STATUSES)
                .order_by("-at", "-id")
                .first()
            )
            if (
                last_decision is not None
                and authorization.timeline.filter(
                    detail__appeal=True, at__gte=last_decision.at
                ).exists()
            ):
                # The same appeal sent twice: it is already in the plan's queue.
                return authorization
        _require(
            authorization,
            frozenset({AuthorizationStatus.DENIED, AuthorizationStatus.PARTIALLY_APPROVED}),
            "appealed (only a denial or a partial approval can be)",
        )
        assert authorization.decided_at is not None
        deadline = authorization.decided_at + dt.timedelta(days=codes.APPEAL_FILING_DAYS)
        if now > deadline:
            raise AuthorizationConflict(
                f"Appeals must be filed within {codes.APPEAL_FILING_DAYS} days of the "
                f"decision; the window closed on {deadline:%m/%d/%Y}."
            )
        authorization.status = AuthorizationStatus.SUBMITTED
        authorization.due_at = now + codes.DECISION_WINDOWS[authorization.urgency]
        authorization.clock_paused_at = None
        authorization.save(update_fields=["status", "due_at", "clock_paused_at"])
        event = _event(
            authorization,
            AuthorizationStatus.SUBMITTED,
            at=now,
            actor=actor,
            note=reason.strip(),
            detail={
                "appeal": True,
                "clock_rule": codes.APPEAL_RULES[authorization.urgency],
                "due_at": authorization.due_at.isoformat(),
            },
        )
        _office_recorded(
            change,
            event=event,
            attachments=attachments,
            action="authorizations.appealed",
            actor=actor,
            office=office,
            at=now,
        )
    return authorization


def authorization_withdraw(
    *,
    office: Office,
    authorization: PriorAuthorization,
    actor: User | None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> PriorAuthorization:
    """The office no longer needs the request; only one not yet decided can be withdrawn."""
    now = _now(at)
    with _office_change(office, authorization) as change:
        authorization = change.authorization
        _require(authorization, OPEN_STATUSES, "withdrawn")
        authorization.status = AuthorizationStatus.WITHDRAWN
        authorization.clock_paused_at = None
        authorization.save(update_fields=["status", "clock_paused_at"])
        _event(
            authorization, AuthorizationStatus.WITHDRAWN, at=now, actor=actor, note=reason.strip()
        )
        audit_record(
            action="authorizations.withdrawn",
            actor=actor,
            office=office,
            obj=authorization,
            member_pk=authorization.member_id,
        )
        _after_change(authorization, at=now)
    return authorization


# -- drafts ------------------------------------------------------------------------------

#: Form fields a draft never keeps.
_DRAFT_SKIP = frozenset({"csrfmiddlewaretoken", "key", "draft_id", "documents"})
MAX_DRAFT_FIELD = 20_000


def authorization_draft_save(
    *,
    office: Office,
    author: User,
    fields: Mapping[str, Sequence[str]],
    draft: AuthorizationDraft | None = None,
    at: dt.datetime | None = None,
) -> AuthorizationDraft:
    """Keep what has been typed so far (server-side, never in the browser) so the request
    survives a session timeout and can be resumed from the list of drafts. Creating a
    draft is audited; the autosaves that follow as the person types are not (they would
    bury the trail)."""
    kept = {
        key: [str(value)[:MAX_DRAFT_FIELD] for value in values][:20]
        for key, values in fields.items()
        if key not in _DRAFT_SKIP and not key.startswith("_")
    }
    now = _now(at)
    with transaction.atomic():
        _drafts_expire(office=office, actor=author, now=now)
        if draft is not None:
            updated = (
                AuthorizationDraft.objects.for_office(office)
                .filter(pk=draft.pk)
                .update(fields=kept, updated_at=now, author=author)
            )
            if updated:
                draft.fields, draft.updated_at = kept, now
                return draft
        created = AuthorizationDraft.objects.create(
            office=office, author=author, fields=kept, created_at=now, updated_at=now
        )
        audit_record(
            action="authorizations.draft_created", actor=author, office=office, obj=created
        )
    return created


#: A draft holds health information; one nobody has touched for this long is deleted.
DRAFT_RETENTION = dt.timedelta(days=30)


def _drafts_expire(*, office: Office, actor: User, now: dt.datetime) -> None:
    expired, _ = (
        AuthorizationDraft.objects.for_office(office)
        .filter(updated_at__lt=now - DRAFT_RETENTION)
        .delete()
    )
    if expired:
        audit_record(
            action="authorizations.drafts_expired",
            actor=actor,
            office=office,
            detail={"drafts": expired},
        )


def authorization_draft_delete(*, office: Office, draft: AuthorizationDraft, actor: User) -> None:
    with transaction.atomic():
        AuthorizationDraft.objects.for_office(office).filter(pk=draft.pk).delete()
        audit_record(
            action="authorizations.draft_deleted",
            actor=actor,
            office=office,
            detail={"draft": draft.pk},
        )


# -- the office's webhook ------------------------------------------------------------------


def _check_webhook_url(url: str) -> str:
    """https only (http is allowed for a debugging server), and never an address inside the
    plan's own network given literally (names are checked again when delivering)."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    allowed = ("https", "http") if settings.DEBUG else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError({"url": ["Enter an https:// address your system receives on."]})
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        address = None
    if address is not None and not address.is_global:
        raise ValidationError({"url": ["The address must be reachable on the internet."]})
    return url.strip()


def webhook_configure(*, office: Office, actor: User, url: str) -> tuple[OfficeWebhook, str]:
    """Set the office's webhook address with a new signing secret; returns the secret, which
    is shown once (a new one replaces the old, for when it may have leaked)."""
    checked = _check_webhook_url(url)
    secret = secrets.token_hex(32)
    with transaction.atomic():
        webhook, _ = OfficeWebhook.objects.for_office(office).update_or_create(
            office=office,
            defaults={
                "url": checked,
                "secret": secret,
                "active": True,
                "created_at": timezone.now(),
                "created_by": actor,
            },
        )
        audit_record(
            action="authorizations.webhook_configured",
            actor=actor,
            office=office,
            obj=webhook,
            detail={"host": checked.split("/")[2][:100]},
        )
    return webhook, secret


def webhook_remove(*, office: Office, actor: User) -> None:
    with transaction.atomic():
        deleted, _ = OfficeWebhook.objects.for_office(office).delete()
        if deleted:
            audit_record(action="authorizations.webhook_removed", actor=actor, office=office)
