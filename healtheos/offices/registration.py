"""Checking a registration against the plan's provider records on file.

The most common reason a registration stalls is a detail that does not match the roster.
Each mismatch is reported at the field it concerns, saying *what* does not match and never
what the record holds (the form is public: it must not become a directory lookup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from healtheos.directory.models import ParticipationStatus, Provider, ProviderOrganization
from healtheos.plans.models import Plan

_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "pllc",
    "pc",
    "pa",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "lp",
    "llp",
    "the",
    "and",
}


def normalized_name(name: str) -> str:
    """Compare organization names the way a person would: case, punctuation, "&"/"and"
    and corporate suffixes do not matter."""
    words = re.sub(r"[^a-z0-9 ]+", " ", name.lower().replace("&", " and ")).split()
    return " ".join(word for word in words if word not in _SUFFIXES)


@dataclass(frozen=True)
class Mismatch:
    field: str
    message: str


@dataclass(frozen=True)
class MatchResult:
    organization: ProviderOrganization | None
    mismatches: list[Mismatch]

    @property
    def ok(self) -> bool:
        return self.organization is not None and not self.mismatches


def match_registration(
    *, plan: Plan, tin: str, npis: list[str], organization_name: str
) -> MatchResult:
    organization = ProviderOrganization.objects.filter(
        tin=tin,
        participations__plan=plan,
        participations__status__in=[
            ParticipationStatus.IN_NETWORK,
            ParticipationStatus.OUT_OF_NETWORK,
        ],
    ).first()
    if organization is None:
        return MatchResult(
            None,
            [
                Mismatch(
                    "tin",
                    f"This tax ID is not on file with {plan.name}. Check it against your "
                    "W-9, or contact provider services if you recently contracted.",
                )
            ],
        )
    mismatches = []
    linked = set(Provider.objects.filter(organizations=organization).values_list("npi", flat=True))
    if organization.npi:
        linked.add(organization.npi)
    for npi in npis:
        if npi not in linked:
            mismatches.append(
                Mismatch(
                    "npis", f"NPI {npi} is not linked to this tax ID in {plan.name}'s records."
                )
            )
    if normalized_name(organization_name) != normalized_name(organization.legal_name):
        mismatches.append(
            Mismatch(
                "organization_name",
                "The organization name differs from the name on file for this tax ID. Use the "
                "legal name exactly as on your contract with the plan.",
            )
        )
    return MatchResult(organization, mismatches)
