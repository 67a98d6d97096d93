"""Office administration pages (Function.OFFICE_ADMIN), scoped to the acting office."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from healtheos.accounts.devices import devices_of, devices_revoke_all
from healtheos.accounts.diagnostics import (
    diagnose,
    sign_in_attempts_for_user,
    sign_in_failures_by_week,
)
from healtheos.accounts.models import Realm, User
from healtheos.accounts.permissions import signed_in_user
from healtheos.accounts.services import mfa_reset
from healtheos.audit.services import audit_record
from healtheos.offices.access_review import (
    access_review_complete,
    access_review_status,
    memberships_to_review,
)
from healtheos.offices.forms import AcceptInvitationForm, AccessReviewForm, InviteForm, RoleForm
from healtheos.offices.models import Membership, MembershipStatus
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function, OfficeRole
from healtheos.offices.services import (
    InvitationError,
    LastAdministratorError,
    invitation_accept,
    invitation_from_token,
    membership_change_role,
    membership_deactivate,
    membership_invite,
    membership_reactivate,
)


def membership_get(*, office_id: int, membership_id: int) -> Membership:
    """A membership of this office, or 404 (another office's people are not ours to see)."""
    try:
        return Membership.objects.select_related("user").get(pk=membership_id, office_id=office_id)
    except Membership.DoesNotExist as exc:
        raise Http404("no such user in this office") from exc


@office_function_required(Function.OFFICE_ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    return users_page(request)


def users_page(
    request: HttpRequest, *, invite_form: InviteForm | None = None, status: int = 200
) -> HttpResponse:
    office = acting_membership(request).office
    memberships = list(
        Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("user__last_name", "user__username")
    )
    active_admins = [
        m
        for m in memberships
        if m.role == OfficeRole.OFFICE_ADMIN and m.status == MembershipStatus.ACTIVE
    ]
    failures = sign_in_failures_by_week(user_ids=[m.user_id for m in memberships], weeks=8)
    categories = sorted({name for _, counts in failures for name in counts})
    return render(
        request,
        "offices/users.html",
        {
            "memberships": memberships,
            "needs_second_admin": len(active_admins) < 2,
            "failure_weeks": [
                (week, [counts.get(c, 0) for c in categories]) for week, counts in failures
            ],
            "failure_categories": categories,
            "invite_form": invite_form or InviteForm(),
            "role_choices": OfficeRole.choices,
            "review": access_review_status(office),
            "now": timezone.now(),
            "pending_invitations": office.invitations.filter(accepted_at__isnull=True).order_by(
                "-created_at"
            )[:20],
        },
        status=status,
    )


@office_function_required(Function.OFFICE_ADMIN)
def user_sign_ins(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    audit_record(
        action="office.view_sign_ins",
        actor=signed_in_user(request),
        office=office,
        obj=membership.user,
        request=request,
    )
    return render(
        request,
        "offices/user_sign_ins.html",
        {
            "person": membership.user,
            "person_membership": membership,
            "findings": diagnose(user=membership.user),
            "attempts": sign_in_attempts_for_user(user=membership.user)[:50],
            "devices": devices_of(membership.user),
        },
    )


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def revoke_devices(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    count = devices_revoke_all(
        user=membership.user,
        actor=signed_in_user(request),
        reason="by office administrator",
        request=request,
    )
    messages.success(
        request,
        f"{membership.user.username}'s next sign-in asks for the second factor on every device"
        f" ({count} trusted device{pluralize(count)} revoked).",
    )
    return redirect("offices:user_sign_ins", membership_id=membership.pk)


@office_function_required(Function.OFFICE_ADMIN)
def access_review(request: HttpRequest) -> HttpResponse:
    """Confirm who still needs access; remove the others in the same step."""
    office = acting_membership(request).office
    form = AccessReviewForm(request.POST or None, memberships=memberships_to_review(office))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review = access_review_complete(
                    office=office,
                    actor=signed_in_user(request),
                    decisions=form.decisions(),
                    request=request,
                )
            except LastAdministratorError as exc:
                form.add_error(None, str(exc))
            except ValueError:
                form.add_error(None, "Someone joined the office meanwhile; review them too.")
            else:
                return _back_to_users(
                    request,
                    f"Access review recorded: {review.kept} kept, {review.removed} removed.",
                )
        status = 400
    return render(
        request,
        "offices/access_review.html",
        {"form": form, "review": access_review_status(office)},
        status=status,
    )


def _back_to_users(request: HttpRequest, text: str, *, error: bool = False) -> HttpResponse:
    (messages.error if error else messages.success)(request, text)
    return redirect("offices:users")


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    office = acting_membership(request).office
    form = InviteForm(request.POST)
    if not form.is_valid():
        return users_page(request, invite_form=form, status=400)
    membership_invite(
        office=office,
        actor=signed_in_user(request),
        email=form.cleaned_data["email"],
        role=form.cleaned_data["role"],
        request=request,
    )
    return _back_to_users(request, f"Invitation sent to {form.cleaned_data['email']}.")


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _back_to_users(request, "Choose one of the listed roles.", error=True)
    try:
        membership_change_role(
            membership=membership,
            actor=signed_in_user(request),
            role=form.cleaned_data["role"],
            request=request,
        )
    except LastAdministratorError as exc:
        return _back_to_users(request, str(exc), error=True)
    return _back_to_users(
        request, f"{membership.user.username} is now {membership.get_role_display()}."
    )


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def deactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    try:
        membership_deactivate(membership=membership, actor=signed_in_user(request), request=request)
    except LastAdministratorError as exc:
        return _back_to_users(request, str(exc), error=True)
    return _back_to_users(request, f"{membership.user.username} can no longer act for this office.")


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def reactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    membership_reactivate(membership=membership, actor=signed_in_user(request), request=request)
    return _back_to_users(request, f"{membership.user.username} can act for this office again.")


@office_function_required(Function.OFFICE_ADMIN)
@require_POST
def reset_second_factor(request: HttpRequest, membership_id: int) -> HttpResponse:
    office = acting_membership(request).office
    membership = membership_get(office_id=office.pk, membership_id=membership_id)
    mfa_reset(
        user=membership.user,
        actor=signed_in_user(request),
        reason="reset by office administrator",
        request=request,
    )
    return _back_to_users(
        request,
        f"{membership.user.username} will set up a new second factor at their next sign-in.",
    )


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitee's link: join with a new account, or with the account they are signed in
    with (someone who already works for another office)."""
    try:
        invitation = invitation_from_token(token)
    except InvitationError as exc:
        return render(request, "offices/invitation_invalid.html", {"reason": str(exc)}, status=410)
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        if request.method == "POST":
            invitation_accept(invitation=invitation, user=user, request=request)
            request.session["acting_office_id"] = invitation.office_id
            messages.success(request, f"You now act for {invitation.office.name} too.")
            return redirect("portal:dashboard")
        return render(request, "offices/invitation_join.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            new_user = User.objects.create_user(
                username=data["username"],
                email=invitation.email,
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                realm=Realm.PROVIDER,
            )
            # The invitation reached this address, which proves it is theirs.
            EmailAddress.objects.create(
                user=new_user, email=invitation.email, primary=True, verified=True
            )
            invitation_accept(invitation=invitation, user=new_user, request=request)
        messages.success(request, "Your account is ready. Sign in to set up your second factor.")
        return redirect("account_login")
    return render(
        request, "offices/invitation_accept.html", {"invitation": invitation, "form": form}
    )
