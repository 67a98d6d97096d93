"""Reading 837 interchanges as they stream, in bounded memory.

A 100,000-claim 837 is a few million segments; holding them (and every claim read from
them) costs about a gigabyte. :class:`ClaimStream` reads the interchange chunk by chunk
(:class:`~healtheos.interop.x12.remittance.stream.SegmentReader`) and hands each claim out
as soon as its last segment has been read, keeping only what a reader may still look back
at: a window of recent segments, the envelope segments and the hierarchy's IDs.

The faults are exactly those of the whole-file reading, because the same code finds them:
the envelope check (:func:`~healtheos.interop.x12.envelope.read_envelope`) runs over a
skeleton of the interchange that keeps the envelope segments and stands a shared
placeholder in for every segment inside a set, and each set is read by the same set reader
as :func:`~healtheos.interop.x12.claims.reader.receive_837`, fed one segment at a time.

Whether a set is sound is known only at its SE, so a caller that stores claims reads the
file twice: once to acknowledge it (claims are passed over) and once, with ``sets`` naming
the sound sets, to store their claims as they come.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import overload

from healtheos.interop.x12.claims.model import Claim, ClaimBatch, Receipt837
from healtheos.interop.x12.claims.reader import CLAIM_VERSIONS, ClaimSetReader, unsupported_set
from healtheos.interop.x12.envelope import (
    ENVELOPE_IDS,
    Group,
    TransactionSet,
    read_envelope,
)
from healtheos.interop.x12.remittance.stream import Progress, SegmentReader, Source
from healtheos.interop.x12.tokenizer import Segment, X12SyntaxError, valid_segment_id

#: Segments a set reader can still point a fault at, counting back from the newest.
WINDOW = 1024


class _Window(Sequence[Segment]):
    """The segments of one set by interchange list index, forgetting all but the newest
    :data:`WINDOW` once the set's header has been read; a forgotten one reads as an empty
    segment (faults only ever name segments that recent, or give the segment ID)."""

    _GONE = Segment(("",))

    def __init__(self) -> None:
        self._items: dict[int, Segment] = {}
        self._low = 0
        self.size = 0
        self.forgetting = False

    def add(self, index: int, segment: Segment) -> None:
        items = self._items
        if not items:
            self._low = index
        items[index] = segment
        self.size = index + 1
        if self.forgetting:
            while len(items) > WINDOW:
                items.pop(self._low, None)
                self._low += 1

    @overload
    def __getitem__(self, index: int) -> Segment: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Segment]: ...

    def __getitem__(self, index: int | slice) -> Segment | Sequence[Segment]:
        if isinstance(index, slice):
            raise TypeError("a segment window is read one segment at a time")
        return self._items.get(index, self._GONE)

    def __len__(self) -> int:
        return self.size


class _Skeleton(Sequence[Segment]):
    """The interchange as the envelope check sees it: the segments outside sets as they
    are, a segment inside a set as a shared stand-in with a readable ID (the check looks
    at no more of them), except for unreadable IDs and a set's last segment, which a fault
    may name and are kept as they are."""

    _STAND_IN = Segment(("NM1",))

    def __init__(self) -> None:
        self.kept: dict[int, Segment] = {}
        self.size = 0

    def keep(self, index: int, segment: Segment) -> None:
        self.kept[index] = segment
        self.size = index + 1

    def stand_in(self, index: int) -> None:
        self.size = index + 1

    @overload
    def __getitem__(self, index: int) -> Segment: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Segment]: ...

    def __getitem__(self, index: int | slice) -> Segment | Sequence[Segment]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.kept.get(index, self._STAND_IN)

    def __len__(self) -> int:
        return self.size


@dataclass
class _SetRun:
    """One ST..SE being read."""

    position: int
    reader: ClaimSetReader | None
    window: _Window
    begun: bool = False
    fault: X12SyntaxError | None = None
    batch: ClaimBatch | None = None


@dataclass
class StreamResult:
    """What the stream found once it has been read to the end: the envelope (None when
    no ISA could be read), the sound sets as batches *without* their claims, and every
    fault, in the order :func:`~healtheos.interop.x12.acknowledge` takes them."""

    receipt: Receipt837
    claims_read: int = 0
    sound_sets: frozenset[int] = field(default_factory=frozenset)


class ClaimStream:
    """Iterating yields ``(set position, claim)`` for each claim as soon as it has been
    read (with ``sets``, only the claims of the sets whose ST is at one of those
    positions); :attr:`result` is set when the iteration ends.

    ``source`` is what :class:`SegmentReader` takes (bytes, text, a binary file or an
    iterable of chunks); ``progress`` is called with the bytes (characters) read so far.
    """

    def __init__(
        self,
        source: Source,
        *,
        today: dt.date,
        sets: frozenset[int] | None = None,
        chunk_size: int = 1 << 20,
        progress: Progress | None = None,
    ) -> None:
        self.source = source
        self.today = today
        self.sets = sets
        self.chunk_size = chunk_size
        self.progress = progress
        self.result: StreamResult | None = None

    def __iter__(self) -> Iterator[tuple[int, Claim]]:
        reader = SegmentReader(
            self.source, chunk_size=self.chunk_size, progress=self.progress, check_ids=False
        )
        try:
            yield from self._walk(reader)
        except X12SyntaxError as error:
            self.result = StreamResult(Receipt837(None, (), (error,)))
        except (ValueError, TypeError, UnicodeError) as error:
            fault = X12SyntaxError(f"Unreadable input: {error}", code="1")
            self.result = StreamResult(Receipt837(None, (), (fault,)))

    def _walk(self, reader: SegmentReader) -> Iterator[tuple[int, Claim]]:
        skeleton = _Skeleton()
        runs: dict[int, _SetRun] = {}
        run: _SetRun | None = None
        gs: Segment | None = None
        gs_position = 0
        isa: Segment | None = None
        last: tuple[int, Segment] = (0, Segment(("ISA",)))  # set at each ST
        claims_read = 0
        for segment in reader:
            index = reader.position - 1
            sid = segment[0]
            if run is not None:
                if sid not in ENVELOPE_IDS:
                    if valid_segment_id(sid):
                        skeleton.stand_in(index)
                        last = index, segment
                    else:
                        skeleton.keep(index, segment)
                    for claim in self._feed(run, segment, index):
                        claims_read += 1
                        yield run.position, claim
                    continue
                skeleton.keep(*last)
                run.window.add(index, segment)
                yield from self._close(run, index)
                run = None
            skeleton.keep(index, segment)
            if isa is None:
                isa = segment
            if sid == "GS":
                gs, gs_position = segment, index + 1
            elif sid in ("GE", "IEA", "ISA"):
                gs = None
            elif sid == "ST" and gs is not None:
                run = self._open(segment, index, gs, gs_position, isa, reader)
                runs[run.position] = run
                last = index, segment
        if run is not None:
            skeleton.keep(*last)
            yield from self._close(run, skeleton.size)
        self.result = self._result(skeleton, reader, runs, claims_read)

    def _open(
        self,
        st: Segment,
        index: int,
        gs: Segment,
        gs_position: int,
        isa: Segment,
        reader: SegmentReader,
    ) -> _SetRun:
        position = index + 1
        window = _Window()
        window.add(index, st)
        version = st.get(3) or gs.get(8)
        wanted = self.sets is None or position in self.sets
        if st.get(1) != "837" or version not in CLAIM_VERSIONS or not wanted:
            return _SetRun(position, None, window)
        group = Group(
            gs.get(1), gs.get(2), gs.get(3), gs.get(4), gs.get(5), gs.get(6), gs.get(8),
            gs_position, (), 0,
        )  # fmt: skip
        transaction = TransactionSet(st.get(1), st.get(2), st.get(3), position, index, 1 << 62)
        set_reader = ClaimSetReader(
            window, reader.delimiters, isa.get(13), group, transaction, self.today
        )
        return _SetRun(position, set_reader, window)

    def _feed(self, run: _SetRun, segment: Segment, index: int) -> list[Claim]:
        set_reader = run.reader
        if set_reader is None or run.fault is not None:
            return []
        run.window.add(index, segment)
        try:
            if not run.begun:
                if segment[0] != "HL":
                    return []
                set_reader.stop = index
                set_reader.begin()
                run.begun = True
                run.window.forgetting = True
            set_reader.feed(segment, index)
        except X12SyntaxError as error:
            run.fault = error
            return []
        return self._take(set_reader)

    def _close(self, run: _SetRun, stop: int) -> Iterator[tuple[int, Claim]]:
        set_reader = run.reader
        if set_reader is None or run.fault is not None:
            return
        set_reader.stop = stop
        try:
            if not run.begun:
                set_reader.begin()
                run.begun = True
            run.batch = set_reader.finish(stop)
        except X12SyntaxError as error:
            run.fault = error
        for claim in self._take(set_reader):
            yield run.position, claim
        run.window = _Window()  # the set is read: let its segments go

    @staticmethod
    def _take(set_reader: ClaimSetReader) -> list[Claim]:
        claims = set_reader.claims
        if not claims:
            return claims
        set_reader.claims = []
        return claims

    def _result(
        self,
        skeleton: _Skeleton,
        reader: SegmentReader,
        runs: dict[int, _SetRun],
        claims_read: int,
    ) -> StreamResult:
        envelope, errors = read_envelope(skeleton, reader.delimiters)
        if any(error.interchange_code for error in errors):
            return StreamResult(Receipt837(envelope, (), tuple(errors)), claims_read)
        broken_groups = {e.group_position for e in errors if e.group_code}
        broken_sets = {e.set_position for e in errors if e.set_position}
        batches: list[ClaimBatch] = []
        for group in envelope.groups:
            if group.position in broken_groups:
                continue
            for transaction in group.sets:
                if transaction.position in broken_sets:
                    continue
                problem = unsupported_set(group, transaction)
                if problem is not None:
                    errors.append(problem)
                    continue
                run = runs[transaction.position]
                if run.reader is None:  # a set the caller did not ask for
                    continue
                errors.extend(run.reader.errors)
                if run.fault is not None:
                    errors.append(run.fault)
                elif not run.reader.errors and run.batch is not None:
                    batches.append(run.batch)
        return StreamResult(
            Receipt837(envelope, tuple(batches), tuple(errors)),
            claims_read,
            frozenset(batch.controls.set_position for batch in batches),
        )


def receive_837(data: Source, *, today: dt.date | None = None) -> Receipt837:
    """Read every 837 set of an interchange, keeping the claims of the sound sets. Never
    raises: faults are collected for :func:`acknowledge`, business problems are put on the
    claims (``today`` is the day service dates may not pass; the current UTC day by
    default). For files too big to hold, iterate a :class:`ClaimStream`."""
    stream = ClaimStream(data, today=today or dt.datetime.now(dt.UTC).date())
    claims: dict[int, list[Claim]] = {}
    # A large file makes millions of small objects that live until the receipt does; the
    # cyclic collector would rescan them again and again (none form cycles), so it rests.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for position, claim in stream:
            claims.setdefault(position, []).append(claim)
    finally:
        if collecting:
            gc.enable()
    assert stream.result is not None
    receipt = stream.result.receipt
    return replace(
        receipt,
        batches=tuple(
            replace(batch, claims=tuple(claims.get(batch.controls.set_position, ())))
            for batch in receipt.batches
        ),
    )


def read_837(data: Source, *, today: dt.date | None = None) -> ClaimBatch:
    """The one 837 set of an interchange; the first fault is raised as
    :class:`X12SyntaxError`."""
    receipt = receive_837(data, today=today)
    if receipt.errors:
        raise receipt.errors[0]
    if len(receipt.batches) != 1:
        raise X12SyntaxError(
            f"The interchange holds {len(receipt.batches)} 837 sets; use receive_837.",
            segment_position=1,
            segment_id="ISA",
        )
    return receipt.batches[0]
