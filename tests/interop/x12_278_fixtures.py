"""278 requests the tests share, built with the project's own writer (never copied)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from healtheos.interop.x12.eligibility.segments import DateRange
from healtheos.interop.x12.services_review import RequestedService, RequestSpec, build_278_request

AT = dt.datetime(2026, 11, 24, 9, 30)
ANSWERED_AT = dt.datetime(2026, 11, 24, 9, 31)
GOLDEN = Path(__file__).resolve().parent / "golden" / "278"
NPI = "1234567893"
SERVICING_NPI = "1245319599"
DECEMBER = DateRange(dt.date(2026, 12, 1), dt.date(2026, 12, 31))

SPEC = RequestSpec(
    reference="REQ20261124A",
    trace="CLH-278-0001",
    member_id="SUN000000001",
    subscriber_last="DOE",
    subscriber_first="JANE",
    birth_date=dt.date(1980, 5, 17),
    requester_npi=NPI,
    requester_name="BLUEBONNET FAMILY MEDICINE",
    diagnoses=("M545", "M5416"),
    services=(
        RequestedService("72148", Decimal(1), DECEMBER, trace="CLH-278-0001-1"),
        RequestedService("97110", Decimal(12), DECEMBER, modifiers=("GP",)),
    ),
    servicing_npi=SERVICING_NPI,
    servicing_name="LONGHORN IMAGING",
)


def spec(**changes: Any) -> RequestSpec:
    return dataclasses.replace(SPEC, **changes)


def request_text(**changes: Any) -> str:
    return build_278_request(spec(**changes), at=AT)
