"""Client credentials for an office's practice-management system or clearinghouse
(OAuth 2.0 client credentials grant, RFC 6749 §4.4).

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
    "messages": "Secure messages",
}


class ApiClient(models.Model):
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="api_clients"
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

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class AccessToken(models.Model):
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Token of {self.client_id} until {self.expires_at:%Y-%m-%d %H:%M}"
