from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from healtheos.core.identifiers import is_valid_npi, validate_npi, validate_tin


def test_known_valid_npi_passes_the_luhn_check() -> None:
    # The worked example in CMS's NPI check-digit description.
    assert is_valid_npi("1234567893")


def test_a_changed_digit_fails_the_check() -> None:
    assert not is_valid_npi("1234567894")


def test_npi_errors_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError, match="exactly 10 digits"):
        validate_npi("12345")
    with pytest.raises(ValidationError, match="check digit"):
        validate_npi("1234567894")


@pytest.mark.parametrize("tin", ["12-3456789", "123456789"])
def test_tin_accepts_both_spellings(tin: str) -> None:
    validate_tin(tin)


def test_tin_rejects_other_shapes() -> None:
    with pytest.raises(ValidationError):
        validate_tin("12-345")
