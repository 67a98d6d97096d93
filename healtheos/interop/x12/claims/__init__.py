"""Health care claims (837): professional (005010X222A1, and its A2 errata) and
institutional (005010X223A2, A3).

:func:`receive_837` reads every set of an interchange and never raises; :class:`ClaimStream`
reads one as it streams in, in bounded memory. Both tell two kinds of fault apart, as the
guides do: a broken
structure or element (a required segment missing, a code that is not in its list, an
amount that is no number) is an :class:`X12SyntaxError` for the 999, and the set carrying
it is rejected; a well-formed claim whose content is unusable (charges that do not add
up, an NPI failing its check digit, a code of the wrong shape) is accepted by the 999 and
carries :class:`ClaimProblem` values for the 277CA.

:func:`build_837p` writes the same dataclasses back as an 837P, so a claim keyed into the
portal is the claim an 837P would carry.

The package holds:

- :mod:`.codes`: versions, claim status codes, code shapes (ICD-10-CM, CPT/HCPCS);
- :mod:`.model`: the dataclasses;
- :mod:`.elements`, :mod:`.hierarchy`, :mod:`.loops`, :mod:`.reader`: reading a set;
- :mod:`.stream`: reading an interchange as it streams (:class:`ClaimStream`);
- :mod:`.rules`: the claim-level business checks;
- :mod:`.writer`: :func:`build_837p` (and :func:`build_837p_sets`, several sets) and
  :func:`build_837i`;
- :mod:`.samples`: :func:`generate_837p_batch`, synthetic batches for benchmarks.
"""

from __future__ import annotations

from healtheos.interop.x12.claims.codes import (
    CLAIM_STATUS_CODES,
    FREQUENCY_CODES,
    INSTITUTIONAL_VERSION,
    INSTITUTIONAL_VERSIONS,
    PROFESSIONAL_VERSION,
    PROFESSIONAL_VERSIONS,
    dotted_diagnosis,
    icd10_cm_shaped,
    procedure_shaped,
)
from healtheos.interop.x12.claims.model import (
    Address,
    BillingProvider,
    Claim,
    ClaimBatch,
    ClaimProblem,
    Contact,
    Controls,
    HealthCode,
    Party,
    Patient,
    Procedure,
    Receipt837,
    ServiceLine,
    Submitter,
    Subscriber,
)
from healtheos.interop.x12.claims.stream import ClaimStream, StreamResult, read_837, receive_837
from healtheos.interop.x12.claims.writer import build_837i, build_837p, build_837p_sets

__all__ = [
    "CLAIM_STATUS_CODES",
    "FREQUENCY_CODES",
    "INSTITUTIONAL_VERSION",
    "INSTITUTIONAL_VERSIONS",
    "PROFESSIONAL_VERSION",
    "PROFESSIONAL_VERSIONS",
    "Address",
    "BillingProvider",
    "Claim",
    "ClaimBatch",
    "ClaimProblem",
    "ClaimStream",
    "Contact",
    "Controls",
    "HealthCode",
    "Party",
    "Patient",
    "Procedure",
    "Receipt837",
    "ServiceLine",
    "StreamResult",
    "Submitter",
    "Subscriber",
    "build_837i",
    "build_837p",
    "build_837p_sets",
    "dotted_diagnosis",
    "icd10_cm_shaped",
    "procedure_shaped",
    "read_837",
    "receive_837",
]
