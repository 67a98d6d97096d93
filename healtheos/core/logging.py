"""JSON log lines, with protected health information masked before anything is written.

The mask is a safety net, not the primary control: code should not log member data at all.
It catches member IDs, dates of birth and names passed in ``extra={"member": ...}`` style
fields or interpolated into messages by mistake.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

#: Keys whose values are always replaced wholesale.
PHI_KEYS = frozenset(
    {
        "member_id",
        "member",
        "first_name",
        "last_name",
        "name",
        "patient",
        "dob",
        "date_of_birth",
        "birth_date",
        "ssn",
        "subscriber_id",
    }
)
MASK = "[masked]"

# Dates (ISO and US style and X12's CCYYMMDD), identifiers shaped like member IDs (letters
# then eight or more digits: member, claim and tracking numbers, in paths too), SSN shapes
# and key=value pairs for the keys above.
_PATTERNS = [
    re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b"),
    re.compile(r"\b[01]?\d/[0-3]?\d/(19|20)\d\d\b"),
    re.compile(r"\b(19|20)\d\d[01]\d[0-3]\d\b"),
    re.compile(r"\b[A-Z]{1,4}\d{8,}\b"),
    re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
    re.compile(
        r"\b(" + "|".join(sorted(PHI_KEYS)) + r")\s*[=:]\s*(\"[^\"]*\"|'[^']*'|\S+)", re.IGNORECASE
    ),
]


def mask_text(text: str) -> str:
    """Replace anything that looks like a member identifier, a date or a name field."""
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def _mask_value(key: str, value: Any) -> Any:
    if key.lower() in PHI_KEYS:
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_value(key, v) for v in value]
    return value


class MaskPHIFilter(logging.Filter):
    """Rewrites the record in place so every handler after it sees masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key in _EXTRA_SKIP:
                continue
            setattr(record, key, _mask_value(key, value))
        return True


# Attributes every LogRecord has; everything else on a record came from ``extra=``.
_EXTRA_SKIP = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message"}


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _EXTRA_SKIP:
                payload[key] = value
        if record.exc_info:
            payload["exception"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)
