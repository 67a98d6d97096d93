"""The plan's provider records on file: the roster registrations are checked against."""

from __future__ import annotations

from django.db import models

from healtheos.core.identifiers import validate_npi, validate_tin
from healtheos.plans.models import LineOfBusiness


class ProviderOrganization(models.Model):
    """A billing entity, identified by its tax ID (TIN)."""

    tin = models.CharField(max_length=9, unique=True, validators=[validate_tin])
    legal_name = models.CharField(max_length=120)
    #: The organization's own (type 2) NPI, when it has one.
    npi = models.CharField(max_length=10, blank=True, validators=[validate_npi], db_index=True)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return f"{self.legal_name} (TIN {self.tin})"


class EntityType(models.IntegerChoices):
    INDIVIDUAL = 1, "Individual practitioner"
    ORGANIZATION = 2, "Organization"


class Provider(models.Model):
    """An NPI on file: a practitioner (type 1) or an organization's facility (type 2)."""

    npi = models.CharField(max_length=10, unique=True, validators=[validate_npi])
    entity_type = models.PositiveSmallIntegerField(choices=EntityType.choices)
    first_name = models.CharField(max_length=60, blank=True)
    last_name = models.CharField(max_length=60, blank=True)
    organization_name = models.CharField(max_length=120, blank=True)
    taxonomy_code = models.CharField(max_length=10, blank=True)
    specialty = models.CharField(max_length=80, blank=True)
    accepts_new_patients = models.BooleanField(default=True)
    #: The TINs this NPI bills under (the NPI–TIN links a registration is checked against).
    organizations = models.ManyToManyField(ProviderOrganization, related_name="providers")

    class Meta:
        ordering = ["last_name", "first_name", "organization_name"]

    def __str__(self) -> str:
        return f"{self.display_name} (NPI {self.npi})"

    @property
    def display_name(self) -> str:
        if self.entity_type == EntityType.ORGANIZATION:
            return self.organization_name
        return f"{self.first_name} {self.last_name}".strip()


class Location(models.Model):
    organization = models.ForeignKey(
        ProviderOrganization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=120, blank=True)
    address_line = models.CharField(max_length=120)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=20, blank=True)
    is_primary = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.address_line}, {self.city}, {self.state} {self.postal_code}"


class ParticipationStatus(models.TextChoices):
    IN_NETWORK = "in_network", "In network"
    OUT_OF_NETWORK = "out_of_network", "Out of network"
    TERMINATED = "terminated", "Terminated"


class NetworkParticipation(models.Model):
    """An organization's contract with a plan for one line of business."""

    organization = models.ForeignKey(
        ProviderOrganization, on_delete=models.CASCADE, related_name="participations"
    )
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="participations")
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    status = models.CharField(
        max_length=16, choices=ParticipationStatus.choices, default=ParticipationStatus.IN_NETWORK
    )
    effective_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "plan", "line_of_business"], name="participation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.plan.code} {self.line_of_business}: {self.status}"
