"""Mail for admins (what came in, what was quarantined and why, reprocessing) and attachment downloads."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response

from sameside.attachments.rules import previewable
from sameside.http.deps import Admin, ReadSession
from sameside.http.links import DOWNLOAD
from sameside.http.offload import offload
from sameside.kit import clock, signing
from sameside.kit.errors import Forbidden, NotFound
from sameside.kit.ids import MAX_ID
from sameside.mail import queries
from sameside.mail.models import InboundState
from sameside.mail.schemas import InboundMailDetail, InboundMailOut, InboundMailPage, ReprocessOut

router = APIRouter()

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Types a browser could run or render with our origin's rights: always served as opaque bytes.
NEVER_INLINE = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml", "text/javascript")


_BYTES = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/attachments/{attachment_id}/download",
    tags=["attachments"],
    response_class=Response,
    responses={
        200: {
            "description": "The file, as an attachment download; with `view=inline`, a PNG, JPEG, GIF or WebP image "
            "is shown inline instead.",
            "content": {"*/*": _BYTES},
        }
    },
)
@offload
def download_attachment(
    attachment_id: Id,
    request: Request,
    session: ReadSession,
    expires: Annotated[int, Query(ge=0, le=2**40)],
    signature: Annotated[str, Query(max_length=100)],
    view: Literal["download", "inline"] = "download",
) -> Response:
    """Download an attachment through the signed, expiring link a case's timeline gave out.

    `view=inline` shows it in the page (a thumbnail) only when its bytes are a PNG, JPEG, GIF or WebP image,
    served as the type they show; anything else (SVG, HTML, PDF…) is still a download, whatever it claims.
    """
    if not signing.valid(request.app.state.link_key, DOWNLOAD, attachment_id, expires, signature, now=clock.now()):
        raise Forbidden("This download link is not valid, or it has expired; open the case again for a fresh one.")
    row = queries.attachment(session, attachment_id)
    path = request.app.state.blobs.path(row.sha256)
    if not path.is_file():
        raise NotFound("The file of this attachment is missing from storage; an admin can restore it from backup.")
    shown = None
    if view == "inline":
        with path.open("rb") as head:
            shown = previewable(head.read(64))
    if shown is not None:
        media_type, disposition = shown, "inline"
    else:
        safe = not row.content_type.startswith(NEVER_INLINE)
        media_type, disposition = (row.content_type if safe else "application/octet-stream"), "attachment"
    # X-Content-Type-Options: nosniff comes on every answer (`http.middleware.SecurityHeaders`).
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(row.filename, safe='')}",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/admin/mail", response_model=InboundMailPage, tags=["admin"])
@offload
def list_inbound_mail(
    _: Admin,
    session: ReadSession,
    state: InboundState | None = None,
    cursor: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboundMailPage:
    """Inbound mail, newest first; `state=quarantined` lists what needs an admin."""
    # Past the largest id there is, a cursor bounds nothing (and may not reach the database: PostgreSQL's
    # integer would overflow).
    before = int(cursor) if cursor and int(cursor) <= MAX_ID else None
    rows = queries.inbound_page(session, state=state, before=before, limit=limit + 1)
    items = [InboundMailOut.model_validate(r) for r in rows[:limit]]
    return InboundMailPage(items=items, next_cursor=str(items[-1].id) if len(rows) > limit else None)


@router.get("/admin/mail/{inbound_id}", response_model=InboundMailDetail, tags=["admin"])
@offload
def read_inbound_mail(inbound_id: Id, _: Admin, session: ReadSession) -> InboundMailDetail:
    row = queries.inbound(session, inbound_id)
    headers = BytesHeaderParser().parsebytes(row.raw[: 256 * 1024])
    shown: dict[str, str] = {}
    for name in ("From", "To", "Cc", "Subject", "Date"):
        value = headers.get(name)
        if value is not None:
            try:
                shown[name] = " ".join(str(make_header(decode_header(str(value)))).split())[:1000]
            except (ValueError, LookupError, UnicodeError):
                shown[name] = " ".join(str(value).split())[:1000]
    return InboundMailDetail(**InboundMailOut.model_validate(row).model_dump(), headers=shown)


@router.get(
    "/admin/mail/{inbound_id}/raw",
    tags=["admin"],
    response_class=Response,
    responses={200: {"description": "The message as it arrived.", "content": {"message/rfc822": _BYTES}}},
)
@offload
def download_inbound_mail(inbound_id: Id, _: Admin, session: ReadSession) -> Response:
    """The message exactly as it arrived, as an .eml download."""
    row = queries.inbound(session, inbound_id)
    return Response(
        row.raw,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="inbound-{row.id}.eml"'},
    )


@router.post("/admin/mail/{inbound_id}/reprocess", response_model=ReprocessOut, tags=["admin"])
@offload
def reprocess_inbound_mail(inbound_id: Id, _: Admin, request: Request, session: ReadSession) -> ReprocessOut:
    """File a quarantined or ignored message again (after a fix); a filed one is left as it is."""
    queries.inbound(session, inbound_id)  # 404 before any work
    outcome = request.app.state.intake().reprocess(inbound_id)
    return ReprocessOut(id=outcome.inbound_id, state=outcome.state, case_id=outcome.case_id, reason=outcome.reason)
