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


def attachment_out(request: Request, row: Attachment) -> AttachmentOut:
    """An attachment with a download link valid for an hour, for someone who may see its case."""
    expires = int((clock.now() + timedelta(minutes=LINK_MINUTES)).timestamp())
    signature = signing.sign(request.app.state.link_key, DOWNLOAD, row.id, expires)
    url = f"/api/v1/attachments/{row.id}/download?expires={expires}&signature={signature}"
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        inline=row.inline,
        url=url,
        preview_url=f"{url}&view=inline" if row.content_type in PREVIEWABLE else None,
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
