"""What the readers of the real-time requests (270, 276 and 278) do alike.

Each reads an interchange the same way (:func:`receive_sets`): the envelope check of
:func:`~healtheos.interop.x12.envelope.receive` (ISA/GS/ST/SE/GE/IEA) hands over the sets
whose envelope is sound; a set of another kind is a 999 fault (IK502 1); each set of the
right kind is read by one pass of a :class:`SetReader` subclass. A structural fault in a
set is collected rather than raised, so the sound sets are answered and the rest are
acknowledged with a 999 (or a TA1).

:class:`SetReader` holds what every pass does the same way: the fault at a segment of the
set (segment position, position in the set, element, IK304/IK403 code and the bad value
for IK404), the BHT header, the HL01 and HL04 checks of the hierarchy, the claim trace
(TRN) of the 276 and 278, and the NM1 and the child level that an HL level must have.
:class:`SetHeader` is the envelope and BHT facts that every answer echoes.

What the readers do in their own way is kept as class attributes: the 278 quotes at most
10 characters of a bad value in its messages (``quote_limit``) and limits HL01 to 12
characters (``hl_id_limit``); the 270 copies a whole bad value to the fault
(``bad_value_limit``), which the 999 leaves out when it is longer than 99 characters,
where the 276 and 278 copy its first 99.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Generic, Protocol, TypeVar

from healtheos.interop.x12.envelope import (
    Envelope,
    Group,
    TransactionSet,
    read_date,
    receive,
    unexpected_set,
    valid_time,
)
from healtheos.interop.x12.tokenizer import Segment, X12SyntaxError

if TYPE_CHECKING:
    # Only a type here: importing the eligibility package would import its readers,
    # which import this module.
    from healtheos.interop.x12.eligibility.segments import Name

T = TypeVar("T")

#: The values of :class:`SetHeader`'s fields, in order.
HeaderValues = tuple[str, str, str, str, str, str, str, str, str, str, str, str, dt.date, str]


@dataclass(frozen=True)
class SetHeader:
    """The envelope facts an answer needs (whom to answer; which interchange, group and
    set it answers) and the submitter's BHT reference, date and time. The read request
    (``Inquiry270``, ``Inquiry276``, ``Request278``) extends it with its own fields."""

    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    interchange_control_number: str
    usage: str
    application_sender: str
    application_receiver: str
    group_control_number: str
    version: str
    set_control_number: str
    reference: str
    date: dt.date
    time: str


class _Level(Protocol):
    """An HL level while it is read: what the shared checks need of it."""

    @property
    def hl_id(self) -> str: ...

    @property
    def position(self) -> int: ...

    @property
    def name(self) -> Name | None: ...


class SetReader(Generic[T]):
    """One pass over one ST..SE set of ``set_id``; a subclass reads the body in
    :meth:`read` and raises the first structural fault as :class:`X12SyntaxError`."""

    set_id: ClassVar[str]
    #: How many characters of a bad value a fault's message quotes (None: all of them).
    quote_limit: ClassVar[int | None] = None
    #: How many characters of a bad value a fault carries for IK404 (None: all of them).
    bad_value_limit: ClassVar[int | None] = 99
    #: The longest HL01 accepted (by default, any).
    hl_id_limit: ClassVar[int] = sys.maxsize

    def __init__(
        self,
        segments: Sequence[Segment],
        envelope: Envelope,
        group: Group,
        transaction: TransactionSet,
    ) -> None:
        self.segments = segments
        self.envelope = envelope
        self.group = group
        self.transaction = transaction
        self.delimiters = envelope.delimiters

    def read(self) -> T:
        raise NotImplementedError

    def fault(
        self, message: str, index: int, code: str, element: int = 0, segment_id: str = ""
    ) -> X12SyntaxError:
        """The fault at ``segments[index]``: IK304 ``code`` for the segment, or IK403
        ``code`` for its ``element``; ``segment_id`` names a segment that is missing
        there (then no bad value is copied)."""
        segment = self.segments[index]
        return X12SyntaxError(
            message,
            segment_position=index + 1,
            segment_id=segment_id or segment.id[:3],
            element_position=element,
            code=code,
            set_position=self.transaction.position,
            group_position=self.group.position,
            position_in_set=index - self.transaction.start + 1,
            bad_value=(
                segment.get(element)[: self.bad_value_limit] if element and not segment_id else ""
            ),
        )

    def header(self, bht: Segment, date: dt.date) -> HeaderValues:
        """The values of :class:`SetHeader`'s fields, in order, for the set read."""
        envelope, group = self.envelope, self.group
        return (
            envelope.sender_qualifier,
            envelope.sender_id,
            envelope.receiver_qualifier,
            envelope.receiver_id,
            envelope.control_number,
            envelope.usage,
            group.application_sender,
            group.application_receiver,
            group.control_number,
            group.version,
            self.transaction.control_number,
            bht.get(3),
            date,
            bht.get(5),
        )

    # -- BHT --------------------------------------------------------------------------

    def read_bht(self, structure: str, purposes: tuple[str, ...]) -> tuple[Segment, dt.date]:
        """The BHT that must follow ST, checked: the hierarchical structure (BHT01), a
        request's purpose (BHT02, ``purposes[0]`` named in the message), the submitter's
        reference (BHT03, :meth:`check_reference`), its date (BHT04) and time (BHT05)."""
        segments = self.segments
        index, stop = self.transaction.start + 1, self.transaction.stop
        if index >= stop or segments[index].id != "BHT":
            raise self.fault(
                f"The {self.set_id} has no BHT segment after ST.",
                min(index, stop),
                "3",
                segment_id="BHT",
            )
        bht = segments[index]
        quote = self.quote_limit
        if bht.get(1) != structure:
            raise self.fault(f"BHT01 {bht.get(1)[:quote]!r} is not {structure}.", index, "7", 1)
        if bht.get(2) not in purposes:
            raise self.fault(
                f"BHT02 {bht.get(2)[:quote]!r} is not {purposes[0]} (request).", index, "7", 2
            )
        self.check_reference(bht, index)
        date = read_date(bht.get(4))
        if date is None:
            raise self.fault(f"BHT04 {bht.get(4)[:quote]!r} is not a date.", index, "8", 4)
        if not valid_time(bht.get(5)):
            raise self.fault(f"BHT05 {bht.get(5)[:quote]!r} is not a time.", index, "9", 5)
        return bht, date

    def check_reference(self, bht: Segment, index: int) -> None:
        """BHT03 is required; one longer than 50 characters counts as missing."""
        if not bht.get(3) or len(bht.get(3)) > 50:
            raise self.fault("BHT03 (the submitter's reference) is missing.", index, "1", 3)

    # -- the HL hierarchy -------------------------------------------------------------

    def hl_id(self, segment: Segment, index: int, known: Container[str]) -> str:
        """HL01: present, not too long, and not used before in the set (``known``)."""
        hl_id = segment.get(1)
        if not hl_id or len(hl_id) > self.hl_id_limit:
            raise self.fault("HL01 is missing.", index, "1", 1)
        if hl_id in known:
            raise self.fault(f"HL01 {hl_id!r} is used twice.", index, "7", 1)
        return hl_id

    def check_child_code(self, segment: Segment, index: int) -> None:
        """HL04, whether the level has children: absent, 0 or 1."""
        if segment.get(4) not in ("", "0", "1"):
            raise self.fault(
                f"HL04 {segment.get(4)[: self.quote_limit]!r} is not 0 or 1.", index, "7", 4
            )

    def require_name(self, draft: _Level) -> Name:
        """The level's NM1, which every HL level of a request carries."""
        if draft.name is None:
            raise self.fault(
                f"HL {draft.hl_id} has no NM1 segment.", draft.position, "3", segment_id="NM1"
            )
        return draft.name

    def missing_child(self, draft: _Level, what: str) -> X12SyntaxError:
        """The fault for a level without the child level it must have."""
        return self.fault(f"HL {draft.hl_id} has no {what}.", draft.position, "3", 0, "HL")

    # -- TRN --------------------------------------------------------------------------

    def check_trace(self, segment: Segment, index: int) -> None:
        """A claim or request trace: TRN01 1 (current transaction) and a trace number
        (TRN02) of at most 50 characters."""
        if segment.get(1) != "1":
            raise self.fault(
                f"TRN01 {segment.get(1)[: self.quote_limit]!r} is not 1.", index, "7", 1
            )
        if not segment.get(2):
            raise self.fault("TRN02 (the trace number) is missing.", index, "1", 2)
        if len(segment.get(2)) > 50:
            raise self.fault("TRN02 is longer than 50.", index, "5", 2)


def receive_sets(
    data: str | bytes, reader: type[SetReader[T]]
) -> tuple[Envelope | None, tuple[T, ...], tuple[X12SyntaxError, ...]]:
    """The envelope (None without a readable ISA), every set of ``reader.set_id`` that
    could be read, and every fault found, envelope faults first. Never raises for bad
    input."""
    received = receive(data)
    errors = received.errors
    read: list[T] = []
    set_id = reader.set_id
    for group, transaction in received.sets:
        if transaction.set_id != set_id:
            errors.append(unexpected_set(group, transaction, set_id))
            continue
        assert received.envelope is not None
        try:
            read.append(reader(received.segments, received.envelope, group, transaction).read())
        except X12SyntaxError as error:
            errors.append(error)
    return received.envelope, tuple(read), tuple(errors)


def only_set(read: tuple[T, ...], errors: tuple[X12SyntaxError, ...], set_id: str) -> T:
    """The one set of an interchange read by :func:`receive_sets`; the first fault, or an
    interchange that holds more or fewer sets than one, is raised."""
    if errors:
        raise errors[0]
    if len(read) != 1:
        raise X12SyntaxError(
            f"The interchange holds {len(read)} {set_id} sets; read it with receive_{set_id}.",
            segment_position=1,
            segment_id="ISA",
        )
    return read[0]
