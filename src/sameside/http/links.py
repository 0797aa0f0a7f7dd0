"""Links that carry their own permission: signed, expiring, for the API and the pages alike."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request

from sameside.kit import clock, signing
from sameside.mail.models import Attachment
from sameside.mail.schemas import AttachmentOut

DOWNLOAD = "attachment"
LINK_MINUTES = 60


def attachment_out(request: Request, row: Attachment) -> AttachmentOut:
    """An attachment with a download link valid for an hour, for someone who may see its case."""
    expires = int((clock.now() + timedelta(minutes=LINK_MINUTES)).timestamp())
    signature = signing.sign(request.app.state.link_key, DOWNLOAD, row.id, expires)
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        inline=row.inline,
        url=f"/api/v1/attachments/{row.id}/download?expires={expires}&signature={signature}",
    )
