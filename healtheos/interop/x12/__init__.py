"""X12 005010: tokenizer and writer (transaction readers and builders build on these)."""

from __future__ import annotations

from healtheos.interop.x12.tokenizer import (
    Delimiters,
    Segment,
    X12SyntaxError,
    read_delimiters,
    tokenize,
)
from healtheos.interop.x12.writer import Interchange, build_interchange, serialize

__all__ = [
    "Delimiters",
    "Interchange",
    "Segment",
    "X12SyntaxError",
    "build_interchange",
    "read_delimiters",
    "serialize",
    "tokenize",
]
