"""People who sign in. Provider, member and payer accounts are separate realms: a member
account can never act at the provider portal and the other way round."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Realm(models.TextChoices):
    PROVIDER = "provider", "Provider portal"
    MEMBER = "member", "Member portal"
    PAYER = "payer", "Plan staff"


class PayerRole(models.TextChoices):
    ADMINISTRATOR = "payer_admin", "Payer administrator"
    PROVIDER_SERVICES = "provider_services", "Provider-services support"
    UM_REVIEWER = "um_reviewer", "Utilization-management reviewer"
    ANALYST = "analyst", "Analyst"


class User(AbstractUser):
    realm = models.CharField(max_length=16, choices=Realm.choices, default=Realm.PROVIDER)
    #: For payer staff: their role at the plan. Office roles live on memberships.
    payer_role = models.CharField(max_length=32, choices=PayerRole.choices, blank=True)
    #: Member-realm and payer accounts belong to one plan; provider accounts reach plans
    #: through their offices.
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Member-realm accounts point at their member record.
    member = models.OneToOneField(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="account"
    )

    class Meta:
        indexes = [models.Index(fields=["realm"])]

    def __str__(self) -> str:
        return self.get_username()
