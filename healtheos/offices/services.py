"""State changes of offices and their registrations."""

from __future__ import annotations

import datetime
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
    Invitation,
    Membership,
    MembershipStatus,
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


# -- office administration ------------------------------------------------------------------

INVITATION_DAYS = 7


class LastAdministratorError(ValueError):
    """An office must keep at least one active administrator."""


class InvitationError(ValueError):
    """The invitation link cannot be used (expired, used, or unknown)."""


def _token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def membership_invite(
    *, office: Office, actor: User, email: str, role: str, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token (the only
    time the token exists in clear: it goes into the email)."""
    import secrets

    from django.urls import reverse

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            office=office,
            email=email.strip().lower(),
            role=role,
            token_hash=_token_hash(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        audit_record(
            action="membership.invited",
            actor=actor,
            office=office,
            obj=invitation,
            request=request,
            detail={"role": role},
        )
    link = reverse("invitation", args=[token])
    if request is not None:
        link = request.build_absolute_uri(link)
    plan = office.plan.name
    transaction.on_commit(
        lambda: send_mail(
            f"{plan}: you are invited to the provider portal",
            f"{actor.get_full_name() or actor.username} invited you to act for {office.name} "
            f"at the {plan} provider portal. The link works once, "
            f"for {INVITATION_DAYS} days:\n\n{link}\n",
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    )
    return invitation, token


def invitation_from_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("office", "office__plan")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            "This invitation link is not valid. Ask your office administrator for a new one."
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has already been used. Sign in, or ask for a new invitation."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "This invitation has expired. Ask your office administrator to send a new one."
        )
    return invitation


def invitation_accept(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> Membership:
    """Join the office with the invited role (a new account, or an existing one joining
    another office, as a billing service does)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationError("This invitation has already been used.")
        membership, created = Membership.objects.get_or_create(
            user=user, office=invitation.office, defaults={"role": invitation.role}
        )
        if not created:
            membership.role = invitation.role
            membership.status = MembershipStatus.ACTIVE
            membership.save(update_fields=["role", "status"])
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            action="membership.joined",
            actor=user,
            office=invitation.office,
            obj=membership,
            request=request,
        )
    return membership


def _active_admins(office: Office) -> int:
    return Membership.objects.filter(
        office=office, role=OfficeRole.OFFICE_ADMIN, status=MembershipStatus.ACTIVE
    ).count()


def _guard_last_admin(membership: Membership) -> None:
    if (
        membership.role == OfficeRole.OFFICE_ADMIN
        and membership.status == MembershipStatus.ACTIVE
        and _active_admins(membership.office) <= 1
    ):
        raise LastAdministratorError(
            "This is the office's only active administrator. Give someone else the administrator "
            "role first."
        )


def membership_change_role(
    *, membership: Membership, actor: User, role: str, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        if role != OfficeRole.OFFICE_ADMIN:
            _guard_last_admin(membership)
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            action="membership.role_changed",
            actor=actor,
            office=membership.office,
            obj=membership,
            request=request,
            detail={"from": old, "to": role},
        )


def membership_deactivate(
    *, membership: Membership, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove a person from the office now. If it was their only office, their sessions end
    immediately; otherwise they simply cannot act for this office any more."""
    from healtheos.accounts.services import sessions_revoke_all

    with transaction.atomic():
        _guard_last_admin(membership)
        membership.status = MembershipStatus.DEACTIVATED
        membership.save(update_fields=["status"])
        audit_record(
            action="membership.deactivated",
            actor=actor,
            office=membership.office,
            obj=membership,
            request=request,
        )
    if not Membership.objects.filter(user=membership.user, status=MembershipStatus.ACTIVE).exists():
        sessions_revoke_all(
            user=membership.user, actor=actor, reason="removed from their office", request=request
        )


def membership_reactivate(
    *, membership: Membership, actor: User, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        membership.status = MembershipStatus.ACTIVE
        membership.save(update_fields=["status"])
        audit_record(
            action="membership.reactivated",
            actor=actor,
            office=membership.office,
            obj=membership,
            request=request,
        )
