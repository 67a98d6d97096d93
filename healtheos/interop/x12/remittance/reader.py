"""Reading 835 interchanges: :func:`iter_835` streams them, :func:`read_835` reads a small
one whole. Both check the ISA/GS/ST envelope as they go (the same codes as
:func:`~healtheos.interop.x12.envelope.read_envelope`, raised at the first fault, because a
stream cannot be rewound to collect them all) and yield one :class:`Remittance` per ST..SE,
so a caller can store each payment in its own database transaction while the rest of the
file is still being read.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

from healtheos.interop.x12.envelope import FUNCTIONAL_IDS, KNOWN_VERSIONS, check_isa
from healtheos.interop.x12.remittance.model import Remittance, SetOrigin
from healtheos.interop.x12.remittance.parser import SetParser
from healtheos.interop.x12.remittance.stream import Progress, SegmentReader, Source
from healtheos.interop.x12.tokenizer import Segment, X12SyntaxError

VERSION = "005010X221A1"


def _fault(
    message: str, position: int, segment: Segment, element: int = 0, **codes: str | int
) -> X12SyntaxError:
    return X12SyntaxError(
        message,
        segment_position=position,
        segment_id=segment[0][:3],
        element_position=element,
        bad_value=segment.get(element)[:20] if element else "",
        **codes,  # type: ignore[arg-type]
    )


_TRAILERS = frozenset(("SE", "ST", "GE", "GS", "IEA", "ISA"))


def iter_835(
    stream: Source,
    *,
    chunk_size: int = 1 << 20,
    progress: Progress | None = None,
    keep_segments: bool = False,
) -> Iterator[Remittance]:
    """Each 835 transaction set of an interchange, as soon as its SE has been read.

    ``stream`` is the interchange as bytes or text, a binary file object (read
    ``chunk_size`` bytes at a time) or any iterable of byte or text chunks. ``progress``
    is called after each chunk with the number of bytes (characters, for text) read so
    far. Faults raise :class:`X12SyntaxError`; sets yielded before the fault stand.
    With ``keep_segments`` each remittance also carries the segments between its ST and SE
    as read (:attr:`Remittance.segments`), for a caller that stores the set as received."""
    collecting = gc.isenabled()
    try:
        if collecting:
            gc.disable()
        yield from _read(stream, chunk_size, progress, keep_segments, collecting)
    finally:
        if collecting:
            gc.enable()


def _read(
    stream: Source,
    chunk_size: int,
    progress: Progress | None,
    keep_segments: bool,
    collecting: bool,
) -> Iterator[Remittance]:
    """:func:`iter_835`'s work. The reader makes no reference cycles, so the cyclic garbage
    collector is paused while it reads (about 40% of the reading time went to collections
    that found nothing, as each set's frozen claims accumulated) and resumed whenever a set
    is handed to the caller, whose own work is collected as usual."""
    reader = SegmentReader(stream, chunk_size=chunk_size, progress=progress)
    segments = iter(reader)
    isa = next(segments, None)
    if isa is None or isa[0] != "ISA":  # pragma: no cover - read_delimiters ensures it
        raise X12SyntaxError("The interchange does not begin with an ISA.", segment_position=1)
    errors: list[X12SyntaxError] = []
    check_isa(isa, errors)
    if errors:
        raise errors[0]
    delimiters = reader.delimiters
    gs: Segment | None = None
    gs_position = 0
    groups = sets = 0
    controls: set[str] = set()
    parser: SetParser | None = None
    feed = None
    kept: list[Segment] = []
    st: Segment = isa
    st_position = 0
    closed = False
    for segment in segments:
        position = reader.position
        segment_id = segment[0]
        if feed is not None:
            if segment_id not in _TRAILERS:
                if keep_segments:
                    kept.append(segment)
                feed(segment, position)
                continue
            assert parser is not None
            if segment_id == "SE":
                counted = str(position - st_position + 1)
                if segment.get(1) != counted:
                    raise _fault(
                        f"SE01 says {segment.get(1)!r} segments but ST..SE has {counted}.",
                        position,
                        segment,
                        1,
                        code="7",
                        set_code="4",
                        set_position=st_position,
                        position_in_set=position - st_position + 1,
                    )
                if segment.get(2) != st.get(2):
                    raise _fault(
                        f"SE02 {segment.get(2)!r} does not match ST02 {st.get(2)!r}.",
                        position,
                        segment,
                        2,
                        code="7",
                        set_code="3",
                        set_position=st_position,
                        position_in_set=position - st_position + 1,
                    )
                remittance = parser.finish(position, tuple(kept))
                if collecting:
                    gc.enable()
                yield remittance
                if collecting:
                    gc.disable()
                parser = feed = None
                kept = []
            else:
                raise _fault(
                    "The transaction set has no SE trailer.",
                    position,
                    segment,
                    set_code="2",
                    set_position=st_position,
                )
            continue
        if closed:
            raise _fault(
                "Segments follow the IEA trailer.", position, segment, interchange_code="022"
            )
        if segment_id == "ST":
            if gs is None:
                raise _fault("ST outside any functional group.", position, segment, set_code="18")
            if segment.get(1) != "835":
                raise _fault(
                    f"ST01 {segment.get(1)!r} is not 835.",
                    position,
                    segment,
                    1,
                    code="7",
                    set_code="1" if segment.get(1) not in FUNCTIONAL_IDS else "6",
                    set_position=position,
                )
            control = segment.get(2)
            if not (4 <= len(control) <= 9 and control.isdigit()) or control in controls:
                raise _fault(
                    f"ST02 {control!r} is not a new set control number.",
                    position,
                    segment,
                    2,
                    code="6",
                    set_code="7" if control not in controls else "23",
                    set_position=position,
                )
            controls.add(control)
            sets += 1
            st, st_position = segment, position
            origin = SetOrigin(
                sender_id=isa.get(6).strip(),
                receiver_id=isa.get(8).strip(),
                interchange_control_number=isa.get(13),
                group_control_number=gs.get(6),
                set_control_number=control,
                position=position,
                usage=isa.get(15),
                delimiters=delimiters,
            )
            parser = SetParser(delimiters, origin)
            feed = parser.feed
        elif segment_id == "GS" and gs is None:
            if segment.get(1) != "HP":
                raise _fault(
                    f"GS01 {segment.get(1)!r} is not HP (an 835 group).",
                    position,
                    segment,
                    1,
                    code="7",
                    group_code="1",
                    group_position=position,
                )
            if segment.get(8) not in KNOWN_VERSIONS:
                raise _fault(
                    f"GS08 version {segment.get(8)!r} is not supported.",
                    position,
                    segment,
                    8,
                    code="7",
                    group_code="2",
                    group_position=position,
                )
            gs, gs_position, sets, controls = segment, position, 0, set()
            groups += 1
        elif segment_id == "GE" and gs is not None:
            if segment.get(1) != str(sets) or segment.get(2) != gs.get(6):
                wrong_count = segment.get(1) != str(sets)
                raise _fault(
                    f"GE says {segment.get(1)!r} sets for group {segment.get(2)!r}; the group "
                    f"is {gs.get(6)!r} with {sets}.",
                    position,
                    segment,
                    1 if wrong_count else 2,
                    code="7",
                    group_code="5" if wrong_count else "4",
                    group_position=gs_position,
                )
            gs = None
        elif segment_id == "IEA" and gs is None:
            if segment.get(1) != str(groups) or segment.get(2) != isa.get(13):
                raise _fault(
                    f"IEA says {segment.get(1)!r} groups for {segment.get(2)!r}; the "
                    f"interchange is {isa.get(13)!r} with {groups}.",
                    position,
                    segment,
                    1 if segment.get(1) != str(groups) else 2,
                    code="7",
                    interchange_code="021" if segment.get(1) != str(groups) else "001",
                )
            closed = True
        else:
            raise _fault(
                f"{segment_id} at position {position} is outside any transaction set.",
                position,
                segment,
                code="2",
                interchange_code="024",
            )
    if not closed:
        raise X12SyntaxError(
            "The interchange ends without an IEA trailer.",
            segment_position=reader.position,
            segment_id="IEA",
            code="3",
            interchange_code="023",
        )


def read_835(data: Source) -> list[Remittance]:
    """Every 835 set of an interchange (read whole; use :func:`iter_835` for big files)."""
    return list(iter_835(data))
