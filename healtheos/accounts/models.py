"""People who sign in. Provider, member and payer accounts are separate realms: a member
account can never act at the provider portal and the other way round."""

from __future__ import annotations

import datetime

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

    #: Consecutive failed passwords since the last success, and the temporary lock they set.
    failed_sign_ins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    #: Network prefix (IPv4 /24, IPv6 /48) of the last successful sign-in: a correct password
    #: from there is let through a lock, so an attacker elsewhere cannot lock the owner out.
    last_sign_in_network = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["realm"])]

    def __str__(self) -> str:
        return self.get_username()

    def is_locked(self, *, now: datetime.datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now


class SignInOutcome(models.TextChoices):
    SUCCESS = "success", "Signed in"
    BAD_PASSWORD = "bad_password", "Wrong password"
    UNKNOWN_ACCOUNT = "unknown_account", "No such account"
    LOCKED = "locked", "Account locked"
    THROTTLED_ADDRESS = "throttled_address", "Too many failures from this network"
    MFA_FAILED = "mfa_failed", "Second factor failed"
    WRONG_REALM = "wrong_realm", "Wrong portal"
    WRONG_PLAN = "wrong_plan", "Another plan's portal"
    PENDING_APPROVAL = "pending_approval", "Office pending approval"
    UNVERIFIED_EMAIL = "unverified_email", "Email not verified"
    DEACTIVATED = "deactivated", "Account deactivated"
    NO_ROLE = "no_role", "No role in an approved office"


FAILURE_OUTCOMES = frozenset(set(SignInOutcome) - {SignInOutcome.SUCCESS})


class SignInAttempt(models.Model):
    """One sign-in attempt, for diagnostics: never the password, and the typed username only
    as typed (it may be someone else's mistake, so it is shown only to payer support)."""

    at = models.DateTimeField(db_index=True)
    username_entered = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_in_attempts"
    )
    network = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=24, choices=SignInOutcome.choices)
    factor = models.CharField(max_length=24, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"


class UserSession(models.Model):
    """Which sessions belong to whom, so that they can be ended server-side (a user
    deactivated by their administrator is out on their next request)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="portal_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()
    network = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return f"Session of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"


class TrustedDevice(models.Model):
    """A browser its owner chose to trust after a second factor: within the plan's window it
    is not asked for the second factor again, unless a step-up rule says otherwise. Only a
    hash of the browser's token is kept; revoking the row ends the trust."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trusted_devices")
    token_hash = models.CharField(max_length=64, unique=True)
    device = models.CharField(max_length=120, blank=True)
    network = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.device} ({self.user})"
