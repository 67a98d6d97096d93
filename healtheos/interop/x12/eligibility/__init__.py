"""Eligibility and benefit inquiry (270) and response (271), 005010X279A1.

Reading separates two kinds of fault because the guide answers them differently: a broken
structure (counts, missing BHT/HL/NM1, an HL whose parent points nowhere) makes the set
unreadable and is raised as :class:`X12SyntaxError` for a 999, while a readable request
whose data cannot be used (a date of birth that is no date, no member ID and no name) is
recorded on the subject or receiver as a :class:`Rejection` and answered in the 271 with an
AAA segment, so one bad subject does not reject a whole batch.

The reader makes one pass over the tokenized segments and splits composites and
repetitions only where it needs them, so a 10,000-subject batch reads in a fraction of a
second. The answer side is plain frozen dataclasses: the portal maps its own records to
them, and this module never sees a Django object.

The package holds:

- :mod:`.codes`: the code lists, :func:`insurance_type_for` and the NPI check digit;
- :mod:`.segments`: the AAA, NM1, TRN and DTP parts both directions share;
- :mod:`.inquiry`: the 270 as read (source, receiver, subjects);
- :mod:`.inquiry_reader`: :func:`receive_270` and :func:`read_270`;
- :mod:`.response`: the answer dataclasses and :func:`build_271`;
- :mod:`.response_reader`: :func:`read_271`.
"""

from __future__ import annotations

from healtheos.interop.x12.eligibility.codes import (
    BENEFIT_INFORMATION,
    FOLLOW_UP_ACTIONS,
    INSURANCE_TYPES,
    REJECT_REASONS,
    SERVICE_TYPES,
    TIME_PERIODS,
    VERSION,
    insurance_type_for,
    npi_check_digit,
    npi_is_valid,
)
from healtheos.interop.x12.eligibility.inquiry import (
    Inquiry270,
    Receipt270,
    Receiver,
    Source,
    Subject,
)
from healtheos.interop.x12.eligibility.inquiry_reader import read_270, receive_270
from healtheos.interop.x12.eligibility.response import (
    BenefitLine,
    Member,
    Provider,
    SubjectAnswer,
    build_271,
)
from healtheos.interop.x12.eligibility.response_reader import Level271, Response271, read_271
from healtheos.interop.x12.eligibility.segments import DateRange, Name, Rejection, Trace

__all__ = [
    "BENEFIT_INFORMATION",
    "FOLLOW_UP_ACTIONS",
    "INSURANCE_TYPES",
    "REJECT_REASONS",
    "SERVICE_TYPES",
    "TIME_PERIODS",
    "VERSION",
    "BenefitLine",
    "DateRange",
    "Inquiry270",
    "Level271",
    "Member",
    "Name",
    "Provider",
    "Receipt270",
    "Receiver",
    "Rejection",
    "Response271",
    "Source",
    "Subject",
    "SubjectAnswer",
    "Trace",
    "build_271",
    "insurance_type_for",
    "npi_check_digit",
    "npi_is_valid",
    "read_270",
    "read_271",
    "receive_270",
]
