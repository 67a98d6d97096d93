"""The CAQH CORE Phase II HTTP MIME multipart envelope."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healtheos.interop.x12.core_envelope import (
    CoreEnvelopeError,
    build_core_response,
    build_multipart,
    parse_core_request,
    parse_core_response,
)
from tests.interop.x12_fixtures import interchange

PAYLOAD_ID = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
AT = dt.datetime(2026, 11, 24, 15, 31, tzinfo=dt.UTC)


def request_fields(**overrides: str | None) -> list[tuple[str, bytes]]:
    payload = interchange().encode()
    fields: dict[str, str | None] = {
        "PayloadType": "X12_270_Request_005010X279A1",
        "ProcessingMode": "RealTime",
        "PayloadID": PAYLOAD_ID,
        "PayloadLength": str(len(payload)),
        "TimeStamp": "2026-11-24T09:30:00-06:00",
        "SenderID": "CLEARINGHOUSE",
        "ReceiverID": "SUNTX",
        "CORERuleVersion": "2.2.0",
        "Checksum": hashlib.sha1(payload, usedforsecurity=False).hexdigest(),
    }
    fields.update(overrides)
    out = [(k, v.encode()) for k, v in fields.items() if v is not None]
    return [*out, ("Payload", payload)]


def request(**overrides: str | None) -> tuple[str, bytes]:
    return build_multipart(request_fields(**overrides), boundary="XbCY")


def test_a_request_round_trips_into_a_response() -> None:
    parsed = parse_core_request(*request())
    assert (parsed.payload_type, parsed.processing_mode, parsed.payload_id) == (
        "X12_270_Request_005010X279A1",
        "RealTime",
        PAYLOAD_ID,
    )
    assert parsed.payload_text == interchange()
    assert parsed.timestamp.utcoffset() == dt.timedelta(hours=-6)
    content_type, body = build_core_response(parsed, payload="ISA*271...", at=AT)
    assert content_type.startswith("multipart/form-data; boundary=")
    fields = parse_core_response(content_type, body)
    assert fields["PayloadType"] == b"X12_271_Response_005010X279A1"
    assert fields["PayloadID"] == PAYLOAD_ID.encode()
    assert (fields["SenderID"], fields["ReceiverID"]) == (b"SUNTX", b"CLEARINGHOUSE")
    assert fields["ErrorCode"] == b"Success"
    assert fields["TimeStamp"] == b"2026-11-24T15:31:00+00:00"
    assert fields["Payload"] == b"ISA*271..."
    assert (
        fields["Checksum"]
        == hashlib.sha1(b"ISA*271...", usedforsecurity=False).hexdigest().encode()
    )


def test_a_missing_payload_id_is_payload_id_required() -> None:
    with pytest.raises(CoreEnvelopeError) as info:
        parse_core_request(*request(PayloadID=None))
    assert info.value.error_code == "PayloadIDRequired"


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"PayloadID": "not-a-uuid"}, "PayloadIDIllegal"),
        ({"CORERuleVersion": "2.1.0"}, "VersionMismatch"),
        ({"ProcessingMode": "Sometimes"}, "ProcessingModeIllegal"),
        ({"PayloadType": "X12_999_Whatever"}, "PayloadTypeIllegal"),
        ({"TimeStamp": "yesterday"}, "TimeStampIllegal"),
        ({"PayloadLength": "12"}, "PayloadLengthIllegal"),
        ({"Checksum": "0" * 40}, "ChecksumMismatched"),
        ({"SenderID": None}, "SenderIDRequired"),
        ({"ProcessingMode": "Batch", "PayloadLength": None}, "PayloadLengthRequired"),
    ],
)
def test_envelope_faults_carry_core_error_codes(override: dict[str, str | None], code: str) -> None:
    with pytest.raises(CoreEnvelopeError) as info:
        parse_core_request(*request(**override))
    assert info.value.error_code == code


def test_checksum_and_length_are_optional_in_real_time() -> None:
    parsed = parse_core_request(*request(Checksum=None, PayloadLength=None))
    assert parsed.checksum == ""
    assert parsed.payload_length is None


def test_an_error_response_names_the_error_and_swaps_the_parties() -> None:
    content_type, body = build_core_response(
        None,
        payload=b"",
        at=AT,
        error_code="PayloadIDRequired",
        sender_id="SUNTX",
        receiver_id="CLEARINGHOUSE",
        payload_type="X12_999_Response_005010X231A1",
    )
    fields = parse_core_response(content_type, body)
    assert fields["ErrorCode"] == b"PayloadIDRequired"
    assert fields["ErrorMessage"] == b"PayloadID is missing."


def test_a_boundary_inside_the_payload_is_replaced() -> None:
    content_type, body = build_multipart([("Payload", b"--XbCY--")], boundary="XbCY")
    assert "XbCY" not in content_type
    assert parse_core_response(content_type, body)["Payload"] == b"--XbCY--"


@pytest.mark.parametrize(
    ("content_type", "body", "fragment"),
    [
        ("text/plain", b"hello", "multipart/form-data"),
        ("multipart/form-data", b"hello", "boundary"),
        ("multipart/form-data; boundary=abc", b"no boundary here", "declared boundary"),
        ("multipart/form-data; boundary=abc", b"--abc\r\nX-Junk\r\n\r\nv\r\n--abc--", "header"),
        ("multipart/form-data; boundary=abc", b"--abc\r\n\r\nvalue\r\n--abc--", "name"),
        (
            "multipart/form-data; boundary=abc",
            b'--abc\r\nContent-Disposition: form-data; name="A"\r\n\r\nv',
            "closing",
        ),
    ],
)
def test_junk_bodies_raise_a_typed_error(content_type: str, body: bytes, fragment: str) -> None:
    with pytest.raises(CoreEnvelopeError, match=fragment) as info:
        parse_core_request(content_type, body)
    assert info.value.error_code == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.binary(max_size=300))
def test_random_input_raises_only_core_envelope_errors(content_type: str, body: bytes) -> None:
    with contextlib.suppress(CoreEnvelopeError):
        parse_core_request(content_type, body)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=900), st.binary(min_size=1, max_size=3))
def test_a_mutated_request_raises_only_core_envelope_errors(position: int, junk: bytes) -> None:
    content_type, body = request()
    mutated = body[:position] + junk + body[position + len(junk) :]
    with contextlib.suppress(CoreEnvelopeError):
        parse_core_request(content_type, mutated)
