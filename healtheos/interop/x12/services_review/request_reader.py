"""Reading 278 requests for review (005010X217): one pass over the tokenized segments of
each set. Two kinds of fault, answered differently:

- a broken structure (no BHT, an HL whose parent points nowhere, a level without its NM1,
  no patient event or no UM, a code the guide does not allow, a number that is no number)
  makes the set unreadable and is raised as :class:`X12SyntaxError` for a 999;
- readable data that cannot be used (a birth date that is no date, an NPI failing its
  check digit, a diagnosis or procedure code of the wrong shape, a service date that is no
  date) is recorded as a :class:`Rejection` on the loop it spoils and answered in the 278
  response with an AAA segment, as the guide wants.

The walk it shares with the 270 and 276 readers is in :mod:`healtheos.interop.x12.set_reader`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from healtheos.interop.x12.claims.codes import (
    DIAGNOSIS_QUALIFIERS,
    ICD10_DIAGNOSIS_QUALIFIERS,
    icd10_cm_shaped,
    procedure_shaped,
)
from healtheos.interop.x12.eligibility.codes import npi_is_valid
from healtheos.interop.x12.eligibility.segments import (
    DateRange,
    Name,
    Rejection,
    Trace,
    read_date,
    read_date_range,
    read_name,
    read_trace,
)
from healtheos.interop.x12.services_review.codes import (
    CERTIFICATION_TYPES,
    EVENT_DATE,
    LEVELS_OF_SERVICE,
    PROVIDER_ENTITIES,
    REQUEST_CATEGORIES,
    REQUEST_PURPOSE,
    REQUESTER_ENTITIES,
    SERVICE_DATE,
    STRUCTURE,
    TRANSPORT_ENTITIES,
    UNIT_BASES,
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
from healtheos.interop.x12.set_reader import SetReader, only_set, receive_sets
from healtheos.interop.x12.tokenizer import Segment


def receive_278(data: str | bytes) -> Receipt278:
    """Read every 278 set of an interchange, collecting faults instead of raising, so the
    sound sets are answered with a 278 response and the rest acknowledged with a 999 (or a
    TA1). Never raises for bad input."""
    return Receipt278(*receive_sets(data, _Reader))


def read_278(data: str | bytes) -> Request278:
    """The one 278 set of an interchange; any fault is raised as :class:`X12SyntaxError`
    (the first, when several). Use :func:`receive_278` to collect all faults."""
    receipt = receive_278(data)
    return only_set(receipt.requests, receipt.errors, "278")


#: HL03 → (the HL03 codes its parent may have, the NM101 codes its name loop may carry).
_LEVELS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "20": (frozenset({""}), frozenset({"X3"})),
    "21": (frozenset({"20"}), REQUESTER_ENTITIES),
    "22": (frozenset({"21"}), frozenset({"IL"})),
    "23": (frozenset({"22"}), frozenset({"QC"})),
    "EV": (frozenset({"22", "23"}), frozenset()),
    "SS": (frozenset({"EV"}), frozenset()),
}
_LOOPS = {"20": "2000A", "21": "2000B", "22": "2000C", "23": "2000D", "EV": "2000E", "SS": "2000F"}
#: Segments read or tolerated after the name in the name loops.
_NAME_DETAIL = frozenset({"REF", "N3", "N4", "PER", "PRV", "DMG", "INS", "AAA"})
#: Segments of the event and service levels that carry nothing the portal decides on;
#: they are accepted and left unread.
_TOLERATED = frozenset(
    {"HSD", "CRC", "CL1", "CR1", "CR2", "CR4", "CR5", "CR6", "CR7", "CR8", "PWK", "SV3", "TOO"}
)
_EVENT_PARTIES = frozenset(PROVIDER_ENTITIES) | TRANSPORT_ENTITIES | {"X3"}


class _Level:
    """Any HL level while it is read (mutable; the reader freezes it at the end)."""

    def __init__(self, hl_id: str, parent_id: str, code: str, position: int) -> None:
        self.hl_id = hl_id
        self.parent_id = parent_id
        self.code = code
        self.position = position
        self.name: Name | None = None
        self.taxonomy = ""
        self.provider_code = ""
        self.references: list[tuple[str, str]] = []
        self.birth_date: dt.date | None = None
        self.gender = ""
        self.traces: list[Trace] = []
        self.review: Review | None = None
        self.dates: DateRange | None = None
        self.admission: dt.date | None = None
        self.discharge: dt.date | None = None
        self.diagnoses: list[Diagnosis] = []
        self.messages: list[str] = []
        self.parties: list[_Party] = []
        self.procedure: tuple[str, str, tuple[str, ...]] = ("", "", ())
        self.revenue = ""
        self.charge: Decimal | None = None
        self.unit_basis = ""
        self.units: Decimal | None = None
        self.problems: list[Rejection] = []
        self.children: list[_Level] = []


class _Party:
    def __init__(self, name: Name) -> None:
        self.name = name
        self.taxonomy = ""
        self.provider_code = ""
        self.references: list[tuple[str, str]] = []

    def freeze(self) -> Party:
        return Party(self.name, self.taxonomy, tuple(self.references), self.provider_code)


class _Reader(SetReader[Request278]):
    """One pass over one 278 set's segments."""

    set_id = "278"
    quote_limit = 10
    hl_id_limit = 12

    def number(self, segment: Segment, index: int, element: int) -> Decimal | None:
        text = segment.get(element)
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or "e" in text.lower() or len(text) > 18:
            raise self.fault(f"{segment.id}{element:02d} is not a number.", index, "6", element)
        return value

    # -- the set ------------------------------------------------------------------------

    def read(self) -> Request278:
        segments = self.segments
        start, stop = self.transaction.start, self.transaction.stop
        bht, bht_date = self.read_bht(STRUCTURE, (REQUEST_PURPOSE,))
        levels: dict[str, _Level] = {}
        roots: list[_Level] = []
        level: _Level | None = None
        party: _Party | None = None
        for index in range(start + 2, stop):
            segment = segments[index]
            segment_id = segment[0]
            if segment_id == "HL":
                level = self.open_level(segment, index, levels, roots)
                party = None
            elif level is None:
                raise self.fault(f"{segment_id[:3]} before any HL.", index, "2")
            elif level.code in ("EV", "SS"):
                party = self.read_event_segment(level, party, segment, index)
            else:
                self.read_name_loop(level, segment, index)
        return self.freeze(roots, bht, bht_date, stop)

    def open_level(
        self, segment: Segment, index: int, levels: dict[str, _Level], roots: list[_Level]
    ) -> _Level:
        hl_id = self.hl_id(segment, index, levels)
        parent_id, code = segment.get(2), segment.get(3)
        if code not in _LEVELS:
            raise self.fault(f"HL03 {code[:10]!r} is not 20, 21, 22, 23, EV or SS.", index, "7", 3)
        self.check_child_code(segment, index)
        draft = _Level(hl_id, parent_id, code, index)
        allowed_parents = _LEVELS[code][0]
        if "" in allowed_parents:
            if parent_id:
                raise self.fault("An HL 20 has no parent.", index, "7", 2)
            if roots:
                raise self.fault("A 278 has one HL 20.", index, "4", segment_id="HL")
            roots.append(draft)
        else:
            parent = levels.get(parent_id)
            if parent is None or parent.code not in allowed_parents:
                wanted = " or ".join(sorted(allowed_parents))
                raise self.fault(
                    f"HL02 {parent_id[:12]!r} does not point to an HL {wanted}.", index, "7", 2
                )
            siblings = [child for child in parent.children if child.code == code]
            if (siblings and code != "SS") or (
                code == "EV" and any(c.code == "23" for c in parent.children)
            ):
                # One requester, subscriber, dependent and patient event per request.
                raise self.fault(
                    f"A second {_LOOPS[code]} loop under HL {parent.hl_id}.",
                    index,
                    "4",
                    segment_id="HL",
                )
            if code == "23" and any(child.code == "EV" for child in parent.children):
                raise self.fault("The dependent follows the patient event.", index, "7", 3)
            parent.children.append(draft)
        levels[hl_id] = draft
        return draft

    # -- 2000A-D: the name loops --------------------------------------------------------

    def read_name_loop(self, level: _Level, segment: Segment, index: int) -> None:
        segment_id = segment.id
        if segment_id == "NM1":
            if level.name is not None:
                raise self.fault(f"A second NM1 in HL {level.hl_id}.", index, "2")
            entities = _LEVELS[level.code][1]
            if segment.get(1) not in entities:
                wanted = " or ".join(sorted(entities))
                raise self.fault(f"NM101 {segment.get(1)[:10]!r} is not {wanted}.", index, "7", 1)
            level.name = self.read_nm1(segment, index, person=level.code in ("22", "23"))
            if level.code == "22" and not level.name.identifier:
                raise self.fault("NM109 (the subscriber's member ID) is missing.", index, "1", 9)
            named = level.name
            if (
                level.code == "21"
                and named.id_qualifier == "XX"
                and not npi_is_valid(named.identifier)
            ):
                level.problems.append(Rejection("43", "C", message="Invalid NPI"))
            return
        if level.name is None or segment_id not in _NAME_DETAIL:
            raise self.fault(f"{segment_id[:3]} is not expected here.", index, "2")
        if segment_id == "REF":
            self.read_ref(level.references, segment, index)
        elif segment_id == "PRV":
            level.taxonomy = segment.get(3)[:50]
            level.provider_code = segment.get(1)[:3]
        elif segment_id == "DMG" and level.code in ("22", "23"):
            if segment.get(2):
                born = read_date(segment.get(2)) if segment.get(1) == "D8" else None
                if born is None:
                    level.problems.append(Rejection("58", "C", message="Invalid date of birth"))
                level.birth_date = born
            level.gender = segment.get(3)[:1]

    def read_nm1(self, segment: Segment, index: int, *, person: bool) -> Name:
        if len(segment.get(3)) > 60 or len(segment.get(4)) > 35 or len(segment.get(9)) > 80:
            raise self.fault("NM1 has an element longer than the guide allows.", index, "5", 3)
        if segment.get(2) not in ("1", "2"):
            raise self.fault(f"NM102 {segment.get(2)[:10]!r} is not 1 or 2.", index, "7", 2)
        name = read_name(segment)
        if person and not name.last:
            raise self.fault("NM103 (the last name) is missing.", index, "1", 3)
        if name.identifier and not name.id_qualifier:
            raise self.fault("NM108 is missing for NM109.", index, "2", 8)
        return name

    def read_ref(self, into: list[tuple[str, str]], segment: Segment, index: int) -> None:
        if not segment.get(1) or len(segment.get(1)) > 3:
            raise self.fault("REF01 is missing.", index, "1", 1)
        if not segment.get(2):
            raise self.fault("REF02 is missing.", index, "1", 2)
        if len(segment.get(2)) > 50:
            raise self.fault("REF02 is longer than 50.", index, "5", 2)
        into.append((segment.get(1), segment.get(2)))

    # -- 2000E and 2000F ----------------------------------------------------------------

    def read_event_segment(
        self, level: _Level, party: _Party | None, segment: Segment, index: int
    ) -> _Party | None:
        segment_id = segment.id
        if segment_id == "NM1":
            entity = segment.get(1)
            allowed = _EVENT_PARTIES if level.code == "EV" else frozenset(PROVIDER_ENTITIES)
            if entity not in allowed:
                raise self.fault(f"NM101 {entity[:10]!r} is not expected here.", index, "7", 1)
            name = self.read_nm1(segment, index, person=False)
            if name.id_qualifier == "XX" and not npi_is_valid(name.identifier):
                level.problems.append(Rejection("43", "C", message="Invalid NPI"))
            new = _Party(name)
            if entity in PROVIDER_ENTITIES:
                level.parties.append(new)
            return new
        if party is not None:
            if segment_id == "REF":
                self.read_ref(party.references, segment, index)
            elif segment_id == "PRV":
                party.taxonomy = segment.get(3)[:50]
                party.provider_code = segment.get(1)[:3]
            elif segment_id not in ("N3", "N4", "PER"):
                raise self.fault(f"{segment_id[:3]} is not expected in a name loop.", index, "2")
            return party
        if segment_id == "TRN":
            self.read_trn(level, segment, index)
        elif segment_id == "UM":
            if level.review is not None:
                raise self.fault("A second UM in the level.", index, "5", segment_id="UM")
            level.review = self.read_um(segment, index)
        elif segment_id == "REF":
            self.read_ref(level.references, segment, index)
        elif segment_id == "DTP":
            self.read_dtp(level, segment, index)
        elif segment_id == "HI" and level.code == "EV":
            self.read_hi(level, segment, index)
        elif segment_id == "SV1" and level.code == "SS":
            self.read_sv1(level, segment, index)
        elif segment_id == "SV2" and level.code == "SS":
            self.read_sv2(level, segment, index)
        elif segment_id == "MSG":
            level.messages.append(segment.get(1)[:264])
        elif segment_id not in _TOLERATED:
            raise self.fault(f"{segment_id[:3]} is not expected here.", index, "2")
        return None

    def read_trn(self, level: _Level, segment: Segment, index: int) -> None:
        if level.review is not None:
            raise self.fault("TRN follows UM.", index, "7", segment_id="TRN")
        self.check_trace(segment, index)
        if len(level.traces) >= 2:
            raise self.fault("More than two TRN segments.", index, "5", segment_id="TRN")
        level.traces.append(read_trace(segment))

    def read_um(self, segment: Segment, index: int) -> Review:
        category, kind = segment.get(1), segment.get(2)
        if category not in REQUEST_CATEGORIES:
            raise self.fault(f"UM01 {category[:10]!r} is not AR, HS or SC.", index, "7", 1)
        if kind not in CERTIFICATION_TYPES:
            raise self.fault(f"UM02 {kind[:10]!r} is not a certification type.", index, "7", 2)
        if len(segment.get(3)) > 2:
            raise self.fault("UM03 (service type) is longer than 2.", index, "5", 3)
        place = segment.components(4, self.delimiters)
        level = segment.get(6)
        if level and level not in LEVELS_OF_SERVICE:
            raise self.fault(f"UM06 {level[:10]!r} is not 03, E or U.", index, "7", 6)
        return Review(
            category=category,
            certification_type=kind,
            service_type=segment.get(3),
            place_of_service=place[0][:2] if place and place[0] else "",
            place_qualifier=place[1][:1] if len(place) > 1 else "",
            level_of_service=level,
        )

    def read_dtp(self, level: _Level, segment: Segment, index: int) -> None:
        qualifier, form = segment.get(1), segment.get(2)
        if form not in ("D8", "RD8"):
            raise self.fault(f"DTP02 {form[:10]!r} is not D8 or RD8.", index, "7", 2)
        dates = read_date_range(form, segment.get(3))
        if dates is None:
            level.problems.append(Rejection("57", "C", message="Invalid date"))
            return
        if qualifier in (SERVICE_DATE, EVENT_DATE):
            level.dates = dates
        elif qualifier == "435":
            level.admission = dates.start
        elif qualifier == "096":
            level.discharge = dates.start

    def read_hi(self, level: _Level, segment: Segment, index: int) -> None:
        if level.diagnoses:
            raise self.fault("A second HI segment.", index, "5", segment_id="HI")
        for element in range(1, min(len(segment), 13)):
            parts = segment.components(element, self.delimiters)
            if not parts[0]:
                continue
            qualifier, code = parts[0], parts[1] if len(parts) > 1 else ""
            if qualifier not in DIAGNOSIS_QUALIFIERS:
                raise self.fault(
                    f"HI{element:02d}-1 {qualifier[:10]!r} is not a diagnosis qualifier.",
                    index,
                    "7",
                    element,
                )
            if not code:
                raise self.fault(f"HI{element:02d}-2 (the code) is missing.", index, "1", element)
            if qualifier in ICD10_DIAGNOSIS_QUALIFIERS and not icd10_cm_shaped(code):
                level.problems.append(Rejection("AF", "C", message="Invalid diagnosis code"))
            level.diagnoses.append(Diagnosis(qualifier, code[:30]))

    def read_procedure(self, level: _Level, segment: Segment, index: int, element: int) -> None:
        parts = segment.components(element, self.delimiters)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise self.fault(
                f"{segment.id}{element:02d} has no procedure code.", index, "1", element
            )
        qualifier, code = parts[0][:2], parts[1][:48]
        if qualifier == "HC" and not procedure_shaped(code):
            level.problems.append(Rejection("AG", "C", message="Invalid procedure code"))
        level.procedure = (qualifier, code, tuple(p[:2] for p in parts[2:6] if p))

    def read_quantity(self, level: _Level, segment: Segment, index: int, basis: int) -> None:
        level.unit_basis = segment.get(basis)
        if level.unit_basis and level.unit_basis not in UNIT_BASES:
            raise self.fault(
                f"{segment.id}{basis:02d} {level.unit_basis[:10]!r} is not a unit basis.",
                index,
                "7",
                basis,
            )
        level.units = self.number(segment, index, basis + 1)
        if level.units is not None and level.units < 0:
            raise self.fault(f"{segment.id}{basis + 1:02d} is negative.", index, "6", basis + 1)

    def read_sv1(self, level: _Level, segment: Segment, index: int) -> None:
        if level.procedure[1] or level.revenue:
            raise self.fault("A second SV1 or SV2.", index, "5", segment_id="SV1")
        self.read_procedure(level, segment, index, 1)
        level.charge = self.number(segment, index, 2)
        self.read_quantity(level, segment, index, 3)

    def read_sv2(self, level: _Level, segment: Segment, index: int) -> None:
        if level.procedure[1] or level.revenue:
            raise self.fault("A second SV1 or SV2.", index, "5", segment_id="SV2")
        level.revenue = segment.get(1)[:48]
        if segment.get(2):
            self.read_procedure(level, segment, index, 2)
        elif not level.revenue:
            raise self.fault("SV2 has neither revenue code nor procedure.", index, "1", 1)
        level.charge = self.number(segment, index, 3)
        self.read_quantity(level, segment, index, 4)

    # -- freezing -----------------------------------------------------------------------

    def require_review(self, draft: _Level) -> Review:
        if draft.review is None:
            raise self.fault(
                f"HL {draft.hl_id} has no UM segment.", draft.position, "3", segment_id="UM"
            )
        return draft.review

    def only_child(self, draft: _Level, code: str, what: str) -> _Level:
        found = [child for child in draft.children if child.code == code]
        if not found:
            raise self.missing_child(draft, what)
        return found[0]

    def freeze(self, roots: list[_Level], bht: Segment, date: dt.date, stop: int) -> Request278:
        if not roots:
            raise self.fault("The 278 has no HL 20 (the UMO).", stop, "3", 0, "HL")
        umo = roots[0]
        requester = self.only_child(umo, "21", "requester (HL 21)")
        subscriber = self.only_child(requester, "22", "subscriber (HL 22)")
        dependents = [c for c in subscriber.children if c.code == "23"]
        holder = dependents[0] if dependents else subscriber
        event = self.only_child(holder, "EV", "patient event (HL EV)")
        problems: dict[str, tuple[Rejection, ...]] = {}
        for loop, draft in (("2010B", requester), ("2010C", subscriber)):
            if draft.problems:
                problems[loop] = tuple(draft.problems)
        if dependents and dependents[0].problems:
            problems["2010D"] = tuple(dependents[0].problems)
        return Request278(
            *self.header(bht, date),
            transaction_type=bht.get(6),
            umo_hl=umo.hl_id,
            umo=Party(self.require_name(umo)),
            requester_hl=requester.hl_id,
            requester=Party(
                self.require_name(requester),
                requester.taxonomy,
                tuple(requester.references),
                requester.provider_code,
            ),
            subscriber=self.person(subscriber),
            dependent=self.person(dependents[0]) if dependents else None,
            event=self.freeze_event(event),
            delimiters=self.delimiters,
            problems=problems,
        )

    def person(self, draft: _Level) -> Person:
        return Person(
            hl_id=draft.hl_id,
            level=draft.code,
            name=self.require_name(draft),
            birth_date=draft.birth_date,
            gender=draft.gender,
            references=tuple(draft.references),
        )

    def freeze_event(self, draft: _Level) -> PatientEvent:
        review = self.require_review(draft)
        services = tuple(self.freeze_service(child) for child in draft.children)
        return PatientEvent(
            hl_id=draft.hl_id,
            parent_id=draft.parent_id,
            traces=tuple(draft.traces),
            review=review,
            references=tuple(draft.references),
            event_dates=draft.dates,
            admission_date=draft.admission,
            discharge_date=draft.discharge,
            diagnoses=tuple(draft.diagnoses),
            providers=tuple(p.freeze() for p in draft.parties),
            messages=tuple(draft.messages),
            services=services,
            problems=tuple(_unique(draft.problems)),
        )

    def freeze_service(self, draft: _Level) -> ServiceRequest:
        review = self.require_review(draft)
        qualifier, code, modifiers = draft.procedure
        return ServiceRequest(
            hl_id=draft.hl_id,
            parent_id=draft.parent_id,
            traces=tuple(draft.traces),
            review=review,
            procedure_qualifier=qualifier,
            procedure_code=code,
            modifiers=modifiers,
            revenue_code=draft.revenue,
            charge=draft.charge,
            unit_basis=draft.unit_basis,
            units=draft.units,
            service_dates=draft.dates,
            references=tuple(draft.references),
            providers=tuple(p.freeze() for p in draft.parties),
            problems=tuple(_unique(draft.problems)),
        )


def _unique(rejections: list[Rejection]) -> list[Rejection]:
    out: list[Rejection] = []
    for rejection in rejections:
        if all(r.code != rejection.code for r in out):
            out.append(rejection)
    return out
