"""Health care services review, request for review and response: the X12 278
(005010X217) that carries prior authorization requests and the plan's decisions.

As for eligibility and claim status, a broken structure is raised as
:class:`X12SyntaxError` for a 999, while readable data that cannot be used is recorded
as a :class:`Rejection` on its loop and answered with an AAA segment in the 278 response.
A request that quotes the plan's tracking number (REF*NT at the patient event) asks for
the decision on an earlier request: :attr:`Request278.is_inquiry`.

- :mod:`.codes`: UM, HCR and AAA code lists;
- :mod:`.request` and :mod:`.request_reader`: the request as read, :func:`receive_278`,
  :func:`read_278`;
- :mod:`.response`: :class:`Decision`, :class:`ServiceDecision`,
  :func:`build_278_response`; :mod:`.response_reader`: :func:`read_278_response`;
- :mod:`.samples`: :func:`build_278_request` for tests, golden files and benchmarks.
"""

from __future__ import annotations

from healtheos.interop.x12.services_review.codes import (
    ACTION_CODES,
    CERTIFICATION_TYPES,
    LEVELS_OF_SERVICE,
    REJECT_REASONS,
    REQUEST_CATEGORIES,
    VERSION,
)
from healtheos.interop.x12.services_review.request import (
    Diagnosis,
    Party,
    PatientEvent,
    Person,
    Receipt278,
    Request278,
    Review,
    ServiceRequest,
)
from healtheos.interop.x12.services_review.request_reader import read_278, receive_278
from healtheos.interop.x12.services_review.response import (
    Decision,
    ServiceDecision,
    build_278_response,
)
from healtheos.interop.x12.services_review.response_reader import (
    Answer,
    Response278,
    read_278_response,
)
from healtheos.interop.x12.services_review.samples import (
    RequestedService,
    RequestSpec,
    build_278_request,
)

__all__ = [
    "ACTION_CODES",
    "CERTIFICATION_TYPES",
    "LEVELS_OF_SERVICE",
    "REJECT_REASONS",
    "REQUEST_CATEGORIES",
    "VERSION",
    "Answer",
    "Decision",
    "Diagnosis",
    "Party",
    "PatientEvent",
    "Person",
    "Receipt278",
    "Request278",
    "RequestSpec",
    "RequestedService",
    "Response278",
    "Review",
    "ServiceDecision",
    "ServiceRequest",
    "build_278_request",
    "build_278_response",
    "read_278",
    "read_278_response",
    "receive_278",
]
