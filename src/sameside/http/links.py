"""Links that carry their own permission: signed, expiring, for the API and the pages alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import Request

from sameside.attachments.rules import PREVIEWABLE
from sameside.kit import clock, signing
from sameside.mail.models import Attachment
from sameside.mail.schemas import AttachmentOut
from sameside.offers.models import Offer, OfferOption

DOWNLOAD = "attachment"
LINK_MINUTES = 60


def download_links(key: bytes, attachment_id: int, content_type: str) -> tuple[str, str | None]:
    """The hour-long signed download link of an attachment, and its inline link when it is a safe raster image.

    Give them only to someone who may see the file: the link itself is the permission.
    """
    expires = int((clock.now() + timedelta(minutes=LINK_MINUTES)).timestamp())
    signature = signing.sign(key, DOWNLOAD, attachment_id, expires)
    url = f"/api/v1/attachments/{attachment_id}/download?expires={expires}&signature={signature}"
    return url, f"{url}&view=inline" if content_type in PREVIEWABLE else None


def attachment_out(request: Request, row: Attachment) -> AttachmentOut:
    """An attachment with a download link valid for an hour, for someone who may see its case."""
    url, preview_url = download_links(request.app.state.link_key, row.id, row.content_type)
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        inline=row.inline,
        url=url,
        preview_url=preview_url,
    )


OFFER = "offer"


def offer_links(request: Request) -> Callable[[Offer, OfferOption | None], str]:
    """Links for an offer's email: one per option and one to say something else, valid until the offer expires.

    Each opens a page that asks to confirm; only its POST chooses.
    """
    base = str(request.app.state.settings.base_url).rstrip("/")
    key: bytes = request.app.state.link_key

    def link(offer: Offer, option: OfferOption | None) -> str:
        which = str(option.id) if option is not None else "other"
        expires = int(offer.expires_at.timestamp())
        signature = signing.sign(key, OFFER, f"{offer.id}:{which}", expires)
        return f"{base}/offers/{offer.id}/{which}?expires={expires}&signature={signature}"

    return link


def offer_link_valid(request: Request, offer_id: int, which: str, expires: int, signature: str) -> bool:
    return signing.valid(request.app.state.link_key, OFFER, f"{offer_id}:{which}", expires, signature, now=clock.now())
