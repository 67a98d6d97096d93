"""Which offices a person may act for."""

from __future__ import annotations

from django.db.models import QuerySet

from healtheos.accounts.models import Realm, User
from healtheos.offices.models import Membership, MembershipStatus, OfficeStatus
from healtheos.plans.models import Plan


def memberships_active(*, user: User) -> QuerySet[Membership]:
    """The approved offices this provider-realm user can act for, with their roles."""
    if user.realm != Realm.PROVIDER:
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, office__status=OfficeStatus.APPROVED
        )
        .select_related("office", "office__organization", "office__plan")
        .order_by("office__name")
    )


def memberships_here(*, user: User, plan: Plan | None) -> list[Membership]:
    """The memberships a user may act with at this portal: at a plan's own portal, only
    its offices; at the deployment's shared address, all of them."""
    memberships = list(memberships_active(user=user))
    if plan is not None:
        memberships = [m for m in memberships if m.office.plan_id == plan.pk]
    return memberships
