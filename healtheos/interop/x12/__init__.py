"""X12 005010: tokenizer, writer, envelope check, eligibility (270/271), 999 and TA1
acknowledgments, and the CAQH CORE HTTP envelope that carries them."""

from __future__ import annotations

from healtheos.interop.x12.ack999 import (
    acknowledge,
    build_999,
    build_ta1,
    read_999,
    read_ta1,
)
from healtheos.interop.x12.core_envelope import (
    CoreEnvelopeError,
    CoreRequest,
    build_core_response,
    parse_core_request,
)
from healtheos.interop.x12.eligibility import (
    BenefitLine,
    DateRange,
    Inquiry270,
    Member,
    Name,
    Provider,
    Receipt270,
    Receiver,
    Rejection,
    Response271,
    Source,
    Subject,
    SubjectAnswer,
    Trace,
    build_271,
    read_270,
    read_271,
    receive_270,
)
from healtheos.interop.x12.envelope import (
    Envelope,
    Group,
    TransactionSet,
    read_envelope,
    validate_envelope,
)
from healtheos.interop.x12.tokenizer import (
    Delimiters,
    Segment,
    X12SyntaxError,
    read_delimiters,
    tokenize,
)
from healtheos.interop.x12.writer import Interchange, build_interchange, serialize

__all__ = [
    "BenefitLine",
    "CoreEnvelopeError",
    "CoreRequest",
    "DateRange",
    "Delimiters",
    "Envelope",
    "Group",
    "Inquiry270",
    "Interchange",
    "Member",
    "Name",
    "Provider",
    "Receipt270",
    "Receiver",
    "Rejection",
    "Response271",
    "Segment",
    "Source",
    "Subject",
    "SubjectAnswer",
    "Trace",
    "TransactionSet",
    "X12SyntaxError",
    "acknowledge",
    "build_271",
    "build_999",
    "build_core_response",
    "build_interchange",
    "build_ta1",
    "parse_core_request",
    "read_270",
    "read_271",
    "read_999",
    "read_delimiters",
    "read_envelope",
    "read_ta1",
    "receive_270",
    "serialize",
    "tokenize",
    "validate_envelope",
]
