"""The claim loops of an 837 set (2300 and its 2310/2320 loops, 2400 lines and their
2410..2440 loops), read segment by segment as :mod:`.reader` walks the set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from healtheos.interop.x12.claims.codes import DIAGNOSIS_QUALIFIERS
from healtheos.interop.x12.claims.elements import SetReader, street
from healtheos.interop.x12.claims.hierarchy import (
    ClaimDraft,
    LineDraft,
    PartyDraft,
    PatientDraft,
    SubscriberDraft,
)
from healtheos.interop.x12.claims.model import BillingProvider, Claim
from healtheos.interop.x12.claims.rules import claim_problems
from healtheos.interop.x12.eligibility.segments import Name
from healtheos.interop.x12.tokenizer import Delimiters, Segment

_YN = frozenset({"Y", "N"})
_ASSIGNMENT = frozenset({"A", "B", "C"})
_BENEFITS = frozenset({"N", "W", "Y"})
_RELEASE = frozenset({"I", "Y"})
_PROFESSIONAL_FREQUENCY = frozenset({"1", "6", "7", "8"})
_UNITS_P = frozenset({"UN", "MJ"})
_UNITS_I = frozenset({"UN", "DA"})
PAYER_RESPONSIBILITY = frozenset("ABCDEFGHPST U")
ENTITY_TYPES = frozenset({"1", "2"})
#: Segments of the 837 guides this reader passes over (their loops are not read).
_PASSED = frozenset(
    [
        "AMT",
        "CAS",
        "CN1",
        "CR1",
        "CR2",
        "CR3",
        "CR5",
        "CR6",
        "CR7",
        "CRC",
        "CTP",
        "CUR",
        "FRM",
        "HCP",
        "HSD",
        "K3",
        "LIN",
        "LQ",
        "MEA",
        "MIA",
        "MOA",
        "NTE",
        "OI",
        "PS1",
        "PWK",
        "QTY",
        "SV5",
        "SVD",
        "TOO",
    ]
)
_BLANK = ("",) * 10
_OTHER_PAYER = frozenset({"DTP", "REF", "N3", "N4", "PER", "PRV"})


class LoopReader(SetReader):
    """The NM1 parties and the claim loops; the hierarchy above them is the subclass's."""

    def __init__(
        self,
        segments: Sequence[Segment],
        delimiters: Delimiters,
        *,
        start: int,
        stop: int,
        set_position: int,
        group_position: int,
        professional: bool,
        today: dt.date,
    ) -> None:
        super().__init__(
            segments,
            delimiters,
            start=start,
            stop=stop,
            set_position=set_position,
            group_position=group_position,
        )
        self.professional = professional
        self.today = today
        self.claims: list[Claim] = []
        self.owners: dict[str, BillingProvider] = {}
        self.subscriber: SubscriberDraft | None = None
        self.patient: PatientDraft | None = None
        self.claim: ClaimDraft | None = None
        self.party: PartyDraft | None = None

    def name(self, segment: Segment, index: int) -> Name:
        fields = segment if len(segment) >= 10 else (*segment, *_BLANK[len(segment) :])
        entity_type, qualifier, identifier = fields[2], fields[8], fields[9]
        if entity_type and entity_type not in ENTITY_TYPES:
            self.code(segment, index, 2, ENTITY_TYPES)
        if qualifier and not identifier:
            self.element_fault("NM109 is required when NM108 is sent.", index, "2", 9)
        if identifier and not qualifier:
            self.element_fault("NM108 is required when NM109 is sent.", index, "2", 8)
        return Name(
            fields[1],
            entity_type,
            fields[3],
            fields[4],
            fields[5],
            fields[7],
            qualifier,
            identifier,
        )

    def party_segment(self, segment: Segment, index: int) -> bool:
        """N3, N4, REF and PRV of the current NM1 loop; False for any other segment."""
        party = self.party
        if party is None:
            return False
        sid = segment[0]
        if sid == "N3":
            party.lines = street(segment)
        elif sid == "N4":
            self.required(segment, index, 1)
            party.n4 = segment
        elif sid == "REF":
            self.required(segment, index, 2)
            party.references.append((segment.get(1), segment.get(2)))
        elif sid == "PRV":
            party.taxonomy = segment.get(3)
        elif sid in ("PER", "DMG"):
            if sid == "DMG":
                party.dmg = segment
                party.dmg_index = index
        else:
            return False
        return True

    # -- the hierarchy ---------------------------------------------------------------------

    def read_clm(self, clm: Segment, index: int) -> dict[str, object]:
        number = self.required(clm, index, 1)
        if len(number) > 38:
            self.element_fault("CLM01 is longer than 38.", index, "5", 1)
        total = self.decimal(clm, index, 2)
        parts = clm.get(5).split(self.component)
        if len(parts) != 3 or not all(parts):
            self.element_fault("CLM05 must be code:qualifier:frequency.", index, "7", 5)
            parts = [*parts, "", "", ""][:3]
        elif parts[1] != ("B" if self.professional else "A"):
            self.element_fault(f"CLM05-2 {parts[1][:5]!r} is not B or A.", index, "7", 5)
        elif (
            parts[2] not in _PROFESSIONAL_FREQUENCY
            if self.professional
            else not (len(parts[2]) == 1 and parts[2].isalnum())
        ):
            self.element_fault(f"CLM05-3 {parts[2][:5]!r} is not a frequency code.", index, "7", 5)
        if self.professional:
            self.required(clm, index, 6)
        for element in (7, 8, 9):
            self.required(clm, index, element)
        return {
            "patient_control_number": number,
            "total_charge": total if total is not None else Decimal(0),
            "facility_code": parts[0],
            "facility_qualifier": parts[1],
            "frequency": parts[2],
            "provider_signature": self.code(clm, index, 6, _YN),
            "assignment": self.code(clm, index, 7, _ASSIGNMENT),
            "benefits_assigned": self.code(clm, index, 8, _BENEFITS),
            "release_of_information": self.code(clm, index, 9, _RELEASE),
        }

    def claim_segment(self, segment: Segment, index: int) -> None:
        claim = self.claim
        assert claim is not None
        sid = segment[0]
        if sid == "LX":
            claim.close_line(self, self.professional)
            self.loop, self.party = "2400", None
            number = segment.get(1)
            if not number.isdigit():
                self.element_fault(f"LX01 {number[:9]!r} is not a line number.", index, "7", 1)
            claim.line = LineDraft(int(number) if number.isdigit() else 0, index)
            return
        if claim.line is not None:
            self.line_segment(claim.line, segment, index)
            return
        if sid == "SBR":
            claim.sub, self.loop, self.party = "2320", "2320", None
        elif claim.sub == "2320":  # other payers (2320, 2330A..G) are passed over
            if sid == "NM1":
                self.loop = "2330"
            elif not (sid in _PASSED or sid in _OTHER_PAYER):
                raise self.fault(f"{sid[:3]} is not expected in loop {self.loop}.", index, "2")
        elif sid == "NM1":
            claim.sub, self.loop = "2310", "2310"
            self.party = PartyDraft(self.name(segment, index), index)
            claim.providers.append(self.party)
        elif claim.sub == "2310" and self.party_segment(segment, index):
            pass
        elif sid == "DTP":
            dates = self.date_range(segment, index)
            if dates is not None:
                claim.dates.append((segment.get(1), dates))
        elif sid == "REF":
            claim.reference(segment.get(1), self.required(segment, index, 2))
        elif sid == "HI":
            for code in self.health_codes(segment, index):
                (
                    claim.diagnoses if code.qualifier in DIAGNOSIS_QUALIFIERS else claim.other_codes
                ).append(code)
            claim.has_hi = True
        elif sid == "CL1" and not self.professional:
            claim.fields["admission_type"] = segment.get(1)
            claim.fields["admission_source"] = segment.get(2)
            claim.fields["patient_status"] = segment.get(3)
        elif sid not in _PASSED:
            raise self.fault(f"{sid[:3]} is not expected in loop 2300.", index, "2")

    def line_segment(self, line: LineDraft, segment: Segment, index: int) -> None:
        sid = segment[0]
        if line.service is None:
            if sid != ("SV1" if self.professional else "SV2"):
                raise self.missing("SV1" if self.professional else "SV2", index, "after LX")
            line.service = (
                self.read_sv1(segment, index)
                if self.professional
                else self.read_sv2(segment, index)
            )
            line.service_index = index
        elif sid == "NM1":
            line.sub, self.loop = "2420", "2420"
            self.party = PartyDraft(self.name(segment, index), index)
            if segment.get(1) == "82" and line.rendering is None:
                line.rendering = self.party
        elif sid in ("LIN", "SVD", "LQ"):
            line.sub = self.loop = {"LIN": "2410", "SVD": "2430", "LQ": "2440"}[sid]
            self.party = None
        elif line.sub == "2420" and self.party_segment(segment, index):
            pass
        elif line.sub in ("2410", "2430", "2440"):
            if not (sid in _PASSED or sid in _OTHER_PAYER):
                raise self.fault(f"{sid[:3]} is not expected in loop {self.loop}.", index, "2")
        elif sid == "DTP":
            dates = self.date_range(segment, index)
            if segment.get(1) == "472" and dates is not None and line.dates is None:
                line.dates, line.date_index = dates, index
        elif sid == "REF":
            value = self.required(segment, index, 2)
            if segment.get(1) == "6R" and not line.control_number:
                line.control_number = value
        elif sid not in _PASSED:
            raise self.fault(f"{sid[:3]} is not expected in loop 2400.", index, "2")

    def read_sv1(self, sv1: Segment, index: int) -> dict[str, object]:
        procedure = self.procedure(sv1, index, 1)
        if procedure is None and not sv1.get(1):
            self.element_fault("SV101 (the procedure) is required.", index, "1", 1)
        charge = self.decimal(sv1, index, 2)
        unit = self.code(sv1, index, 3, _UNITS_P)
        self.required(sv1, index, 3)
        units = self.decimal(sv1, index, 4)
        pointers = self.pointers(sv1, index, 7)
        if not sv1.get(7):
            self.element_fault("SV107 (diagnosis pointers) is required.", index, "1", 7)
        return {
            "procedure": procedure,
            "charge": charge,
            "unit_qualifier": unit,
            "units": units,
            "place_of_service": sv1.get(5),
            "diagnosis_pointers": pointers,
        }

    def read_sv2(self, sv2: Segment, index: int) -> dict[str, object]:
        revenue = self.required(sv2, index, 1)
        return {
            "revenue_code": revenue,
            "procedure": self.procedure(sv2, index, 2),
            "charge": self.decimal(sv2, index, 3),
            "unit_qualifier": self.code(sv2, index, 4, _UNITS_I),
            "units": self.decimal(sv2, index, 5),
        }

    def close_claim(self) -> None:
        claim = self.claim
        if claim is None:
            return
        self.claim = None
        claim.close_line(self, self.professional)
        self.loop = "2300"
        if not claim.has_hi:
            raise self.missing("HI", claim.index, "in claim (loop 2300)")
        if not claim.lines:
            raise self.missing("LX", claim.index, "in claim (loop 2400)")
        frozen = claim.freeze()
        problems = claim_problems(frozen, today=self.today, professional=self.professional)
        self.claims.append(replace(frozen, problems=problems) if problems else frozen)
