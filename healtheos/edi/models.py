"""The exchange log: every real-time X12 request with its control numbers and timing
(CAQH CORE asks that date, time, ISA13, GS06, ST02, BHT03 and TRN02 of each exchange be
kept). No payload is stored: payloads carry health information."""

from __future__ import annotations

from django.db import models

from healtheos.core.tenancy import OfficeScopedQuerySet


class ExchangeQuerySet(OfficeScopedQuerySet["Exchange"]):
    def office_q(self, office: object) -> models.Q:
        return models.Q(office=office)


class Exchange(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    api_client = models.ForeignKey(
        "apiclients.ApiClient", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(db_index=True)
    #: "core" (CAQH CORE HTTP MIME multipart) or "raw" (application/edi-x12).
    envelope = models.CharField(max_length=8)
    payload_type = models.CharField(max_length=60, blank=True)
    payload_id = models.CharField(max_length=64, blank=True)
    transaction_set = models.CharField(max_length=3, blank=True)
    response_set = models.CharField(max_length=3, blank=True)
    control_numbers = models.JSONField(default=dict)
    subjects = models.PositiveIntegerField(default=0)
    duration_ms = models.FloatField(null=True)
    #: "answered", "rejected" (999/TA1/CORE error) or "refused" (HTTP error).
    outcome = models.CharField(max_length=10, blank=True)
    error = models.CharField(max_length=200, blank=True)

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Exchange {self.pk} ({self.transaction_set}→{self.response_set})"
