"""Writing X12: segments with chosen delimiters, and envelopes whose counts and control
numbers are right by construction (SE01 counts ST..SE inclusive, SE02 = ST02, GE01/IEA01
count the sets and groups, GE02/IEA02 repeat the headers' control numbers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from healtheos.interop.x12.tokenizer import Delimiters

DEFAULT = Delimiters()


@dataclass(frozen=True)
class Written:
    """A run of ``count`` segments already serialized (with the same delimiters), to be
    put into a body as it is: a writer holding many small segments keeps them as text."""

    text: str
    count: int


def serialize(
    segments: Iterable[Sequence[str] | Written],
    delimiters: Delimiters = DEFAULT,
    *,
    newline: bool = False,
) -> str:
    """Join segments; trailing empty elements are dropped, as the standard requires."""
    end = delimiters.segment + ("\n" if newline else "")
    out = []
    for segment in segments:
        if isinstance(segment, Written):
            out.append(segment.text)
            continue
        elements = list(segment)
        while len(elements) > 1 and elements[-1] == "":
            elements.pop()
        out.append(delimiters.element.join(elements) + end)
    return "".join(out)


@dataclass(frozen=True)
class Interchange:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: int
    functional_id: str  # GS01, e.g. HB for 271
    application_sender: str
    application_receiver: str
    version: str  # GS08, e.g. 005010X279A1
    usage: str = "P"  # ISA15: P production, T test
    acknowledgment_requested: str = "0"


def envelope_head(
    interchange: Interchange, *, at: dt.datetime, delimiters: Delimiters = DEFAULT
) -> list[Sequence[str]]:
    """The ISA and GS segments that open ``interchange``."""
    number = f"{interchange.control_number:09d}"
    group_number = str(interchange.control_number)
    isa = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        interchange.sender_qualifier,
        interchange.sender_id.ljust(15)[:15],
        interchange.receiver_qualifier,
        interchange.receiver_id.ljust(15)[:15],
        at.strftime("%y%m%d"),
        at.strftime("%H%M"),
        delimiters.repetition,
        "00501",
        number,
        interchange.acknowledgment_requested,
        interchange.usage,
        delimiters.component,
    ]
    return [
        isa,
        [
            "GS",
            interchange.functional_id,
            interchange.application_sender,
            interchange.application_receiver,
            at.strftime("%Y%m%d"),
            at.strftime("%H%M"),
            group_number,
            "X",
            interchange.version,
        ],
    ]


def build_interchange(
    interchange: Interchange,
    transaction_sets: Sequence[tuple[str, Sequence[Sequence[str] | Written]]],
    *,
    at: dt.datetime,
    delimiters: Delimiters = DEFAULT,
    newline: bool = False,
    implementation_reference: bool = True,
) -> str:
    """An ISA/GS/…/GE/IEA interchange with one functional group. ``transaction_sets`` are
    (ST01 transaction set ID, body segments between ST and SE). ST03 repeats GS08 unless
    ``implementation_reference`` is false (the 835 guide marks ST03 not used)."""
    number = f"{interchange.control_number:09d}"
    group_number = str(interchange.control_number)
    segments: list[Sequence[str] | Written] = list(
        envelope_head(interchange, at=at, delimiters=delimiters)
    )
    for index, (set_id, body) in enumerate(transaction_sets, start=1):
        control = f"{index:04d}"
        st = ["ST", set_id, control]
        if implementation_reference:
            st.append(interchange.version)
        segments.append(st)
        segments.extend(body)
        count = sum(item.count if isinstance(item, Written) else 1 for item in body)
        segments.append(["SE", str(count + 2), control])
    segments.append(["GE", str(len(transaction_sets)), group_number])
    segments.append(["IEA", "1", number])
    # ISA keeps its padded empty elements: serialize() only trims trailing ones.
    return serialize(segments, delimiters, newline=newline)
