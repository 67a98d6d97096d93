"""Which provider identifiers an office may ask about (the 270's information receiver)."""

from __future__ import annotations

import time

from healtheos.directory.models import Provider
from healtheos.offices.models import Office

#: (organization, NPI) → (monotonic time checked, on file): a clearinghouse sends the same
#: few NPIs all day. Links between NPIs and TINs change rarely; a change shows within TTL.
_ON_FILE: dict[tuple[int, str], tuple[float, bool]] = {}
TTL = 60.0


def forget() -> None:
    _ON_FILE.clear()


def provider_on_file(*, office: Office, npi: str) -> bool:
    """The office's own NPI or one of the practitioners billing under its TIN."""
    if not npi:
        return False
    key = (office.organization_id, npi)
    cached = _ON_FILE.get(key)
    if cached is not None and time.monotonic() - cached[0] < TTL:
        return cached[1]
    organization = office.organization
    on_file = organization.npi == npi or (
        Provider.objects.filter(npi=npi, organizations=organization).exists()
    )
    if len(_ON_FILE) > 10_000:
        _ON_FILE.clear()
    _ON_FILE[key] = (time.monotonic(), on_file)
    return on_file
