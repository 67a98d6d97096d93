"""Checks for the identifiers the industry uses: NPI (with its Luhn check digit) and TIN."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_NPI_RE = re.compile(r"^[12]\d{9}$")
_TIN_RE = re.compile(r"^\d{9}$")
#: Card-issuer prefix for health applications; an NPI's check digit is the Luhn digit of
#: 80840 followed by its first nine digits (CMS, "NPI check digit" standard).
_NPI_PREFIX_SUM = 24


def luhn_digit_for_npi(first_nine: str) -> int:
    """The check digit that completes a 9-digit NPI stem."""
    total = _NPI_PREFIX_SUM
    for index, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return bool(_NPI_RE.match(value)) and luhn_digit_for_npi(value[:9]) == int(value[9])


def normalize_tin(value: str) -> str:
    """Accept 12-3456789 or 123456789; return the nine digits."""
    return value.replace("-", "").strip()


def validate_npi(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if not is_valid_npi(value):
        raise ValidationError(
            "This NPI's check digit is wrong; please re-check the number.", code="npi_check_digit"
        )


def validate_tin(value: str) -> None:
    if not _TIN_RE.match(normalize_tin(value or "")):
        raise ValidationError(
            "A tax ID (TIN) is 9 digits, written 12-3456789 or 123456789.", code="tin_format"
        )
