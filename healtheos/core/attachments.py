"""Documents people attach (appeal records, clinical notes, message attachments).

Files are checked by their content, not their name (PDF, PNG or JPEG only, at most
``MAX_BYTES``), and stored outside any web root under ``HEALTHEOS_VAR_DIR/attachments``
with a random name, written to a temporary file, flushed to disk and renamed, so a
stored attachment is complete or absent — never half written. Downloads go through a view
that checks the office first; the storage name is never shown.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.http import Http404, HttpResponse

MAX_BYTES = 10 * 1024 * 1024

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class AttachmentRefused(ValueError):
    """Not a file Healtheos keeps: wrong type, too large or empty."""


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    content_type: str
    size: int
    sha256: str


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> str:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise AttachmentRefused("Attach a PDF, PNG or JPEG file.")


def store(stream: IO[bytes]) -> StoredFile:
    """Check and store one upload; raise :class:`AttachmentRefused` with the reason."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise AttachmentRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise AttachmentRefused("The file is larger than 10 MB.")
    content_type = sniff(data[:16])
    name = secrets.token_hex(20)
    target = folder() / name
    temporary = target.with_suffix(".part")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    temporary.rename(target)
    return StoredFile(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def path_of(storage_name: str) -> Path:
    if not storage_name.isalnum():
        raise FileNotFoundError(storage_name)
    return folder() / storage_name


def remove(storage_name: str) -> None:
    path_of(storage_name).unlink(missing_ok=True)


def download(*, storage_name: str, file_name: str, content_type: str) -> HttpResponse:
    """The stored file as a download (the caller has checked the office); a name that came
    from the uploader is reduced to safe characters for the header."""
    try:
        content = path_of(storage_name).read_bytes()
    except FileNotFoundError as error:
        raise Http404("attachment missing") from error
    response = HttpResponse(content, content_type=content_type)
    safe = "".join(ch for ch in file_name if ch.isalnum() or ch in "._- ")
    response["Content-Disposition"] = f'attachment; filename="{safe or "attachment"}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
