"""The CAQH CORE Connectivity (Phase II, rule version 2.2.0) HTTP MIME multipart envelope.

A CORE request is an HTTP POST whose ``multipart/form-data`` body carries the envelope
fields (PayloadType, ProcessingMode, PayloadID, TimeStamp, SenderID, ReceiverID,
CORERuleVersion, optionally PayloadLength, Checksum, UserName, Password) and the X12
Payload. The answer is the same kind of body, carrying the same PayloadID, a new
TimeStamp, sender and receiver swapped and an ErrorCode ("Success" or the envelope error).

The body is parsed by hand rather than with :mod:`email` or the removed ``cgi`` module:
the format is small, and a hand parser gives exact bytes for the payload (its SHA-1 must
match) and a typed, worded :class:`CoreEnvelopeError` for every kind of junk, never any
other exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

CORE_RULE_VERSION = "2.2.0"

#: Payload types this portal receives, and the one each is answered with.
REQUEST_PAYLOAD_TYPES = {
    "X12_270_Request_005010X279A1": "X12_271_Response_005010X279A1",
    "X12_276_Request_005010X212": "X12_277_Response_005010X212",
    "X12_278_Request_005010X217E1_2": "X12_278_Response_005010X217E1_2",
    "X12_837_Request_005010X222A1": "X12_999_Response_005010X231A1",
    "X12_837_Request_005010X223A2": "X12_999_Response_005010X231A1",
}

#: Payload types of answers (the 999 and TA1 answer any request whose X12 is faulty).
RESPONSE_PAYLOAD_TYPES = frozenset(
    {
        *REQUEST_PAYLOAD_TYPES.values(),
        "X12_999_Response_005010X231A1",
        "X12_TA1_Response_00501X231A1",
        "X12_005010_Response_NoBatchResultsFile",
    }
)

PROCESSING_MODES = frozenset({"RealTime", "Batch"})

#: CORE envelope ErrorCode values, in words.
ERROR_CODES = {
    "Success": "The envelope was accepted.",
    "PayloadTypeRequired": "PayloadType is missing.",
    "PayloadTypeIllegal": "PayloadType is not one this server accepts.",
    "ProcessingModeRequired": "ProcessingMode is missing.",
    "ProcessingModeIllegal": "ProcessingMode is neither RealTime nor Batch.",
    "PayloadIDRequired": "PayloadID is missing.",
    "PayloadIDIllegal": "PayloadID is not a UUID.",
    "PayloadLengthRequired": "PayloadLength is missing (required in Batch mode).",
    "PayloadLengthIllegal": "PayloadLength is not the payload's length in bytes.",
    "TimeStampRequired": "TimeStamp is missing.",
    "TimeStampIllegal": "TimeStamp is not an ISO 8601 date and time.",
    "SenderIDRequired": "SenderID is missing.",
    "ReceiverIDRequired": "ReceiverID is missing.",
    "CORERuleVersionRequired": "CORERuleVersion is missing.",
    "VersionMismatch": "CORERuleVersion is not 2.2.0.",
    "ChecksumMismatched": "Checksum is not the SHA-1 of the payload.",
    "PayloadRequired": "Payload is missing.",
    "UnAuthorized": "The sender is not authorized.",
}

_MAX_FIELDS = 32
_MAX_HEADER_BYTES = 4096


class CoreEnvelopeError(ValueError):
    """A request that cannot be accepted. ``error_code`` is the CORE ErrorCode to answer
    with, or '' when the body is not a multipart envelope at all (the HTTP layer then
    answers 400 with ``str(error)``, as no CORE fields could be read)."""

    def __init__(self, message: str, *, error_code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.error_code = error_code


@dataclass(frozen=True)
class CoreRequest:
    """The envelope fields of a CORE request and its payload (exact bytes)."""

    payload_type: str
    processing_mode: str
    payload_id: str
    payload_length: int | None
    timestamp: dt.datetime
    sender_id: str
    receiver_id: str
    core_rule_version: str
    checksum: str
    payload: bytes
    username: str = ""
    password: str = ""

    @property
    def payload_text(self) -> str:
        """The payload as text (X12 is ASCII; stray bytes read as Latin-1)."""
        try:
            return self.payload.decode("utf-8")
        except UnicodeDecodeError:
            return self.payload.decode("latin-1")

    @property
    def response_payload_type(self) -> str:
        return REQUEST_PAYLOAD_TYPES.get(self.payload_type, "X12_999_Response_005010X231A1")


def _parameters(header: str) -> tuple[str, dict[str, str]]:
    """A header value's main token (lower-cased) and its ``name=value`` parameters."""
    main, *rest = header.split(";")
    params: dict[str, str] = {}
    for item in rest:
        key, sep, value = item.partition("=")
        if not sep:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace('\\"', '"')
        params[key.strip().lower()] = value
    return main.strip().lower(), params


def parse_multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    """The named parts of a ``multipart/form-data`` body (first occurrence of each name)."""
    if not isinstance(content_type, str) or not isinstance(body, bytes | bytearray):
        raise CoreEnvelopeError("The content type must be text and the body bytes.")
    kind, params = _parameters(content_type)
    if kind != "multipart/form-data":
        raise CoreEnvelopeError(f"Expected multipart/form-data, not {kind[:60]!r}.")
    boundary = params.get("boundary", "")
    if not (1 <= len(boundary) <= 70) or not boundary.isascii() or boundary.endswith(" "):
        raise CoreEnvelopeError("The multipart boundary is missing or malformed.")
    delimiter = b"\r\n--" + boundary.encode("ascii")
    chunks = (b"\r\n" + bytes(body)).split(delimiter)
    if len(chunks) < 2:
        raise CoreEnvelopeError("The body does not contain the declared boundary.")
    fields: dict[str, bytes] = {}
    closed = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            closed = True
            break
        line_end = chunk.find(b"\r\n")
        if line_end < 0 or chunk[:line_end].strip(b" \t"):
            raise CoreEnvelopeError("A boundary line is followed by junk.")
        part = chunk[line_end + 2 :]
        header_end = part.find(b"\r\n\r\n")
        if part.startswith(b"\r\n"):
            headers_raw, content = b"", part[2:]
        elif header_end < 0 or header_end > _MAX_HEADER_BYTES:
            raise CoreEnvelopeError("A part has no header block ending in a blank line.")
        else:
            headers_raw, content = part[:header_end], part[header_end + 4 :]
        name = ""
        for line in headers_raw.decode("latin-1").split("\r\n"):
            if not line:
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise CoreEnvelopeError(f"A part header is malformed: {line[:60]!r}.")
            if key.strip().lower() == "content-disposition":
                disposition, disposition_params = _parameters(value)
                if disposition != "form-data":
                    raise CoreEnvelopeError("A part is not form-data.")
                name = disposition_params.get("name", "")
        if not name:
            raise CoreEnvelopeError("A part has no Content-Disposition name.")
        if len(fields) >= _MAX_FIELDS:
            raise CoreEnvelopeError("The body has too many parts.")
        fields.setdefault(name, content)
    if not closed:
        raise CoreEnvelopeError("The body ends without the closing boundary.")
    return fields


def parse_core_request(content_type: str, body: bytes) -> CoreRequest:
    """The CORE envelope of an HTTP request body, checked; faults raise
    :class:`CoreEnvelopeError` carrying the CORE ErrorCode to answer with."""
    fields = parse_multipart(content_type, body)

    def text(name: str) -> str:
        try:
            return fields.get(name, b"").decode("utf-8").strip()
        except UnicodeDecodeError as error:
            raise CoreEnvelopeError(
                f"{name} is not UTF-8 text.", error_code=f"{name}Illegal"
            ) from error

    def required(name: str) -> str:
        value = text(name)
        if not value:
            raise CoreEnvelopeError(f"{name} is required.", error_code=f"{name}Required")
        return value

    payload_type = required("PayloadType")
    if payload_type not in REQUEST_PAYLOAD_TYPES:
        raise CoreEnvelopeError(
            f"PayloadType {payload_type[:80]!r} is not accepted here.",
            error_code="PayloadTypeIllegal",
        )
    mode = required("ProcessingMode")
    if mode not in PROCESSING_MODES:
        raise CoreEnvelopeError(
            f"ProcessingMode {mode[:40]!r} is neither RealTime nor Batch.",
            error_code="ProcessingModeIllegal",
        )
    payload_id = required("PayloadID")
    try:
        uuid.UUID(payload_id)
    except ValueError as error:
        raise CoreEnvelopeError(
            f"PayloadID {payload_id[:60]!r} is not a UUID.", error_code="PayloadIDIllegal"
        ) from error
    stamp = required("TimeStamp")
    try:
        timestamp = dt.datetime.fromisoformat(stamp)
    except ValueError as error:
        raise CoreEnvelopeError(
            f"TimeStamp {stamp[:40]!r} is not ISO 8601.", error_code="TimeStampIllegal"
        ) from error
    sender_id = required("SenderID")
    receiver_id = required("ReceiverID")
    version = required("CORERuleVersion")
    if version != CORE_RULE_VERSION:
        raise CoreEnvelopeError(
            f"CORERuleVersion {version[:20]!r} is not {CORE_RULE_VERSION}.",
            error_code="VersionMismatch",
        )
    if "Payload" not in fields or not fields["Payload"]:
        raise CoreEnvelopeError("Payload is required.", error_code="PayloadRequired")
    payload = fields["Payload"]
    length_text = text("PayloadLength")
    length: int | None = None
    if length_text:
        if not length_text.isdigit() or int(length_text) != len(payload):
            raise CoreEnvelopeError(
                f"PayloadLength {length_text[:20]!r} is not the payload's {len(payload)} bytes.",
                error_code="PayloadLengthIllegal",
            )
        length = len(payload)
    elif mode == "Batch":
        raise CoreEnvelopeError(
            "PayloadLength is required in Batch mode.", error_code="PayloadLengthRequired"
        )
    checksum = text("Checksum")
    if checksum and checksum.lower() != hashlib.sha1(payload, usedforsecurity=False).hexdigest():
        raise CoreEnvelopeError(
            "Checksum is not the SHA-1 of the payload.", error_code="ChecksumMismatched"
        )
    return CoreRequest(
        payload_type=payload_type,
        processing_mode=mode,
        payload_id=payload_id,
        payload_length=length,
        timestamp=timestamp,
        sender_id=sender_id,
        receiver_id=receiver_id,
        core_rule_version=version,
        checksum=checksum,
        payload=payload,
        username=text("UserName"),
        password=text("Password"),
    )


def build_multipart(fields: list[tuple[str, bytes]], *, boundary: str = "") -> tuple[str, bytes]:
    """(Content-Type with boundary, body) for ``multipart/form-data`` fields. A boundary
    that occurs in a value is replaced by a fresh one, so no value can end a part early."""
    joined = b"".join(value for _, value in fields)
    while not boundary or boundary.encode("ascii") in joined:
        boundary = f"HealtheosCORE-{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in fields:
        out += f"--{boundary}\r\n".encode("ascii")
        out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode("ascii")
        out += value + b"\r\n"
    out += f"--{boundary}--\r\n".encode("ascii")
    return f"multipart/form-data; boundary={boundary}", bytes(out)


def build_core_response(
    request: CoreRequest | None,
    *,
    payload: bytes | str,
    at: dt.datetime,
    payload_type: str = "",
    error_code: str = "Success",
    error_message: str = "",
    sender_id: str = "",
    receiver_id: str = "",
    payload_id: str = "",
    processing_mode: str = "",
    boundary: str = "",
) -> tuple[str, bytes]:
    """The CORE response body: same PayloadID as the request, a new TimeStamp, SenderID
    and ReceiverID swapped, the ErrorCode and the answer's payload. Returns (the
    Content-Type header value with its boundary, the body bytes). Arguments override what
    would be taken from ``request`` (needed when the request could not be parsed)."""
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if request is not None:
        payload_type = payload_type or request.response_payload_type
        payload_id = payload_id or request.payload_id
        sender_id = sender_id or request.receiver_id
        receiver_id = receiver_id or request.sender_id
        processing_mode = processing_mode or request.processing_mode
    if at.tzinfo is None:
        raise ValueError("The response TimeStamp needs a time zone.")
    message = error_message or ERROR_CODES.get(error_code, "")
    fields = [
        ("PayloadType", payload_type or "X12_999_Response_005010X231A1"),
        ("ProcessingMode", processing_mode or "RealTime"),
        ("PayloadID", payload_id or str(uuid.uuid4())),
        ("PayloadLength", str(len(data))),
        ("TimeStamp", at.isoformat(timespec="seconds")),
        ("SenderID", sender_id),
        ("ReceiverID", receiver_id),
        ("CORERuleVersion", CORE_RULE_VERSION),
        ("Checksum", hashlib.sha1(data, usedforsecurity=False).hexdigest()),
        ("ErrorCode", error_code),
        ("ErrorMessage", message),
    ]
    encoded = [
        (name, value.replace("\r", " ").replace("\n", " ").encode()) for name, value in fields
    ]
    return build_multipart([*encoded, ("Payload", data)], boundary=boundary)


def parse_core_response(content_type: str, body: bytes) -> dict[str, bytes]:
    """The fields of a CORE response (for tests and the portal's own clients)."""
    return parse_multipart(content_type, body)
