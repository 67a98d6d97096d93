"""Mutable drafts of the loops while a set is read, frozen into the model's dataclasses
once their last segment has been seen (each draft freezes once and keeps the result)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from healtheos.interop.x12.claims.elements import SetReader, address
from healtheos.interop.x12.claims.model import (
    BillingProvider,
    Claim,
    HealthCode,
    Party,
    Patient,
    Procedure,
    ServiceLine,
    Subscriber,
)
from healtheos.interop.x12.eligibility.segments import DateRange, Name
from healtheos.interop.x12.tokenizer import Segment


class PartyDraft:
    """An NM1 loop: the name and what follows it (N3, N4, REF, PRV, DMG)."""

    __slots__ = ("dmg", "dmg_index", "index", "lines", "n4", "name", "references", "taxonomy")

    def __init__(self, name: Name, index: int) -> None:
        self.name = name
        self.index = index
        self.lines: tuple[str, ...] = ()
        self.n4: Segment | None = None
        self.references: list[tuple[str, str]] = []
        self.taxonomy = ""
        self.dmg: Segment | None = None
        self.dmg_index = 0

    def freeze(self) -> Party:
        return Party(
            self.name,
            address(self.lines, self.n4),
            self.taxonomy,
            tuple(self.references),
            self.index + 1,
        )

    def reference(self, qualifier: str) -> str:
        return next((value for key, value in self.references if key == qualifier), "")

    def demographics(self, reader: SetReader) -> tuple[dt.date | None, str]:
        """DMG: date of birth (D8) and gender."""
        dmg = self.dmg
        if dmg is None:
            return None, ""
        born = reader.date_range(dmg, self.dmg_index, 1) if dmg.get(2) else None
        reader.code(dmg, self.dmg_index, 3, frozenset({"F", "M", "U"}))
        return (born.start if born else None), dmg.get(3)


class ProviderDraft:
    __slots__ = ("billing", "hl_id", "index", "pay_to", "taxonomy")

    def __init__(self, hl_id: str, index: int) -> None:
        self.hl_id = hl_id
        self.index = index
        self.billing: PartyDraft | None = None
        self.pay_to: PartyDraft | None = None
        self.taxonomy = ""

    def freeze(self, reader: SetReader) -> BillingProvider:
        billing = self.billing
        reader.loop = "2010AA"
        if billing is None:
            raise reader.missing("NM1", self.index + 1, "for the billing provider (NM1*85)")
        if billing.n4 is None:
            raise reader.missing("N4", billing.index + 1, "for the billing provider address")
        tin = billing.reference("EI") or billing.reference("SY")
        if not tin:
            raise reader.missing("REF", billing.index + 1, "for the billing provider tax ID")
        return BillingProvider(
            name=billing.name,
            address=address(billing.lines, billing.n4),
            tin=tin,
            taxonomy=self.taxonomy,
            pay_to=self.pay_to.freeze() if self.pay_to else None,
            hl_id=self.hl_id,
            position=billing.index + 1,
        )


class SubscriberDraft:
    __slots__ = ("children", "claimed", "frozen", "hl_id", "index", "member", "payer", "sbr")

    def __init__(self, hl_id: str, index: int, children: bool) -> None:
        self.hl_id = hl_id
        self.index = index
        self.children = children
        self.claimed = False
        self.sbr: Segment | None = None
        self.member: PartyDraft | None = None
        self.payer: PartyDraft | None = None
        self.frozen: Subscriber | None = None

    def freeze(self, reader: SetReader) -> Subscriber:
        if self.frozen is not None:
            return self.frozen
        reader.loop = "2000B"
        sbr, member, payer = self.sbr, self.member, self.payer
        if sbr is None:
            raise reader.missing("SBR", self.index + 1, f"after subscriber HL {self.hl_id}")
        reader.loop = "2010BA"
        if member is None:
            raise reader.missing("NM1", self.index + 1, "for the subscriber (NM1*IL)")
        reader.loop = "2010BB"
        if payer is None:
            raise reader.missing("NM1", member.index + 1, "for the payer (NM1*PR)")
        born, gender = member.demographics(reader)
        self.frozen = Subscriber(
            payer_responsibility=sbr.get(1),
            relationship=sbr.get(2),
            group_number=sbr.get(3),
            group_name=sbr.get(4),
            claim_filing=sbr.get(9),
            name=member.name,
            payer=payer.name,
            address=address(member.lines, member.n4),
            birth_date=born,
            gender=gender,
            hl_id=self.hl_id,
            position=member.index + 1,
        )
        return self.frozen


class PatientDraft:
    __slots__ = ("claimed", "frozen", "hl_id", "index", "member", "pat", "subscriber")

    def __init__(self, hl_id: str, index: int, subscriber: Subscriber) -> None:
        self.hl_id = hl_id
        self.index = index
        self.subscriber = subscriber
        self.claimed = False
        self.pat: Segment | None = None
        self.member: PartyDraft | None = None
        self.frozen: Patient | None = None

    def freeze(self, reader: SetReader) -> Patient:
        if self.frozen is not None:
            return self.frozen
        reader.loop = "2000C"
        if self.pat is None:
            raise reader.missing("PAT", self.index + 1, f"after patient HL {self.hl_id}")
        reader.loop = "2010CA"
        member = self.member
        if member is None:
            raise reader.missing("NM1", self.index + 1, "for the patient (NM1*QC)")
        born, gender = member.demographics(reader)
        self.frozen = Patient(
            relationship=self.pat.get(1),
            name=member.name,
            address=address(member.lines, member.n4),
            birth_date=born,
            gender=gender,
            hl_id=self.hl_id,
            position=member.index + 1,
        )
        return self.frozen


class LineDraft:
    __slots__ = (
        "control_number",
        "date_index",
        "dates",
        "index",
        "number",
        "rendering",
        "service",
        "service_index",
        "sub",
    )

    def __init__(self, number: int, index: int) -> None:
        self.number = number
        self.index = index
        self.service: dict[str, Any] | None = None
        self.service_index = index
        self.dates: DateRange | None = None
        self.date_index = 0
        self.control_number = ""
        self.rendering: PartyDraft | None = None
        self.sub = ""

    def freeze(self) -> ServiceLine:
        service = self.service or {}
        procedure: Procedure | None = service.get("procedure")
        charge: Decimal = service.get("charge") or Decimal(0)
        return ServiceLine(
            number=self.number,
            procedure=procedure,
            charge=charge,
            unit_qualifier=service.get("unit_qualifier", ""),
            units=service.get("units"),
            service_dates=self.dates,
            revenue_code=service.get("revenue_code", ""),
            place_of_service=service.get("place_of_service", ""),
            diagnosis_pointers=service.get("diagnosis_pointers", ()),
            control_number=self.control_number,
            rendering=self.rendering.freeze() if self.rendering else None,
            position=self.service_index + 1,
            date_position=self.date_index + 1 if self.dates else 0,
        )


class ClaimDraft:
    __slots__ = (
        "billing_provider",
        "dates",
        "diagnoses",
        "fields",
        "has_hi",
        "index",
        "line",
        "lines",
        "other_codes",
        "patient",
        "providers",
        "references",
        "sub",
        "subscriber",
    )

    def __init__(
        self,
        fields: dict[str, Any],
        index: int,
        billing_provider: BillingProvider,
        subscriber: Subscriber,
        patient: Patient | None,
    ) -> None:
        self.fields = fields
        self.index = index
        self.billing_provider = billing_provider
        self.subscriber = subscriber
        self.patient = patient
        self.dates: list[tuple[str, DateRange]] = []
        self.diagnoses: list[HealthCode] = []
        self.other_codes: list[HealthCode] = []
        self.providers: list[PartyDraft] = []
        self.references: dict[str, str] = {}
        self.lines: list[ServiceLine] = []
        self.line: LineDraft | None = None
        self.has_hi = False
        self.sub = ""

    def reference(self, qualifier: str, value: str) -> None:
        self.references.setdefault(qualifier, value)

    def close_line(self, reader: SetReader, professional: bool) -> None:
        line = self.line
        if line is None:
            return
        self.line = None
        if line.service is None:
            reader.loop = "2400"
            raise reader.missing("SV1" if professional else "SV2", line.index + 1, "after LX")
        self.lines.append(line.freeze())

    def freeze(self) -> Claim:
        references = self.references
        return Claim(
            **self.fields,
            billing_provider=self.billing_provider,
            subscriber=self.subscriber,
            patient=self.patient,
            diagnoses=tuple(self.diagnoses),
            other_codes=tuple(self.other_codes),
            lines=tuple(self.lines),
            dates=tuple(self.dates),
            original_claim_number=references.get("F8", ""),
            prior_authorization=references.get("G1", ""),
            clearinghouse_trace=references.get("D9", ""),
            providers=tuple(party.freeze() for party in self.providers),
            position=self.index + 1,
        )
