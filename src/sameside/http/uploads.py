"""Files people send, read from a multipart request within our limits, for `attachments.rules.check`.

The multipart parser (python-multipart, through Starlette) spools each file
to disk past 1 MB; we read back at most one byte more than the per-file
limit, so an oversized file is measured, refused by name, and never held in
memory. A request carrying far more files than any message may is refused
whole, before a file is read (`PARSE_MAX_FILES`).
"""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile

from sameside.attachments.rules import Limits, Upload
from sameside.config import Settings
from sameside.http.middleware import MAX_BODY

FIELD = "files"
"""The form field, and the API's multipart part name, that carries files (many times)."""
PARSE_MAX_FILES = 100


def limits(request: Request) -> Limits:
    settings: Settings = request.app.state.settings
    return Limits(max_bytes=settings.attachment_max_bytes, max_count=settings.attachments_per_message)


def body_limit(settings: Settings) -> int:
    """The largest multipart request we read: a full message's files, two more to refuse by name, and its text."""
    return settings.attachment_max_bytes * (settings.attachments_per_message + 2) + MAX_BODY


async def read(upload: UploadFile, max_bytes: int) -> Upload:
    size = upload.size if upload.size is not None else 0
    data = b"" if size > max_bytes else await upload.read(max_bytes + 1)
    await upload.close()
    return Upload(upload.filename or "", max(size, len(data)), data)
