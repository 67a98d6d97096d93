"""Claim status: the 276 request and 277 response (005010X212) and the 277CA claim
acknowledgment (005010X214).

As with eligibility, reading separates two kinds of fault: a broken structure (counts,
a missing BHT, HL, NM1 or TRN, an HL whose parent points nowhere, an amount that is no
number) makes the set unreadable and is raised as :class:`X12SyntaxError` for a 999,
while a readable inquiry whose data cannot be searched with (no service date, an NPI
failing its check digit) is recorded on the claim inquiry or provider as an E0
:class:`ClaimStatus` and answered in the 277, so one bad claim does not reject a batch.

The acknowledgment categories (A1..A8) belong to the 277CA, which answers an 837; a 277
answers a status request with D0 (not found), E0..E4 (request in error, system status),
F (finalized), P (pending) or R (more information requested) categories.

- :mod:`.codes`: category, status, action and entity code lists;
- :mod:`.status`: :class:`ClaimStatus`, :class:`LineStatus`, :class:`ClaimStatusAnswer`
  and the STC/SVC writers and readers the three transactions share;
- :mod:`.inquiry` and :mod:`.inquiry_reader`: the 276 and :func:`receive_276`,
  :func:`read_276`;
- :mod:`.response`: :func:`build_277`; :mod:`.response_reader`: :func:`read_277`,
  :func:`read_277ca`;
- :mod:`.acknowledgment`: :class:`ClaimAcknowledgment`, :func:`build_277ca` and
  :class:`Acknowledgment277CA` (claim by claim, for big batches).
"""

from __future__ import annotations

from healtheos.interop.x12.claimstatus.acknowledgment import (
    Acknowledgment277CA,
    ClaimAcknowledgment,
    build_277ca,
)
from healtheos.interop.x12.claimstatus.codes import (
    ACKNOWLEDGMENT_VERSION,
    ACTION_CODES,
    ENTITY_CODES,
    REJECTED_CATEGORIES,
    STATUS_CATEGORIES,
    STATUS_CODES,
    VERSION,
)
from healtheos.interop.x12.claimstatus.inquiry import (
    ClaimInquiry,
    Inquiry276,
    LineInquiry,
    Patient,
    Receipt276,
    ServiceProvider,
    StatusReceiver,
    StatusSource,
)
from healtheos.interop.x12.claimstatus.inquiry_reader import read_276, receive_276
from healtheos.interop.x12.claimstatus.response import build_277
from healtheos.interop.x12.claimstatus.response_reader import (
    ReportedClaim,
    Response277,
    StatusLevel,
    read_277,
    read_277ca,
)
from healtheos.interop.x12.claimstatus.status import (
    NO_ANSWER,
    NOT_FOUND,
    ClaimStatus,
    ClaimStatusAnswer,
    LineStatus,
)

__all__ = [
    "ACKNOWLEDGMENT_VERSION",
    "ACTION_CODES",
    "ENTITY_CODES",
    "NOT_FOUND",
    "NO_ANSWER",
    "REJECTED_CATEGORIES",
    "STATUS_CATEGORIES",
    "STATUS_CODES",
    "VERSION",
    "Acknowledgment277CA",
    "ClaimAcknowledgment",
    "ClaimInquiry",
    "ClaimStatus",
    "ClaimStatusAnswer",
    "Inquiry276",
    "LineInquiry",
    "LineStatus",
    "Patient",
    "Receipt276",
    "ReportedClaim",
    "Response277",
    "ServiceProvider",
    "StatusLevel",
    "StatusReceiver",
    "StatusSource",
    "build_277",
    "build_277ca",
    "read_276",
    "read_277",
    "read_277ca",
    "receive_276",
]
