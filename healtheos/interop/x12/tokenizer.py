"""Splitting an X12 interchange into segments, honoring the delimiters its ISA declares.

Speed matters (835 and 837 files of 100,000 claims): the whole file is split with
``str.split`` on the segment terminator and each segment on the element separator; composite
and repeated elements are split only when a reader asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ISA is fixed width: 106 characters including its segment terminator.
ISA_LENGTH = 106


class X12SyntaxError(ValueError):
    """Input that is not X12, or X12 that breaks its envelope or implementation guide.

    Carries what an acknowledgment needs to point at the fault: the segment's position in
    the interchange (1-based), its ID, the element position and an implementation-guide
    error code: IK304 for a segment fault, or IK403 for an element fault when
    ``element_position`` is set (the segment's IK304 is then 8, "has data element errors").

    Faults above the segment are named by the level they concern, because each level is
    answered differently: ``set_code`` (IK502, the transaction set), ``group_code`` (AK905,
    the functional group) and ``interchange_code`` (TA1 note code, the whole interchange).
    ``set_position`` and ``group_position`` are the interchange positions of the ST and GS
    the fault belongs to (0 when none), ``position_in_set`` counts from ST = 1 as IK302 does,
    ``loop_id`` is the guide's loop (IK303) and ``bad_value`` the offending data (IK404).
    """

    def __init__(
        self,
        message: str,
        *,
        segment_position: int = 0,
        segment_id: str = "",
        element_position: int = 0,
        code: str = "",
        set_code: str = "",
        group_code: str = "",
        interchange_code: str = "",
        set_position: int = 0,
        group_position: int = 0,
        position_in_set: int = 0,
        loop_id: str = "",
        bad_value: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.segment_position = segment_position
        self.segment_id = segment_id
        self.element_position = element_position
        self.code = code
        self.set_code = set_code
        self.group_code = group_code
        self.interchange_code = interchange_code
        self.set_position = set_position
        self.group_position = group_position
        self.position_in_set = position_in_set
        self.loop_id = loop_id
        self.bad_value = bad_value


@dataclass(frozen=True)
class Delimiters:
    element: str = "*"
    repetition: str = "^"
    component: str = ":"
    segment: str = "~"


class Segment(tuple[str, ...]):
    """A segment as a tuple: ``seg[0]`` is its ID, ``seg[n]`` its n-th element (X12's own
    1-based numbering), and a missing trailing element reads as ''."""

    __slots__ = ()

    @property
    def id(self) -> str:
        return self[0]

    def get(self, position: int) -> str:
        return self[position] if position < len(self) else ""

    def components(self, position: int, delimiters: Delimiters) -> list[str]:
        return self.get(position).split(delimiters.component)

    def repetitions(self, position: int, delimiters: Delimiters) -> list[str]:
        value = self.get(position)
        return value.split(delimiters.repetition) if value else []


def _as_text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")
    return data


def read_delimiters(data: str | bytes) -> tuple[Delimiters, int]:
    """The delimiters the interchange declares, and where its ISA starts."""
    text = _as_text(data)
    start = text.find("ISA")
    if start < 0 or text[:start].strip("\ufeff \t\r\n"):
        raise X12SyntaxError(
            "The interchange does not begin with an ISA segment.", segment_position=1, code="1"
        )
    if len(text) - start < ISA_LENGTH:
        raise X12SyntaxError(
            "The ISA segment is shorter than its fixed 106 characters.",
            segment_position=1,
            segment_id="ISA",
            code="8",
        )
    element = text[start + 3]
    if element.isalnum() or element.isspace():
        raise X12SyntaxError(
            "ISA's element separator must be a special character.",
            segment_position=1,
            segment_id="ISA",
            code="8",
        )
    # Find ISA16 by counting separators rather than trusting fixed offsets alone, so that a
    # mis-padded ISA still yields a precise error instead of wrong delimiters.
    position = start
    for _ in range(16):
        position = text.find(element, position + 1)
        if position < 0:
            raise X12SyntaxError(
                "ISA has fewer than 16 elements.", segment_position=1, segment_id="ISA", code="3"
            )
    if position != start + 103:
        raise X12SyntaxError(
            "ISA elements do not have their fixed widths (ISA16 is not at position 105).",
            segment_position=1,
            segment_id="ISA",
            element_position=16,
            code="8",
        )
    component = text[position + 1]
    terminator = text[position + 2]
    repetition = text[start + 82]
    if len({element, component, terminator}) < 3:
        raise X12SyntaxError(
            "ISA declares the same character for two different delimiters.",
            segment_position=1,
            segment_id="ISA",
            element_position=16,
            code="7",
        )
    if repetition in (element, component, terminator) or repetition.isalnum():
        # Before 00501 ISA11 was a standards identifier ("U"); no repetition separator then.
        repetition = ""
    return Delimiters(element, repetition, component, terminator), start


def valid_segment_id(segment_id: str) -> bool:
    """Two or three letters and digits, starting with a letter (X12's segment ID syntax)."""
    return 2 <= len(segment_id) <= 3 and segment_id.isalnum() and segment_id[0].isalpha()


def tokenize(data: str | bytes, *, check_ids: bool = True) -> tuple[list[Segment], Delimiters]:
    """All segments of an interchange, with the delimiters it declared. Line breaks and
    spaces between segments are ignored (many senders wrap files at 80 columns).

    ``check_ids=False`` leaves unreadable segment IDs for the envelope check to report,
    which can place them inside their transaction set for a 999 (IK304 1) instead of
    failing the whole interchange here."""
    text = _as_text(data)
    delimiters, start = read_delimiters(text)
    if delimiters.segment not in "\r\n":
        text = text.replace("\r", "").replace("\n", "")
    element = delimiters.element
    segments: list[Segment] = []
    for raw in text[start:].split(delimiters.segment):
        raw = raw.strip(" \t\r\n")
        if raw:
            segments.append(Segment(raw.split(element)))
    if not check_ids:
        return segments, delimiters
    for index, segment in enumerate(segments, start=1):
        segment_id = segment[0]
        if not valid_segment_id(segment_id):
            raise X12SyntaxError(
                f"Segment {index} has an unreadable segment ID {segment_id[:10]!r}.",
                segment_position=index,
                segment_id=segment_id[:3],
                code="1",
            )
    return segments, delimiters
