"""Splitting an interchange into segments as it arrives, in bounded memory.

:func:`~healtheos.interop.x12.tokenizer.tokenize` splits a whole file at once, which is
right for a 270 but not for a 200 MB 835. :class:`SegmentReader` reads chunks, learns the
delimiters from the ISA with :func:`~healtheos.interop.x12.tokenizer.read_delimiters`, and
splits only the part of its buffer that ends at a segment terminator, keeping the tail for
the next chunk; it treats line breaks and blanks between segments exactly as ``tokenize``
does, so both give the same segments for the same input however it is chunked.

Byte input is split on the terminator's bytes before decoding. UTF-8 never uses an ASCII
byte inside a multi-byte character, so each complete run of segments decodes on its own as
UTF-8; a segment that is not UTF-8 is read as Latin-1 (``tokenize`` falls back for the
whole file; per segment, the result cannot depend on where the chunks were cut).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO, TypeAlias

from healtheos.interop.x12.tokenizer import (
    ISA_LENGTH,
    Delimiters,
    Segment,
    X12SyntaxError,
    read_delimiters,
    valid_segment_id,
)

Source: TypeAlias = bytes | str | BinaryIO | Iterable[bytes] | Iterable[str]
Progress: TypeAlias = Callable[[int], None]

#: A run this long without a segment terminator is not X12 (and would defeat streaming).
MAX_SEGMENT = 1 << 24


def _chunks(source: Source, chunk_size: int) -> Iterator[bytes | str]:
    if isinstance(source, bytes | str):
        for start in range(0, len(source), chunk_size):
            yield source[start : start + chunk_size]
        return
    read = getattr(source, "read", None)
    if callable(read):
        while chunk := read(chunk_size):
            yield chunk
        return
    yield from source


def _decode_head(data: bytes) -> tuple[str, str]:
    """The start of a byte stream as text, allowing it to end inside a UTF-8 character."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3:
            try:
                return data[: error.start].decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        return data.decode("latin-1"), "latin-1"


class SegmentReader:
    """Iterating yields the interchange's segments in order; ``position`` is the 1-based
    position of the last one yielded and ``delimiters`` is known once the ISA has been."""

    def __init__(
        self,
        source: Source,
        *,
        chunk_size: int = 1 << 20,
        progress: Progress | None = None,
        check_ids: bool = True,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive.")
        self.source = source
        self.chunk_size = chunk_size
        self.progress = progress
        #: False leaves unreadable segment IDs to the envelope check, as ``tokenize`` can.
        self.check_ids = check_ids
        self.delimiters = Delimiters()
        self._terminator = b"~"
        self.position = 0
        self.bytes_read = 0
        self._known_ids: set[str] = set()

    def _counted(self) -> Iterator[bytes | str]:
        for chunk in _chunks(self.source, self.chunk_size):
            self.bytes_read += len(chunk)
            if self.progress is not None:
                self.progress(self.bytes_read)
            yield chunk

    def __iter__(self) -> Iterator[Segment]:
        chunks = self._counted()
        head: bytes | str = b""
        text = ""
        codec = ""
        for chunk in chunks:
            head = chunk if not head else head + chunk  # type: ignore[operator]
            text, codec = (head, "") if isinstance(head, str) else _decode_head(head)
            start = text.find("ISA")
            if (start >= 0 and len(text) - start >= ISA_LENGTH) or len(text) > 1 << 16:
                break
        if not head:
            raise X12SyntaxError("The interchange is empty.", segment_position=1, code="1")
        self.delimiters, start = read_delimiters(text)
        pending: bytes | str
        if isinstance(head, str):
            terminator: bytes | str = self.delimiters.segment
            pending = head[start:]
        else:
            terminator = self.delimiters.segment.encode(codec)
            self._terminator = terminator
            pending = head[len(text[:start].encode(codec)) :]
        yield from self._complete(pending, terminator, chunks)

    def _complete(
        self, pending: bytes | str, terminator: bytes | str, chunks: Iterator[bytes | str]
    ) -> Iterator[Segment]:
        size = len(terminator)
        while True:
            cut = pending.rfind(terminator)  # type: ignore[arg-type]
            if cut >= 0:
                yield from self._split(pending[:cut])
                pending = pending[cut + size :]
            elif len(pending) > MAX_SEGMENT:
                raise X12SyntaxError(
                    "No segment terminator in 16 MB of input.",
                    segment_position=self.position + 1,
                    code="1",
                )
            chunk = next(chunks, None)
            if chunk is None:
                break
            if type(chunk) is not type(pending):
                raise TypeError("Chunks must all be bytes or all be text.")
            pending = pending + chunk if pending else chunk  # type: ignore[operator]
        if pending:
            yield from self._split(pending)

    def _decode(self, run: bytes) -> str:
        try:
            return run.decode("utf-8")
        except UnicodeDecodeError:
            pieces = []
            for piece in run.split(self._terminator):
                try:
                    pieces.append(piece.decode("utf-8"))
                except UnicodeDecodeError:
                    pieces.append(piece.decode("latin-1"))
            return self.delimiters.segment.join(pieces)

    def _split(self, run: bytes | str) -> Iterator[Segment]:
        delimiters = self.delimiters
        text = run if isinstance(run, str) else self._decode(run)
        if delimiters.segment not in "\r\n":
            text = text.replace("\r", "").replace("\n", "")
        element = delimiters.element
        known = self._known_ids
        for raw in text.split(delimiters.segment):
            raw = raw.strip(" \t\r\n")
            if not raw:
                continue
            self.position += 1
            segment = Segment(raw.split(element))
            if segment[0] in known:
                yield segment
                continue
            if len(known) < 256 and valid_segment_id(segment[0]):
                known.add(segment[0])
            elif self.check_ids and not valid_segment_id(segment[0]):
                raise X12SyntaxError(
                    f"Segment {self.position} has an unreadable segment ID {segment[0][:10]!r}.",
                    segment_position=self.position,
                    segment_id=segment[0][:3],
                    code="1",
                )
            yield segment
