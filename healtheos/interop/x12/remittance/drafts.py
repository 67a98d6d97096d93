"""Mutable drafts of the loops :class:`~.parser.SetParser` is reading, frozen into the
model's dataclasses when the loop ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from healtheos.interop.x12.eligibility.segments import Name
from healtheos.interop.x12.remittance.model import (
    Adjustment,
    ClaimPayment,
    Contact,
    Party,
    ServiceLine,
)
from healtheos.interop.x12.tokenizer import Segment


def trim(values: list[str]) -> tuple[str, ...]:
    while values and not values[-1]:
        values.pop()
    return tuple(values)


class PartyDraft:
    __slots__ = ("contacts", "n1", "n3", "n4", "references")

    def __init__(self, n1: Segment) -> None:
        self.n1 = n1
        self.n3: tuple[str, ...] = ()
        self.n4: Segment = Segment(("N4",))
        self.references: list[tuple[str, str]] = []
        self.contacts: list[Contact] = []

    def freeze(self) -> Party:
        n1, n4 = self.n1, self.n4
        return Party(
            entity=n1.get(1),
            name=n1.get(2),
            id_qualifier=n1.get(3),
            identifier=n1.get(4),
            address_lines=self.n3,
            city=n4.get(1),
            state=n4.get(2),
            postal_code=n4.get(3),
            country=n4.get(4),
            references=tuple(self.references),
            contacts=tuple(self.contacts),
        )


class LineDraft:
    __slots__ = (
        "adjustments",
        "amounts",
        "dates",
        "money",
        "position",
        "references",
        "remarks",
        "svc",
    )

    def __init__(
        self,
        svc: Segment,
        position: int,
        money: tuple[Decimal, Decimal, Decimal | None, Decimal | None],
    ) -> None:
        self.svc = svc
        self.money = money
        self.position = position
        self.dates: dict[str, dt.date] = {}
        self.adjustments: list[Adjustment] = []
        self.references: list[tuple[str, str]] = []
        self.amounts: list[tuple[str, Decimal]] = []
        self.remarks: list[str] = []

    def freeze(self, component: str) -> ServiceLine:
        svc = self.svc
        size = len(svc)
        procedure = svc[1].split(component) if size > 1 else [""]
        parts = len(procedure)
        dates = self.dates
        charge, paid, units, submitted_units = self.money
        return ServiceLine(
            qualifier=procedure[0],
            code=procedure[1] if parts > 1 else "",
            modifiers=trim(procedure[2:6]) if parts > 2 else (),
            description=procedure[6] if parts > 6 else "",
            charge=charge,
            paid=paid,
            revenue_code=svc[4] if size > 4 else "",
            units=units,
            submitted=trim(svc[6].split(component)) if size > 6 and svc[6] else (),
            submitted_units=submitted_units,
            service_date=dates.get("472"),
            service_start=dates.get("150"),
            service_end=dates.get("151"),
            adjustments=tuple(self.adjustments),
            references=tuple(self.references),
            amounts=tuple(self.amounts),
            remarks=tuple(self.remarks),
            position=self.position,
        )


class ClaimDraft:
    __slots__ = (
        "adjustments",
        "amounts",
        "clp",
        "dates",
        "header",
        "lines",
        "money",
        "names",
        "position",
        "references",
    )

    def __init__(
        self,
        clp: Segment,
        position: int,
        header: str,
        money: tuple[Decimal, Decimal, Decimal | None],
    ) -> None:
        self.clp = clp
        self.money = money
        self.position = position
        self.header = header
        self.names: dict[str, Name] = {}
        self.adjustments: list[Adjustment] = []
        self.references: list[tuple[str, str]] = []
        self.dates: dict[str, dt.date] = {}
        self.amounts: list[tuple[str, Decimal]] = []
        self.lines: list[ServiceLine] = []

    def freeze(self) -> ClaimPayment:
        clp, names, dates = self.clp, self.names, self.dates
        charge, paid, responsibility = self.money
        return ClaimPayment(
            patient_control_number=clp[1],
            status=clp.get(2),
            charge=charge,
            paid=paid,
            patient_responsibility=responsibility,
            filing_indicator=clp.get(6),
            payer_claim_number=clp.get(7),
            facility_code=clp.get(8),
            frequency=clp.get(9),
            drg_code=clp.get(11),
            header=self.header,
            patient=names.get("QC"),
            insured=names.get("IL"),
            rendering=names.get("82"),
            adjustments=tuple(self.adjustments),
            references=tuple(self.references),
            statement_start=dates.get("232"),
            statement_end=dates.get("233"),
            received=dates.get("050"),
            amounts=tuple(self.amounts),
            lines=tuple(self.lines),
            position=self.position,
        )
