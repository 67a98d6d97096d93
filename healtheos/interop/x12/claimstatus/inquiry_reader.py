"""Reading 276 sets: one pass over an interchange's tokenized segments. Structural faults
are raised as :class:`X12SyntaxError` (for a 999); data that cannot be used is recorded as
an E0 :class:`ClaimStatus` on the claim inquiry it spoils (for the 277):

- a service date that is no date (DTP*472, claim or line) or no date at all: E0:187;
- a birth date that is no date: E0:158 with the patient's entity (IL or QC);
- an NPI failing its check digit: E0:562:1P on the service provider (answered at 2200C).

A missing member ID or patient last name is not among them: the guide requires those
elements (NM103, NM109) in the 276 and the 277 must echo them, so their absence is an
element fault (IK403 1) for the 999.

The walk it shares with the 270 and 278 readers is in :mod:`healtheos.interop.x12.set_reader`.
"""

from __future__ import annotations

from healtheos.interop.x12.claimstatus.inquiry import (
    ClaimDraft,
    Inquiry276,
    LevelDraft,
    LineDraft,
    Patient,
    Receipt276,
    ServiceProvider,
    StatusReceiver,
    StatusSource,
)
from healtheos.interop.x12.claimstatus.status import ClaimStatus, read_number
from healtheos.interop.x12.eligibility.codes import npi_is_valid
from healtheos.interop.x12.eligibility.segments import (
    read_date,
    read_date_range,
    read_name,
    read_trace,
)
from healtheos.interop.x12.set_reader import SetReader, only_set, receive_sets
from healtheos.interop.x12.tokenizer import Segment, X12SyntaxError


def receive_276(data: str | bytes) -> Receipt276:
    """Read every 276 set of an interchange, collecting faults instead of raising, so the
    sound sets are answered with a 277 and the rest acknowledged with a 999 (or a TA1)."""
    return Receipt276(*receive_sets(data, _Reader))


def read_276(data: str | bytes) -> Inquiry276:
    """The one 276 set of an interchange; any fault is raised as :class:`X12SyntaxError`
    (the first, when several). Use :func:`receive_276` to collect all faults."""
    receipt = receive_276(data)
    return only_set(receipt.inquiries, receipt.errors, "276")


#: HL03 → (the parent's HL03, the NM101 its name loop carries).
_LEVELS = {"20": ("", "PR"), "21": ("20", "41"), "19": ("21", "1P"), "22": ("19", "IL")}
_LEVELS["23"] = ("22", "QC")
_CLAIM_REFERENCES = frozenset({"1K", "BLT", "EJ", "XZ", "VV", "D9"})


class _Reader(SetReader[Inquiry276]):
    """One pass over one 276 set's segments."""

    set_id = "276"

    def number(self, segment: Segment, index: int, element: int) -> X12SyntaxError | None:
        try:
            read_number(segment, element, index + 1)
        except X12SyntaxError:
            return self.fault(f"{segment.id}{element:02d} is not a number.", index, "6", element)
        return None

    def read(self) -> Inquiry276:
        segments = self.segments
        start, stop = self.transaction.start, self.transaction.stop
        bht, bht_date = self.read_bht("0010", ("13",))
        levels: dict[str, LevelDraft] = {}
        sources: list[LevelDraft] = []
        level: LevelDraft | None = None
        for index in range(start + 2, stop):
            segment = segments[index]
            segment_id = segment[0]
            if segment_id == "HL":
                level = self.open_level(segment, index, levels, sources)
            elif level is None:
                raise self.fault(f"{segment_id[:3]} before any HL.", index, "2")
            elif segment_id == "NM1":
                self.read_nm1(level, segment, index)
            elif segment_id == "DMG" and level.level in ("22", "23") and level.name is None:
                self.read_dmg(level, segment)
            elif segment_id == "TRN" and level.level in ("22", "23") and level.name is not None:
                self.check_trace(segment, index)
                level.claims.append(ClaimDraft(read_trace(segment)))
            elif level.claims and segment_id in ("REF", "AMT", "DTP", "SVC"):
                self.read_claim_segment(level.claims[-1], segment, index)
            else:
                raise self.fault(f"{segment_id[:3]} is not expected here.", index, "2")
        if not sources:
            raise self.fault("The 276 has no HL 20 (information source).", stop, "3", 0, "HL")
        return Inquiry276(
            *self.header(bht, bht_date),
            sources=tuple(self.freeze_source(draft) for draft in sources),
            delimiters=self.delimiters,
        )

    def open_level(
        self,
        segment: Segment,
        index: int,
        levels: dict[str, LevelDraft],
        sources: list[LevelDraft],
    ) -> LevelDraft:
        hl_id = self.hl_id(segment, index, levels)
        parent_id, code = segment.get(2), segment.get(3)
        if code not in _LEVELS:
            raise self.fault(f"HL03 {code!r} is not 20, 21, 19, 22 or 23.", index, "7", 3)
        self.check_child_code(segment, index)
        draft = LevelDraft(hl_id, parent_id, code, segment.get(4) == "1", index)
        parent_level = _LEVELS[code][0]
        if not parent_level:
            if parent_id:
                raise self.fault("An HL 20 has no parent.", index, "7", 2)
            sources.append(draft)
        else:
            parent = levels.get(parent_id)
            if parent is None or parent.level != parent_level:
                raise self.fault(
                    f"HL02 {parent_id!r} does not point to an HL {parent_level}.", index, "7", 2
                )
            parent.children.append(draft)
            if code == "23":
                draft.subscriber = parent
        levels[hl_id] = draft
        return draft

    def read_nm1(self, level: LevelDraft, segment: Segment, index: int) -> None:
        if level.name is not None:
            raise self.fault(f"A second NM1 in HL {level.hl_id}.", index, "2")
        entity = _LEVELS[level.level][1]
        if segment.get(1) != entity:
            raise self.fault(f"NM101 {segment.get(1)!r} is not {entity}.", index, "7", 1)
        if len(segment.get(3)) > 60 or len(segment.get(9)) > 80:
            raise self.fault("NM1 has an element longer than the guide allows.", index, "5", 3)
        name = read_name(segment)
        if level.level in ("22", "23") and not name.last:
            raise self.fault("NM103 (the patient's last name) is missing.", index, "1", 3)
        if level.level != "23" and not name.identifier:
            # NM108/NM109 are required in 2100A-D: without them there is nothing to echo.
            raise self.fault("NM109 (the identifier) is missing.", index, "1", 9)
        level.name = name
        if level.level == "19" and name.id_qualifier == "XX" and not npi_is_valid(name.identifier):
            level.problems.append(ClaimStatus("E0", "562", "1P"))

    def read_dmg(self, level: LevelDraft, segment: Segment) -> None:
        if segment.get(2):
            born = read_date(segment.get(2)) if segment.get(1) == "D8" else None
            if born is None:
                level.problems.append(
                    ClaimStatus("E0", "158", "IL" if level.level == "22" else "QC")
                )
            level.birth_date = born
        level.gender = segment.get(3)

    def read_claim_segment(self, claim: ClaimDraft, segment: Segment, index: int) -> None:
        segment_id = segment.id
        line = claim.lines[-1] if claim.lines else None
        if segment_id == "SVC":
            parts = segment.components(1, self.delimiters)
            if len(parts) < 2 or not parts[1]:
                raise self.fault("SVC01 has no procedure code.", index, "1", 1)
            draft = LineDraft(parts[0], parts[1], tuple(p for p in parts[2:6] if p))
            for element in (2, 7):
                fault = self.number(segment, index, element)
                if fault:
                    raise fault
            draft.charge = read_number(segment, 2, index + 1)
            draft.units = read_number(segment, 7, index + 1)
            if draft.charge is None:
                raise self.fault("SVC02 (the line's charge) is missing.", index, "1", 2)
            draft.revenue = segment.get(4)
            claim.lines.append(draft)
        elif segment_id == "REF":
            if not segment.get(2):
                raise self.fault("REF02 is missing.", index, "1", 2)
            if line is not None:
                if segment.get(1) != "FJ":
                    raise self.fault(f"REF01 {segment.get(1)!r} is not FJ.", index, "7", 1)
                line.control = segment.get(2)
            elif segment.get(1) in _CLAIM_REFERENCES:
                claim.references.append((segment.get(1), segment.get(2)))
            else:
                raise self.fault(f"REF01 {segment.get(1)!r} is not used in 2200.", index, "7", 1)
        elif segment_id == "AMT" and line is None:
            if segment.get(1) != "T3":
                raise self.fault(f"AMT01 {segment.get(1)!r} is not T3.", index, "7", 1)
            fault = self.number(segment, index, 2)
            if fault:
                raise fault
            claim.charge = read_number(segment, 2, index + 1)
        elif segment_id == "DTP":
            if segment.get(1) != "472":
                raise self.fault(f"DTP01 {segment.get(1)!r} is not 472.", index, "7", 1)
            dates = read_date_range(segment.get(2), segment.get(3))
            if dates is None:
                claim.problems.append(ClaimStatus("E0", "187"))
            elif line is not None:
                line.dates = dates
            else:
                claim.dates = dates
        else:
            raise self.fault(f"{segment_id} is not expected in a service line.", index, "2")

    def require_below(self, draft: LevelDraft, what: str) -> None:
        if not draft.children:
            raise self.missing_child(draft, what)

    def freeze_source(self, draft: LevelDraft) -> StatusSource:
        name = self.require_name(draft)
        self.require_below(draft, "information receiver (HL 21)")
        return StatusSource(
            draft.hl_id, name, tuple(self.freeze_receiver(r) for r in draft.children)
        )

    def freeze_receiver(self, draft: LevelDraft) -> StatusReceiver:
        name = self.require_name(draft)
        self.require_below(draft, "service provider (HL 19)")
        providers = tuple(self.freeze_provider(p) for p in draft.children)
        return StatusReceiver(draft.hl_id, draft.parent_id, name, providers)

    def freeze_provider(self, draft: LevelDraft) -> ServiceProvider:
        name = self.require_name(draft)
        self.require_below(draft, "subscriber (HL 22)")
        patients: list[Patient] = []
        for subscriber in draft.children:
            frozen = self.freeze_patient(subscriber, None)
            patients.append(frozen)
            patients.extend(self.freeze_patient(d, frozen) for d in subscriber.children)
        return ServiceProvider(
            draft.hl_id, draft.parent_id, name, tuple(draft.problems), tuple(patients)
        )

    def freeze_patient(self, draft: LevelDraft, subscriber: Patient | None) -> Patient:
        name = self.require_name(draft)
        if not draft.claims and (draft.level == "23" or not draft.children):
            raise self.fault(
                f"HL {draft.hl_id} asks about no claim (TRN).", draft.position, "3", 0, "TRN"
            )
        inherited = list(draft.problems)
        if subscriber is not None:
            inherited += [p for p in subscriber.problems if p not in inherited]
        claims = tuple(
            claim.freeze(draft.hl_id, number, inherited)
            for number, claim in enumerate(draft.claims, start=1)
        )
        return Patient(
            hl_id=draft.hl_id,
            parent_id=draft.parent_id,
            level=draft.level,
            has_children=bool(draft.children),
            name=name,
            member_id=name.identifier if draft.level == "22" else "",
            birth_date=draft.birth_date,
            gender=draft.gender,
            claims=claims,
            problems=tuple(draft.problems),
            subscriber=subscriber,
        )
