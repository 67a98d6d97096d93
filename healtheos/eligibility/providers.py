"""Which provider identifiers an office may ask about (the 270's information receiver)."""

from __future__ import annotations

from healtheos.directory.models import Provider
from healtheos.offices.models import Office


def provider_on_file(*, office: Office, npi: str) -> bool:
    """The office's own NPI or one of the practitioners billing under its TIN."""
    if not npi:
        return False
    organization = office.organization
    if organization.npi == npi:
        return True
    return Provider.objects.filter(npi=npi, organizations=organization).exists()
