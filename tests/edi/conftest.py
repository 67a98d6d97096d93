"""The eligibility fixtures serve the X12 endpoint tests too."""

from __future__ import annotations

from tests.eligibility.conftest import family

__all__ = ["family"]
