"""Which offices a person may act for."""

from __future__ import annotations

from django.db.models import QuerySet

from healtheos.accounts.models import Realm, User
from healtheos.offices.models import Membership, MembershipStatus, OfficeStatus


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
