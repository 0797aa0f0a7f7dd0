"""Replies and notes with files, for integrations: multipart/form-data beside the JSON endpoints.

`POST /cases/{number}/replies/with-files` and `/notes/with-files` take the
same fields as their JSON twins, as form fields, plus any number of `files`
parts. Files that pass our checks go with the message (and a staff reply's
email); each refused one is listed in `refused` with its reason, and the
message still goes. Downloads use the signed links in `attachments`.

Both take an `Idempotency-Key` as their JSON twins do: a retry with the same
key, fields and files gets the first answer (`Idempotent-Replayed: true`)
and posts nothing twice; the same key with other fields or files is a 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Request, UploadFile, status
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from sameside.api import presenters
from sameside.attachments import rules
from sameside.attachments import service as attachments
from sameside.cases import queries, service
from sameside.cases.access import case_for
from sameside.cases.rules import CaseStatus
from sameside.cases.schemas import DeliveryOut, TimelineEntryOut
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http import uploads
from sameside.http.deps import AppSettings, StaffUser, User, Write
from sameside.http.idempotency import IdempotencyKey, Once, for_files
from sameside.http.links import attachment_out
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import Forbidden
from sameside.kit.ids import MAX_ID
from sameside.kit.schema import Output
from sameside.mail.schemas import AttachmentOut

router = APIRouter(prefix="/cases", tags=["cases", "attachments"])

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")]
Body = Annotated[str, Form(min_length=1, max_length=100_000)]
Files = Annotated[
    list[UploadFile],
    File(description="Files to attach (repeat the part). Each is checked by its bytes; refused ones are listed."),
]


class RefusedFile(Output):
    filename: str
    reason: str
    """Why, in words to show the person who sent it: "31 MB, over the 25 MB limit", "programs are not accepted"."""


class EntryWithFiles(Output):
    entry: TimelineEntryOut
    delivery: DeliveryOut | None = None
    """Staff replies only: where it went."""
    attachments: list[AttachmentOut]
    refused: list[RefusedFile]


async def _read(request: Request, files: list[UploadFile]) -> list[rules.Upload]:
    limits = uploads.limits(request)
    return [await uploads.read(f, limits.max_bytes) for f in files]


def _once(session: Session, once: Once | None, build: Callable[[], EntryWithFiles]) -> EntryWithFiles | Response:
    """`build` the answer, unless this is a retry with a kept one; with a key, keep the answer for retries."""
    if once is None:
        return build()
    replayed = once.replay(session)
    if replayed is not None:
        return replayed
    return once.keep(session, build())


def _data(files: rules.Sorted) -> dict[str, list[str]] | None:
    return {"files_refused": [str(r) for r in files.refused]} if files.refused else None


@router.post("/{number}/replies/with-files", status_code=status.HTTP_201_CREATED, response_model=EntryWithFiles)
async def reply_with_files(
    number: CaseNumber,
    request: Request,
    actor: User,
    write: Write,
    settings: AppSettings,
    body: Body,
    files: Files = [],  # noqa: B006 - FastAPI copies a parameter's default; never shared
    case_status: Annotated[CaseStatus | None, Form(alias="status")] = None,
    channel: Annotated[Channel | None, Form()] = None,
    send_now: Annotated[bool, Form()] = False,
    idempotency_key: IdempotencyKey = None,
) -> EntryWithFiles | Response:
    """`POST /cases/{number}/replies` with files: staff reply (their email carries the files), customers write."""
    if isinstance(actor, CustomerActor) and (channel is not None or send_now or case_status is not None):
        raise Forbidden("`status`, `channel` and `send_now` are for staff; leave them out.")
    read = await _read(request, files)
    fields = {"body": body, "status": case_status, "channel": channel, "send_now": send_now}
    once = for_files(request, actor, idempotency_key, fields, read)
    checked = rules.check(read, uploads.limits(request))

    def post(session: Session) -> EntryWithFiles:
        case = case_for(session, actor, number, for_update=True)
        if isinstance(actor, CustomerActor):
            entry = service.receive_message(session, actor, case, body, data=_data(checked))
        else:
            entry = service.reply(
                session,
                actor,
                case,
                body,
                status=case_status,
                channel=channel,
                send_now=send_now,
                portal=f"{settings.base_url.rstrip('/')}/portal",
                files=checked.accepted,
                data=_data(checked),
            )
        return _answer(request, session, actor, case.id, entry.id, checked)

    def work() -> EntryWithFiles | Response:
        with write() as session:
            return _once(session, once, lambda: post(session))

    return await run_in_threadpool(work)


@router.post("/{number}/notes/with-files", status_code=status.HTTP_201_CREATED, response_model=EntryWithFiles)
async def note_with_files(
    number: CaseNumber,
    request: Request,
    actor: StaffUser,
    write: Write,
    body: Body,
    files: Files = [],  # noqa: B006 - FastAPI copies a parameter's default; never shared
    idempotency_key: IdempotencyKey = None,
) -> EntryWithFiles | Response:
    """`POST /cases/{number}/notes` with files: an internal note, never shown to the customer."""
    read = await _read(request, files)
    once = for_files(request, actor, idempotency_key, {"body": body}, read)
    checked = rules.check(read, uploads.limits(request))

    def post(session: Session) -> EntryWithFiles:
        case = case_for(session, actor, number, for_update=True)
        entry = service.add_note(session, actor, case, body, data=_data(checked))
        return _answer(request, session, actor, case.id, entry.id, checked)

    def work() -> EntryWithFiles | Response:
        with write() as session:
            return _once(session, once, lambda: post(session))

    return await run_in_threadpool(work)


def _answer(
    request: Request,
    session: Session,
    actor: StaffActor | CustomerActor,
    case_id: int,
    entry_id: int,
    checked: rules.Sorted,
) -> EntryWithFiles:
    rows = attachments.attach(
        session, request.app.state.blobs.put, case_id=case_id, entry_id=entry_id, files=checked.accepted
    )
    out = presenters.entry_out(queries.timeline_entry(session, entry_id), for_customer=isinstance(actor, CustomerActor))
    return EntryWithFiles(
        entry=out,
        delivery=presenters.delivery_out(out) if isinstance(actor, StaffActor) else None,
        attachments=[attachment_out(request, row) for row in rows],
        refused=[RefusedFile(filename=r.filename, reason=r.reason) for r in checked.refused],
    )
