"""837P files for the submission tests, written by the project's own 837 writer with the
shared world's office, practitioner and member."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from healtheos.interop.x12 import build_837p
from healtheos.interop.x12.eligibility.segments import DateRange
from tests.conftest import World
from tests.interop.x12_837_fixtures import AT, BATCH, SELF_CLAIM, SUBSCRIBER, line

DAY = DateRange(dt.date(2026, 11, 3), dt.date(2026, 11, 3))


def office_claim(world: World, number: str = "ACCT-9001", **changes: object):  # type: ignore[no-untyped-def]
    member = world.bluebonnet.member
    base = replace(
        SELF_CLAIM,
        patient_control_number=number,
        billing_provider=replace(
            SELF_CLAIM.billing_provider,
            name=replace(
                SELF_CLAIM.billing_provider.name, identifier=world.bluebonnet.practitioner.npi
            ),
            tin=world.bluebonnet.office.organization.tin,
        ),
        subscriber=replace(
            SUBSCRIBER,
            relationship="18",
            birth_date=member.birth_date,
            gender="F",
            name=replace(SUBSCRIBER.name, identifier=member.member_id),
        ),
        total_charge=Decimal("150.00"),
        lines=(line(1, "99213", "150.00", service_dates=DAY),),
        prior_authorization="",
    )
    return replace(base, **changes)


def file_837(world: World, *claims: object, control: int = 77) -> bytes:
    batch = replace(BATCH, claims=tuple(claims) or (office_claim(world),))
    return build_837p(batch, at=AT, control_number=control).encode()  # type: ignore[arg-type]
