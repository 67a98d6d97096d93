"""Claim adjudication behind an interface, and the payment cycle that pays its decisions.

- :mod:`.interface`: the :class:`~.interface.Adjudicator` protocol and the
  :class:`~.interface.Adjudication` it returns (how to plug in a real core system).
- :mod:`.reference`: the deterministic reference adjudicator (the default).
- :mod:`.services`: ``claim_adjudicate`` and ``payment_cycle_run``.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

from healtheos.claims.adjudication.interface import Adjudicator

DEFAULT_ADJUDICATOR = "healtheos.claims.adjudication.reference.ReferenceAdjudicator"


def configured_adjudicator() -> Adjudicator:
    """A new instance of the class (or zero-argument factory) named by the ``ADJUDICATOR``
    setting (environment variable ``HEALTHEOS_ADJUDICATOR``)."""
    factory = import_string(getattr(settings, "ADJUDICATOR", DEFAULT_ADJUDICATOR))
    adjudicator = factory()
    if not callable(getattr(adjudicator, "adjudicate", None)):
        raise TypeError(f"{settings.ADJUDICATOR} does not make an adjudicator")
    return cast(Adjudicator, adjudicator)
