"""The eligibility fixtures serve the FHIR tests too."""

from __future__ import annotations

from tests.eligibility.conftest import family

__all__ = ["family"]
