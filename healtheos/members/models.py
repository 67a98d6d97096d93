"""Members, their coverage and accumulators, and their primary-care attribution.

An office never browses members: it reaches one through a search with two matching
identifiers, an attribution to one of its practitioners, or its own claims and
authorizations (see ``eligibility`` and ``members.selectors``).
"""

from __future__ import annotations

from django.db import models

from healtheos.plans.models import CoverageLevel, LimitKind, LineOfBusiness, Network


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    UNKNOWN = "U", "Unknown"


class Relationship(models.TextChoices):
    """X12 individual relationship codes (INS02)."""

    SELF = "18", "Self"
    SPOUSE = "01", "Spouse"
    CHILD = "19", "Child"
    OTHER = "G8", "Other relationship"


class Member(models.Model):
    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="members")
    member_id = models.CharField(max_length=20)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    #: The subscriber whose coverage this member holds; null for the subscriber themself.
    subscriber = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="dependents"
    )
    relationship = models.CharField(
        max_length=2, choices=Relationship.choices, default=Relationship.SELF
    )
    address_line = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=60, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "member_id"], name="member_id_unique_in_plan")
        ]
        indexes = [
            models.Index(fields=["plan", "last_name", "first_name", "birth_date"]),
            # Name searches start from the date of birth: names are matched without regard
            # to case, which the index above cannot serve on PostgreSQL.
            models.Index(fields=["plan", "birth_date"]),
        ]

    def __str__(self) -> str:
        # Deliberately no name or date of birth: str() ends up in logs and admin histories.
        return f"Member {self.pk}"

    @property
    def is_subscriber(self) -> bool:
        return self.subscriber_id is None


class Coverage(models.Model):
    """A span of enrollment in one benefit plan. Spans of one member in one line of business
    never overlap (checked by ``clean`` and by the seed invariants)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coverages")
    benefit_plan = models.ForeignKey(
        "plans.BenefitPlan", on_delete=models.PROTECT, related_name="+"
    )
    line_of_business = models.CharField(max_length=24, choices=LineOfBusiness.choices)
    group_number = models.CharField(max_length=20, blank=True)
    group_name = models.CharField(max_length=120, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["member", "start_date"]
        indexes = [models.Index(fields=["member", "line_of_business", "start_date"])]

    def __str__(self) -> str:
        return f"Coverage {self.pk} ({self.line_of_business} from {self.start_date})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.end_date is not None and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Coverage cannot end before it starts."})
        overlapping = Coverage.objects.filter(
            member_id=self.member_id, line_of_business=self.line_of_business
        ).exclude(pk=self.pk)
        for other in overlapping:
            other_end = other.end_date
            if (other_end is None or other_end >= self.start_date) and (
                self.end_date is None or self.end_date >= other.start_date
            ):
                raise ValidationError(
                    "This span overlaps another coverage in the same line of business."
                )


class Accumulator(models.Model):
    """How much of a deductible or out-of-pocket maximum has been met in a plan year."""

    coverage = models.ForeignKey(Coverage, on_delete=models.CASCADE, related_name="accumulators")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LimitKind.choices)
    network = models.CharField(max_length=3, choices=Network.choices)
    level = models.CharField(max_length=10, choices=CoverageLevel.choices)
    met = models.DecimalField(max_digits=10, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coverage", "year", "kind", "network", "level"], name="accumulator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.network} {self.level} {self.year}: {self.met}"


class AttributionSource(models.TextChoices):
    MEMBER_SELECTED = "member_selected", "Chosen by the member"
    ASSIGNED = "assigned", "Assigned by the plan"
    CLAIMS = "claims", "Attributed from claims history"


class PcpAssignment(models.Model):
    """A member's primary care provider: puts the member on the practitioner's panel and,
    through the organization, on that office's patient list."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pcp_assignments")
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, related_name="panel"
    )
    organization = models.ForeignKey(
        "directory.ProviderOrganization", on_delete=models.PROTECT, related_name="attributed"
    )
    source = models.CharField(max_length=16, choices=AttributionSource.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "end_date"])]

    def __str__(self) -> str:
        return f"PCP assignment {self.pk}"
