"""Client credentials for an office's practice-management system or clearinghouse, and
for the plan's own systems (OAuth 2.0 client credentials grant, RFC 6749 §4.4).

A client belongs to exactly one office (it acts for that office and sees only its data) or
to one plan (a payer-side client: it sends the plan's own files, such as 835s from the
payment system, and reaches no office's data).

Secrets and tokens are 256-bit random values; only their SHA-256 is stored. A slow password
hash (argon2) protects low-entropy human passwords against guessing; for values this random
a fast hash is as safe and keeps every API call cheap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The named scopes an administrator can grant, with what they allow.
SCOPES: dict[str, str] = {
    "eligibility": "Eligibility and benefits (X12 270/271, FHIR CoverageEligibilityRequest)",
    "claims.read": "Claim status (X12 276/277) and claim detail",
    "claims.submit": "Claim submission (837) and acknowledgments",
    "authorizations": "Prior authorization requests and status (X12 278, Da Vinci PAS)",
    "payments": "Remittances (835)",
    "remittances.read": "The office's remittances (835): list, detail and the raw 835",
    "messages": "Secure messages",
}

#: The scopes of a plan's own clients (payer side).
PLAN_SCOPES: dict[str, str] = {
    "remittances.ingest": "Send the plan's 835 files from its payment system",
}


class ApiClient(models.Model):
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.CASCADE,
        related_name="api_clients",
        null=True,
        blank=True,
    )
    #: Set instead of ``office`` for a payer-side client of the plan's own systems.
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    name = models.CharField(max_length=80)
    client_id = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    #: After a rotation the previous secret keeps working until this time.
    previous_secret_hash = models.CharField(max_length=64, blank=True)
    previous_secret_valid_until = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list)
    #: Empty when created with ``healtheos apiclient create``.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(office__isnull=False) & models.Q(plan__isnull=True))
                | (models.Q(office__isnull=True) & models.Q(plan__isnull=False)),
                name="apiclient_office_or_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_plan_client(self) -> bool:
        return self.plan_id is not None


class AccessToken(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Token of {self.client_id} until {self.expires_at:%Y-%m-%d %H:%M}"
