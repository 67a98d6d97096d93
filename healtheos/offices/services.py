"""State changes of offices and their registrations."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from healtheos.accounts.models import Realm, User
from healtheos.audit.services import audit_record
from healtheos.directory.models import ProviderOrganization
from healtheos.offices.models import (
    Membership,
    Office,
    OfficeRegistration,
    OfficeStatus,
    RegistrationStatus,
)
from healtheos.offices.roles import OfficeRole
from healtheos.plans.models import Plan


@dataclass(frozen=True)
class RegistrationData:
    organization_name: str
    tin: str
    npis: list[str]
    address_line: str
    city: str
    state: str
    postal_code: str
    first_name: str
    last_name: str
    email: str
    username: str
    password: str
    registrant_role: str


def registration_submit(
    *,
    plan: Plan,
    organization: ProviderOrganization,
    data: RegistrationData,
    request: HttpRequest | None = None,
) -> OfficeRegistration:
    """Create the registrant's account, the office (pending) and the registration; the
    registrant becomes the office's first administrator. Auto-approves by plan policy."""
    with transaction.atomic():
        user = User.objects.create_user(
            username=data.username,
            email=data.email,
            password=data.password,
            first_name=data.first_name,
            last_name=data.last_name,
            realm=Realm.PROVIDER,
        )
        address = EmailAddress.objects.create(
            user=user, email=data.email, primary=True, verified=False
        )
        office = Office.objects.create(
            plan=plan,
            organization=organization,
            name=data.organization_name,
            status=OfficeStatus.PENDING,
        )
        Membership.objects.create(user=user, office=office, role=OfficeRole.OFFICE_ADMIN)
        registration = OfficeRegistration.objects.create(
            plan=plan,
            office=office,
            registrant=user,
            organization_name=data.organization_name,
            tin=data.tin,
            npis=data.npis,
            address_line=data.address_line,
            city=data.city,
            state=data.state,
            postal_code=data.postal_code,
            registrant_role=data.registrant_role,
            submitted_at=timezone.now(),
        )
        audit_record(
            action="registration.submitted",
            actor=user,
            office=office,
            obj=registration,
            request=request,
        )
        if plan.auto_approve_registrations:
            _decide(
                registration=registration,
                approve=True,
                actor=None,
                reason="Approved automatically by plan policy.",
                request=request,
            )
    # The confirmation link is HMAC-signed, single-use in effect (confirming twice changes
    # nothing) and expires after ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS.
    address.send_confirmation(request, signup=True)
    return registration


def _decide(
    *,
    registration: OfficeRegistration,
    approve: bool,
    actor: User | None,
    reason: str,
    request: HttpRequest | None,
) -> None:
    now = timezone.now()
    registration.status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
    registration.decided_at = now
    registration.decided_by = actor
    registration.decision_reason = reason
    registration.auto_approved = approve and actor is None
    registration.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "auto_approved"]
    )
    office = registration.office
    office.status = OfficeStatus.APPROVED if approve else OfficeStatus.REJECTED
    office.approved_at = now if approve else None
    office.save(update_fields=["status", "approved_at"])
    audit_record(
        action="registration.approved" if approve else "registration.rejected",
        actor=actor,
        office=office,
        obj=registration,
        request=request,
        detail={"reason": reason, "automatic": actor is None},
    )
    registrant = registration.registrant
    plan_name = registration.plan.name
    if approve:
        body = (
            f"Your office's registration at the {plan_name} provider portal was approved. "
            "You can now sign in; you will set up an authenticator app at your first sign-in."
        )
    else:
        body = (
            f"Your office's registration at the {plan_name} provider portal was not approved.\n\n"
            f"The plan's reason: {reason}\n\nYou can register again with corrected details, "
            "or reply to provider services."
        )
    transaction.on_commit(
        lambda: send_mail(
            f"{plan_name}: office registration {'approved' if approve else 'not approved'}",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [registrant.email],
        )
    )


def registration_approve(
    *, registration: OfficeRegistration, actor: User, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        _decide(registration=registration, approve=True, actor=actor, reason="", request=request)


def registration_reject(
    *,
    registration: OfficeRegistration,
    actor: User,
    reason: str,
    request: HttpRequest | None = None,
) -> None:
    if not reason.strip():
        raise ValueError("a rejection needs a reason the registrant can act on")
    with transaction.atomic():
        _decide(
            registration=registration,
            approve=False,
            actor=actor,
            reason=reason.strip(),
            request=request,
        )
