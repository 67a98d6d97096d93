"""Reading 270 sets: one pass over an interchange's tokenized segments, structural faults
raised as :class:`X12SyntaxError`, unusable data recorded as :class:`Rejection`. The walk
it shares with the 276 and 278 readers is in :mod:`healtheos.interop.x12.set_reader`."""

from __future__ import annotations

from healtheos.interop.x12.eligibility.codes import npi_is_valid
from healtheos.interop.x12.eligibility.inquiry import (
    Inquiry270,
    Receipt270,
    Receiver,
    ReceiverDraft,
    Source,
    SourceDraft,
    Subject,
    SubjectDraft,
)
from healtheos.interop.x12.eligibility.segments import (
    Rejection,
    read_date,
    read_date_range,
    read_name,
    read_trace,
)
from healtheos.interop.x12.set_reader import SetReader, only_set, receive_sets
from healtheos.interop.x12.tokenizer import Segment


def receive_270(data: str | bytes) -> Receipt270:
    """Read every 270 set of an interchange, collecting faults instead of raising, so the
    sound sets are answered and the rest acknowledged with a 999 (or a TA1)."""
    return Receipt270(*receive_sets(data, _Reader))


def read_270(data: str | bytes) -> Inquiry270:
    """The one 270 set of an interchange. Any fault is raised as :class:`X12SyntaxError`
    (the first, when several); use :func:`receive_270` for interchanges with several sets
    or to collect all faults."""
    receipt = receive_270(data)
    return only_set(receipt.inquiries, receipt.errors, "270")


_SOURCE_ENTITIES = frozenset({"2B", "36", "GP", "P5", "PR"})
_RECEIVER_ENTITIES = frozenset({"1P", "2B", "36", "80", "FA", "GP", "P5", "PR"})
_SUBJECT_ENTITIES = {"22": "IL", "23": "03"}
_PARENT_LEVEL = {"21": "20", "22": "21", "23": "22"}
_SUBJECT_SEGMENTS = frozenset({"REF", "N3", "N4", "PRV", "INS", "HI", "AMT", "III", "MPI"})


class _Reader(SetReader[Inquiry270]):
    """One pass over one 270 set's segments."""

    set_id = "270"
    bad_value_limit = None

    def check_length(
        self, segment: Segment, index: int, element: int, minimum: int, maximum: int
    ) -> None:
        """Element lengths the guide sets (IK403 4 too short, 5 too long); an absent
        element is left to the required-element checks."""
        size = len(segment.get(element))
        if size and size < minimum:
            raise self.fault(
                f"{segment.id}{element:02d} is shorter than {minimum}.", index, "4", element
            )
        if size > maximum:
            raise self.fault(
                f"{segment.id}{element:02d} is longer than {maximum}.", index, "5", element
            )

    def check_name(self, segment: Segment, index: int) -> None:
        self.check_length(segment, index, 3, 1, 60)
        self.check_length(segment, index, 4, 1, 35)
        self.check_length(segment, index, 9, 2, 80)

    def check_reference(self, bht: Segment, index: int) -> None:
        """The 270 reports a BHT03 longer than 50 as too long (IK403 5), not as missing."""
        if not bht.get(3):
            raise self.fault("BHT03 (the submitter's reference) is missing.", index, "1", 3)
        self.check_length(bht, index, 3, 1, 50)

    def read(self) -> Inquiry270:
        segments = self.segments
        start, stop = self.transaction.start, self.transaction.stop
        bht, bht_date = self.read_bht("0022", ("13", "01"))
        sources: list[SourceDraft] = []
        levels: dict[str, str] = {}
        source_by_id: dict[str, SourceDraft] = {}
        receiver_by_id: dict[str, ReceiverDraft] = {}
        subscriber_by_id: dict[str, Subject] = {}
        source: SourceDraft | None = None
        receiver: ReceiverDraft | None = None
        subject: SubjectDraft | None = None
        level = ""
        repetition = self.delimiters.repetition
        for index in range(start + 2, stop):
            segment = segments[index]
            segment_id = segment[0]
            if segment_id == "HL":
                if subject is not None:
                    frozen = self.close_subject(subject, receiver)
                    if frozen.level == "22":
                        subscriber_by_id[frozen.hl_id] = frozen
                    subject = None
                hl_id = self.hl_id(segment, index, levels)
                parent, level = segment.get(2), segment.get(3)
                self.check_child_code(segment, index)
                if level == "20":
                    if parent:
                        raise self.fault("An HL 20 has no parent.", index, "7", 2)
                    source = SourceDraft(hl_id, index)
                    sources.append(source)
                    source_by_id[hl_id] = source
                elif level in _PARENT_LEVEL:
                    if levels.get(parent) != _PARENT_LEVEL[level]:
                        raise self.fault(
                            f"HL02 {parent!r} does not point to an HL {_PARENT_LEVEL[level]}.",
                            index,
                            "7",
                            2,
                        )
                    if level == "21":
                        receiver = ReceiverDraft(hl_id, parent, index)
                        source_by_id[parent].receivers.append(receiver)
                        receiver_by_id[hl_id] = receiver
                    else:
                        subject = SubjectDraft(hl_id, parent, level, segment.get(4) == "1", index)
                        if level == "22":
                            receiver = receiver_by_id[parent]
                        else:
                            parent_subject = subscriber_by_id[parent]
                            subject.subscriber = parent_subject
                            receiver = receiver_by_id[parent_subject.parent_id]
                else:
                    raise self.fault(f"HL03 {level!r} is not 20, 21, 22 or 23.", index, "7", 3)
                levels[hl_id] = level
            elif segment_id == "NM1":
                self.check_name(segment, index)
                if subject is not None:
                    if subject.name is not None:
                        raise self.fault("A second NM1 in a subject loop.", index, "2")
                    if segment.get(1) != _SUBJECT_ENTITIES[subject.level]:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not {_SUBJECT_ENTITIES[subject.level]}.",
                            index,
                            "7",
                            1,
                        )
                    subject.name = read_name(segment)
                    subject.name_position = index
                    if segment.get(8) in ("MI", "II"):
                        subject.member_id = segment.get(9)
                elif receiver is not None and level == "21":
                    if receiver.name is not None:
                        raise self.fault("A second NM1 in the receiver loop.", index, "2")
                    if segment.get(1) not in _RECEIVER_ENTITIES:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not a receiver.", index, "7", 1
                        )
                    receiver.name = read_name(segment)
                elif source is not None and level == "20":
                    if source.name is not None:
                        raise self.fault("A second NM1 in the source loop.", index, "2")
                    if segment.get(1) not in _SOURCE_ENTITIES:
                        raise self.fault(
                            f"NM101 {segment.get(1)!r} is not a source.", index, "7", 1
                        )
                    source.name = read_name(segment)
                else:
                    raise self.fault("NM1 before any HL.", index, "2")
            elif subject is not None:
                if segment_id == "TRN":
                    if subject.name is not None:
                        raise self.fault("TRN must come before the subject's NM1.", index, "2")
                    if not segment.get(2):
                        raise self.fault("TRN02 (the trace number) is missing.", index, "1", 2)
                    self.check_length(segment, index, 2, 1, 50)
                    self.check_length(segment, index, 3, 10, 10)
                    subject.traces.append(read_trace(segment))
                elif segment_id == "DMG":
                    if segment.get(2):
                        born = read_date(segment.get(2)) if segment.get(1) == "D8" else None
                        if born is None:
                            subject.problems.append(
                                Rejection("58", "C", False, f"DMG02 {segment.get(2)!r}")
                            )
                        else:
                            subject.birth_date = born
                    subject.gender = segment.get(3)
                elif segment_id == "DTP":
                    if segment.get(1) == "291":
                        dates = read_date_range(segment.get(2), segment.get(3))
                        if dates is None:
                            subject.problems.append(
                                Rejection("57", "C", False, f"DTP03 {segment.get(3)!r}")
                            )
                        elif subject.service_dates is None:
                            subject.service_dates = dates
                elif segment_id == "EQ":
                    value = segment.get(1)
                    if value:
                        subject.service_types.extend(
                            value.split(repetition) if repetition else [value]
                        )
                elif segment_id == "REF":
                    subject.references.append((segment.get(1), segment.get(2)))
                elif segment_id not in _SUBJECT_SEGMENTS:
                    raise self.fault(f"{segment_id[:3]} is not expected in a 270.", index, "2")
            elif segment_id in ("REF", "N3", "N4", "PRV") and level == "21":
                continue
            else:
                raise self.fault(f"{segment_id[:3]} is not expected here.", index, "2")
        if subject is not None:
            self.close_subject(subject, receiver)
        if not sources:
            raise self.fault(
                "The 270 has no HL 20 (information source).", stop, "3", segment_id="HL"
            )
        return Inquiry270(
            *self.header(bht, bht_date),
            purpose=bht.get(2),
            sources=tuple(self.close_source(draft) for draft in sources),
            delimiters=self.delimiters,
        )

    def close_subject(self, draft: SubjectDraft, receiver: ReceiverDraft | None) -> Subject:
        name = self.require_name(draft)
        problems = draft.problems
        if draft.level == "22":
            if not draft.member_id and not name.last:
                problems.append(Rejection("15", "C", False, "no member ID and no name"))
            elif not draft.member_id and draft.birth_date is None and not problems:
                problems.append(Rejection("58", "C", False, "a name search needs a birth date"))
        elif not name.last:
            problems.append(Rejection("65", "C", False, "the dependent's last name is missing"))
        subject = Subject(
            hl_id=draft.hl_id,
            parent_id=draft.parent_id,
            level=draft.level,
            has_children=draft.has_children,
            position=draft.position + 1,
            traces=tuple(draft.traces),
            name=name,
            member_id=draft.member_id,
            references=tuple(draft.references),
            birth_date=draft.birth_date,
            gender=draft.gender,
            service_dates=draft.service_dates,
            service_types=tuple(draft.service_types) or ("30",),
            problems=tuple(problems),
            subscriber=draft.subscriber,
        )
        if receiver is not None:
            receiver.subjects.append(subject)
        return subject

    def close_receiver(self, draft: ReceiverDraft) -> Receiver:
        name = self.require_name(draft)
        if not draft.subjects:
            raise self.missing_child(draft, "subscriber (HL 22)")
        problems = draft.problems
        if not name.identifier or (name.id_qualifier == "XX" and not npi_is_valid(name.identifier)):
            problems.append(Rejection("43", "C", False, f"NM109 {name.identifier!r}"))
        return Receiver(draft.hl_id, draft.parent_id, name, tuple(problems), tuple(draft.subjects))

    def close_source(self, draft: SourceDraft) -> Source:
        name = self.require_name(draft)
        if not draft.receivers:
            raise self.missing_child(draft, "information receiver (HL 21)")
        return Source(draft.hl_id, name, tuple(self.close_receiver(r) for r in draft.receivers))
