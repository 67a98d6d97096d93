from __future__ import annotations

import json
import logging

from healtheos.core.logging import JSONFormatter, MaskPHIFilter, mask_text


def _format(record: logging.LogRecord) -> dict[str, object]:
    MaskPHIFilter().filter(record)
    return json.loads(JSONFormatter().format(record))


def test_member_ids_and_birth_dates_in_messages_are_masked() -> None:
    record = logging.LogRecord(
        "t", logging.INFO, "", 0, "lookup %s born %s", ("SUN000123456", "1980-05-17"), None
    )
    line = _format(record)
    assert "SUN000123456" not in line["message"]
    assert "1980-05-17" not in line["message"]


def test_phi_keys_in_extra_fields_are_masked() -> None:
    record = logging.LogRecord("t", logging.INFO, "", 0, "eligibility answered", None, None)
    record.member_id = "SUN000123456"
    record.last_name = "Doe"
    record.duration_ms = 12
    line = _format(record)
    assert line["member_id"] == "[masked]"
    assert line["last_name"] == "[masked]"
    assert line["duration_ms"] == 12


def test_x12_dates_and_key_value_names_are_masked() -> None:
    assert "19800517" not in mask_text("DMG*D8*19800517")
    assert "Doe" not in mask_text("last_name=Doe")


def test_claim_and_tracking_numbers_in_request_paths_are_masked() -> None:
    """Django's request logger names the path: a claim number there is an identifier of a
    patient's record."""
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        "",
        0,
        "Internal Server Error: %s",
        ("/claims/SUN26120501000080/",),
        None,
    )
    line = _format(record)
    assert "SUN26120501000080" not in line["message"]
    assert line["message"] == "Internal Server Error: /claims/[masked]/"
    assert "PA2026120500000017" not in mask_text("/authorizations/PA2026120500000017/")
