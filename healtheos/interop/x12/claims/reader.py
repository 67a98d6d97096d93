"""Reading one 837 set segment by segment: the hierarchy (2000A billing provider, 2000B subscriber,
2000C patient), the claims (2300) and their lines (2400).

Structural and element faults become :class:`X12SyntaxError` for a 999; a structural one
(a missing required segment, an HL pointing nowhere) stops the set, element faults are
collected so one 999 names them all. Either way the set is rejected. Claims of a sound set
are then checked for business problems (:mod:`.rules`), which stay on the claim for a 277CA.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from healtheos.interop.x12.claims.codes import (
    INSTITUTIONAL_VERSIONS,
    PROFESSIONAL_VERSIONS,
)
from healtheos.interop.x12.claims.elements import MAX_ELEMENTS
from healtheos.interop.x12.claims.hierarchy import (
    ClaimDraft,
    PartyDraft,
    PatientDraft,
    ProviderDraft,
    SubscriberDraft,
)
from healtheos.interop.x12.claims.loops import PAYER_RESPONSIBILITY, LoopReader
from healtheos.interop.x12.claims.model import (
    BillingProvider,
    ClaimBatch,
    Contact,
    Controls,
    Patient,
    Submitter,
    Subscriber,
)
from healtheos.interop.x12.eligibility.segments import Name, read_date
from healtheos.interop.x12.envelope import Group, TransactionSet
from healtheos.interop.x12.envelope import valid_time as _valid_time
from healtheos.interop.x12.tokenizer import Delimiters, Segment, X12SyntaxError

CLAIM_VERSIONS = PROFESSIONAL_VERSIONS | INSTITUTIONAL_VERSIONS
#: Subscriber levels kept for their patients (HL 23 follows its HL 22 in a sound file).
_RECENT_SUBSCRIBERS = 64


def unsupported_set(group: Group, transaction: TransactionSet) -> X12SyntaxError | None:
    """The 999 fault for a set that is not an 837P or 837I, or None."""
    version = transaction.implementation or group.version
    if transaction.set_id != "837":
        message, element, code, value = f"A {transaction.set_id} is not a claim.", 1, "1", "1"
    elif version not in CLAIM_VERSIONS:
        message, element, code, value = f"{version!r} is not an 837P or 837I guide.", 3, "I6", "7"
    else:
        return None
    return X12SyntaxError(
        message,
        segment_position=transaction.position,
        segment_id="ST",
        element_position=element,
        code=value,
        set_code=code,
        set_position=transaction.position,
        group_position=group.position,
        position_in_set=1,
        bad_value=transaction.set_id if element == 1 else version,
    )


class ClaimSetReader(LoopReader):
    """One 837 set: :meth:`read` over a whole segment list, or :meth:`begin`, :meth:`feed`
    and :meth:`finish` as the segments stream in (claims collect in ``claims``)."""

    def __init__(
        self,
        segments: Sequence[Segment],
        delimiters: Delimiters,
        interchange_control: str,
        group: Group,
        transaction: TransactionSet,
        today: dt.date,
    ) -> None:
        version = transaction.implementation or group.version
        super().__init__(
            segments,
            delimiters,
            start=transaction.start,
            stop=transaction.stop,
            set_position=transaction.position,
            group_position=group.position,
            professional=version in PROFESSIONAL_VERSIONS,
            today=today,
        )
        self.interchange_control = interchange_control
        self.group = group
        self.transaction = transaction
        self.version = version
        self.levels: dict[str, str] = {}
        self.providers: dict[str, BillingProvider] = {}
        self.subscribers: dict[str, Subscriber] = {}
        self.provider: ProviderDraft | None = None
        self.bht = Segment(("BHT",))

    # -- the set -------------------------------------------------------------------------

    def begin(self) -> int:
        """BHT and the header loops (up to ``self.stop``); the index of the first HL."""
        segments, start, stop = self.segments, self.start, self.stop
        self.loop = ""
        index = start + 1
        if index >= stop or segments[index][0] != "BHT":
            raise self.missing("BHT", min(index, stop), "after ST")
        bht = self.bht = segments[index]
        self.check_count(bht, index)
        if bht.get(1) != "0019":
            self.element_fault(f"BHT01 {bht.get(1)[:10]!r} is not 0019.", index, "7", 1)
        self.code(bht, index, 2, frozenset({"00", "18"}))
        self.required(bht, index, 3)
        if read_date(bht.get(4)) is None:
            self.element_fault(f"BHT04 {bht.get(4)[:10]!r} is not a date.", index, "8", 4)
        if not _valid_time(bht.get(5)):
            self.element_fault(f"BHT05 {bht.get(5)[:10]!r} is not a time.", index, "9", 5)
        self.code(bht, index, 6, frozenset({"CH", "RP", "31"}))
        return self.read_header(index + 1)

    def feed(self, segment: Segment, index: int) -> None:
        """One segment of the hierarchy (after the header), at list index ``index``."""
        sid = segment[0]
        limit = MAX_ELEMENTS.get(sid)
        if limit is not None and len(segment) > limit + 1:
            self.check_count(segment, index)
        if sid == "HL":
            self.open_level(segment, index)
        elif sid == "CLM":
            self.open_claim(segment, index)
        elif self.claim is not None:
            line = self.claim.line
            if line is not None and sid != "LX":
                self.line_segment(line, segment, index)
            else:
                self.claim_segment(segment, index)
        elif self.patient is not None:
            self.patient_segment(segment, index)
        elif self.subscriber is not None:
            self.subscriber_segment(segment, index)
        elif self.provider is not None:
            self.provider_segment(segment, index)
        else:
            raise self.fault(f"{sid[:3]} is not expected before the first HL.", index, "2")

    def finish(self, stop: int) -> ClaimBatch:
        """Close the set at ``stop`` (its SE, or where it was cut off); the batch holds the
        claims still in ``self.claims`` (a streaming caller has taken them already)."""
        self.close_level(stop)
        if not self.levels:
            raise self.missing("HL", stop, "(the 837 has no billing provider, HL 20)")
        bht = self.bht
        return ClaimBatch(
            submitter=self.submitter,
            receiver=self.receiver,
            claims=tuple(self.claims),
            reference=bht.get(3),
            version=self.version,
            purpose=bht.get(2),
            claim_type=bht.get(6),
            controls=Controls(
                self.interchange_control,
                self.group.control_number,
                self.transaction.control_number,
                bht.get(4) + bht.get(5),
                self.transaction.position,
            ),
        )

    def read_header(self, index: int) -> int:
        """Loops 1000A (NM1*41, PER) and 1000B (NM1*40); the index of the first HL."""
        segments, stop = self.segments, self.stop
        submitter: Name | None = None
        receiver: Name | None = None
        contacts: list[Contact] = []
        while index < stop and segments[index][0] != "HL":
            segment = segments[index]
            self.check_count(segment, index)
            sid = segment[0]
            if sid == "NM1" and segment.get(1) == "41" and submitter is None:
                self.loop = "1000A"
                submitter = self.name(segment, index)
            elif sid == "PER" and submitter is not None and receiver is None:
                numbers = tuple(
                    (segment.get(position), segment.get(position + 1))
                    for position in (3, 5, 7)
                    if segment.get(position)
                )
                contacts.append(Contact(segment.get(2), numbers))
            elif sid == "NM1" and segment.get(1) == "40" and receiver is None:
                self.loop = "1000B"
                receiver = self.name(segment, index)
            else:
                raise self.fault(f"{sid[:3]} is not expected in the 837 header.", index, "2")
            index += 1
        if submitter is None:
            raise self.missing("NM1", index, "for the submitter (NM1*41, loop 1000A)")
        if not contacts:
            raise self.missing("PER", index, "for the submitter contact (loop 1000A)")
        if receiver is None:
            raise self.missing("NM1", index, "for the receiver (NM1*40, loop 1000B)")
        self.submitter = Submitter(submitter, tuple(contacts))
        self.receiver = receiver
        return index

    def open_level(self, segment: Segment, index: int) -> None:
        self.close_level(index)
        self.loop = ""
        hl_id, parent, level = segment.get(1), segment.get(2), segment.get(3)
        if not hl_id:
            raise self.fault("HL01 is required.", index, "1", 1)
        if hl_id in self.levels:
            raise self.fault(f"HL01 {hl_id[:12]!r} is used twice.", index, "7", 1)
        if segment.get(4) not in ("0", "1"):
            raise self.fault(f"HL04 {segment.get(4)[:5]!r} is not 0 or 1.", index, "7", 4)
        children = segment.get(4) == "1"
        if level == "20":
            self.loop = "2000A"
            if parent:
                raise self.fault("An HL 20 has no parent.", index, "7", 2)
            self.provider = ProviderDraft(hl_id, index)
        elif level == "22":
            self.loop = "2000B"
            if self.levels.get(parent) != "20":
                raise self.fault(f"HL02 {parent[:12]!r} is not an HL 20.", index, "7", 2)
            self.owners[hl_id] = self.providers[parent]
            if len(self.owners) > _RECENT_SUBSCRIBERS:
                # Bounded memory for big sets: a patient HL follows its subscriber's, so
                # only the latest subscribers can still be named as a parent.
                del self.owners[next(iter(self.owners))]
                if len(self.subscribers) > _RECENT_SUBSCRIBERS:
                    del self.subscribers[next(iter(self.subscribers))]
            self.subscriber = SubscriberDraft(hl_id, index, children)
        elif level == "23":
            self.loop = "2000C"
            if self.levels.get(parent) != "22":
                raise self.fault(f"HL02 {parent[:12]!r} is not an HL 22.", index, "7", 2)
            self.subscriber = None
            subscriber = self.subscribers.get(parent)
            if subscriber is None:
                raise self.fault(
                    f"HL02 {parent[:12]!r} is a subscriber HL too far before its patient.",
                    index,
                    "7",
                    2,
                )
            self.patient = PatientDraft(hl_id, index, subscriber)
        else:
            raise self.fault(f"HL03 {level[:5]!r} is not 20, 22 or 23.", index, "7", 3)
        self.levels[hl_id] = level

    def close_level(self, index: int) -> None:
        """Freeze the level being read when the next HL (or the SE) comes."""
        self.close_claim()
        if self.provider is not None:
            self.providers[self.provider.hl_id] = self.provider.freeze(self)
            self.provider = None
        if self.subscriber is not None:
            frozen = self.subscriber.freeze(self)
            self.subscribers[frozen.hl_id] = frozen
            if not self.subscriber.claimed and not self.subscriber.children:
                raise self.missing("CLM", index, f"under subscriber HL {frozen.hl_id}")
            self.subscriber = None
        if self.patient is not None:
            self.patient.freeze(self)
            if not self.patient.claimed:
                raise self.missing("CLM", index, f"under patient HL {self.patient.hl_id}")
            self.patient = None
        self.party = None

    def provider_segment(self, segment: Segment, index: int) -> None:
        provider = self.provider
        assert provider is not None
        sid = segment[0]
        if sid == "NM1":
            entity = segment.get(1)
            name = self.name(segment, index)
            if entity == "85" and provider.billing is None:
                self.loop = "2010AA"
                provider.billing = self.party = PartyDraft(name, index)
            elif entity == "87" and provider.pay_to is None:
                self.loop = "2010AB"
                provider.pay_to = self.party = PartyDraft(name, index)
            elif entity == "PE":
                self.loop = "2010AC"
                self.party = PartyDraft(name, index)
            else:
                raise self.fault(f"NM101 {entity[:5]!r} is not expected in 2000A.", index, "7", 1)
        elif sid == "PRV" and self.party is None:
            provider.taxonomy = segment.get(3)
        elif provider.billing is None and sid != "CUR":
            raise self.missing("NM1", index, "for the billing provider (NM1*85)")
        elif not (self.party_segment(segment, index) or sid == "CUR"):
            raise self.fault(f"{sid[:3]} is not expected in loop {self.loop}.", index, "2")

    def subscriber_segment(self, segment: Segment, index: int) -> None:
        draft = self.subscriber
        assert draft is not None
        sid = segment[0]
        if sid == "SBR" and draft.sbr is None:
            draft.sbr = segment
            self.code(segment, index, 1, PAYER_RESPONSIBILITY)
            self.code(segment, index, 2, frozenset({"18"}))
            if self.professional:
                self.required(segment, index, 9)
        elif draft.sbr is None:
            raise self.missing("SBR", index, f"after subscriber HL {draft.hl_id}")
        elif sid == "NM1":
            entity = segment.get(1)
            name = self.name(segment, index)
            if entity == "IL" and draft.member is None:
                self.loop = "2010BA"
                draft.member = self.party = PartyDraft(name, index)
            elif entity == "PR" and draft.payer is None:
                self.loop = "2010BB"
                draft.payer = self.party = PartyDraft(name, index)
            else:
                raise self.fault(f"NM101 {entity[:5]!r} is not expected in 2000B.", index, "7", 1)
        elif not (self.party_segment(segment, index) or sid == "PAT"):
            raise self.fault(f"{sid[:3]} is not expected in loop {self.loop}.", index, "2")

    def patient_segment(self, segment: Segment, index: int) -> None:
        draft = self.patient
        assert draft is not None
        sid = segment[0]
        if sid == "PAT" and draft.pat is None:
            draft.pat = segment
            self.required(segment, index, 1)
        elif draft.pat is None:
            raise self.missing("PAT", index, f"after patient HL {draft.hl_id}")
        elif sid == "NM1" and segment.get(1) == "QC" and draft.member is None:
            self.loop = "2010CA"
            draft.member = self.party = PartyDraft(self.name(segment, index), index)
        elif not self.party_segment(segment, index):
            raise self.fault(f"{sid[:3]} is not expected in loop {self.loop}.", index, "2")

    # -- claims and lines --------------------------------------------------------------

    def open_claim(self, segment: Segment, index: int) -> None:
        self.close_claim()
        patient: Patient | None = None
        if self.patient is not None:
            patient = self.patient.freeze(self)
            self.patient.claimed = True
            subscriber = self.patient.subscriber
        elif self.subscriber is not None:
            subscriber = self.subscriber.freeze(self)
            self.subscriber.claimed = True
        else:
            raise self.fault("CLM must follow a subscriber or patient HL.", index, "2")
        self.loop = "2300"
        self.party = None
        owner = self.owners[subscriber.hl_id]
        self.claim = ClaimDraft(self.read_clm(segment, index), index, owner, subscriber, patient)
