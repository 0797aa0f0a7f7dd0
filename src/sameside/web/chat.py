"""Live chat for any website: `/widget.js` and the `/ws/chat` socket it speaks to.

The widget runs on other sites, so this socket takes any Origin. A visitor
comes back to their chat with the token we gave their browser when it
started (kept in its local storage; we keep only a digest). Everything a
visitor says becomes a message on the case; everything a person answers
comes back. The visitor hears whether anyone in the chat's team is online
(`staff.presence`), and only then their place in the queue and what the wait
has really been lately; when nobody is, that their message is safe with us and
answered by email, or that they can book a call. Never a dead end, never an
invented number.

Who the visitor is, is proven, never typed (`chat.service.start`): the
portal's session cookie counts only when the socket is opened from this
site's own pages (the Origin is ours), because another site could otherwise
open it with a signed-in customer's cookie; anyone else follows the link we
mail to the address they gave (`/chat/confirm`), which also signs them in to
the portal, where the chat is then theirs.

A visitor sending faster than a person can read (`LINES_PER_MINUTE` per chat
or proven customer, `CLIENT_SHARE` times that per client address) is told to
slow down; the socket stays open and the draft is theirs to send again.

Files go by `POST /chat/files` (multipart: the chat's `token`, the `say` text
and `files`), as a socket carries no files well; the line then reaches both
sides like any other. The token is the only credential (no cookie), so any
site's widget may post it and read the answer. Files are checked as everywhere
(`attachments.rules`); the answer names each refused one, for the widget to
show under its file button, and the line goes with the rest. Each line the
visitor hears lists its files with signed, hour-long links, given only over
that chat's own socket and only for its own case's public messages.
"""

from __future__ import annotations

import contextlib
import functools
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlparse

import anyio
from fastapi import APIRouter, Depends, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sameside.attachments import rules as files_rules
from sameside.auth import service as auth
from sameside.business import service as business
from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.chat import queries as chat_queries
from sameside.chat import service as chat
from sameside.chat.models import ChatSession
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.http import uploads
from sameside.http.deps import SESSION_COOKIE, AppSettings, Write, set_session_cookies
from sameside.http.limits import doorman
from sameside.http.links import download_links
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import DomainError, TooManyRequests
from sameside.kit.ratelimit import RateLimiter
from sameside.knowledge import reading
from sameside.live.hub import Hub, Subscription
from sameside.web.deps import FormWithFiles, PostedForm, form_reader
from sameside.web.pages import page

router = APIRouter(include_in_schema=False)

MAX_MESSAGE = 16 * 1024
STATIC = Path(__file__).parent / "static"
STARTS_PER_HOUR = 20
"""New chats one client address may start in an hour."""
LINES_PER_MINUTE = 20
"""Lines one chat visitor (one chat, or one proven customer across their chats) may send in a minute."""
CLIENT_SHARE = 5
"""A client address may send this many visitors' worth: a whole office can sit behind one address."""
Form = Annotated[PostedForm, Depends(form_reader(4096, max_fields=4))]
CHATS_TOPIC = "chats"
"""Someone's presence changed: every open widget asks again whether anyone is online."""
FILE_LINES_PER_HOUR = 30
"""Lines with files one chat visitor may send in an hour (besides `LINES_PER_MINUTE`): storage is not a dropbox."""


class ChatLimits:
    """The chat's rate limits, kept per server process (`kit.ratelimit`)."""

    def __init__(self, *, lines_per_minute: int = LINES_PER_MINUTE) -> None:
        self.starts = RateLimiter(STARTS_PER_HOUR, 3600)
        self.lines_per_visitor = RateLimiter(lines_per_minute, 60)
        self.lines_per_client = RateLimiter(lines_per_minute * CLIENT_SHARE, 60)
        self.file_lines = RateLimiter(FILE_LINES_PER_HOUR, 3600)


@router.get("/widget.js")
def widget(settings: AppSettings) -> Response:
    """The embeddable chat: `<script src="https://desk.example.com/widget.js" defer></script>`.

    The company's greeting goes in as a JSON literal (`json.dumps` escapes what could end the script).
    """
    brand = business.latest()  # the greeting, name and colours the admin centre keeps
    config = json.dumps(
        {
            "greeting": brand.chat_greeting,
            "name": brand.display_name,
            "primary": brand.primary_colour,
            "accent": brand.accent_colour,
            "logo": f"{settings.base_url.rstrip('/')}{brand.logo_url}" if brand.logo_url else None,
            "max_files": settings.attachments_per_message,
            "max_file_mb": round(settings.attachment_max_bytes / (1024 * 1024), 1),
        }
    ).replace("<", "\\u003c")
    return Response(
        _widget_source().replace("/*CONFIG*/{}", config, 1),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


@functools.cache
def _widget_source() -> str:
    return (STATIC / "widget.js").read_text(encoding="utf-8")


@router.websocket("/ws/chat")
async def chat_socket(ws: WebSocket) -> None:
    db: Database = ws.app.state.db
    hub: Hub = ws.app.state.hub
    await ws.accept()
    subscription: Subscription | None = None
    try:
        signed_in = await _signed_in(ws, db)
        current = await _open(ws, db, signed_in)
        if current is None:
            return
        # The staff topic only wakes the state up (someone took the chat); its content is never forwarded.
        subscription = hub.subscribe({f"case:{current.case_id}", f"case:{current.case_id}:staff", CHATS_TOPIC})
        last = await _send_state(ws, db, hub, current, after=0)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_forward, ws, db, hub, current, subscription, last)
            await _listen(ws, db, current, ws.client.host if ws.client else "-")
            tasks.cancel_scope.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        if subscription is not None:
            hub.unsubscribe(subscription)


async def _signed_in(ws: WebSocket, db: Database) -> CustomerActor | None:
    """The portal customer opening this socket, when it is opened from our own pages with their cookie."""
    origin = ws.headers.get("origin")
    cookie = ws.cookies.get(SESSION_COOKIE)
    if origin is None or urlparse(origin).netloc != ws.headers.get("host") or not cookie:
        return None
    found: CustomerActor | None = await _run(db, _customer_of_cookie, cookie)
    return found


async def _open(ws: WebSocket, db: Database, signed_in: CustomerActor | None) -> ChatSession | None:
    """The first message either resumes a chat by its token or starts one."""
    first = await _receive(ws)
    if first is None:
        return None
    if "resume" in first:
        found: ChatSession | None = await _run(db, _resume, str(first["resume"]), signed_in)
        if found is None:
            await ws.send_json({"type": "expired", "detail": "That chat is over; start a new one."})
            return None
        return found
    start = first.get("start")
    if not isinstance(start, dict):
        await ws.send_json({"type": "error", "detail": 'Send {"start": {...}} or {"resume": token} first.'})
        return None
    client = ws.client.host if ws.client else "-"
    settings: Settings = ws.app.state.settings
    try:
        limits: ChatLimits = ws.app.state.chat_limits
        limits.starts.hit(client)
        started: chat.Started = await _run(
            db,
            _start,
            str(start.get("name", "")),
            str(start.get("email", "")),
            str(start.get("message", "")),
            signed_in,
            f"{settings.base_url.rstrip('/')}/chat/confirm",
            _article_ids(start.get("read")),
        )
    except DomainError as error:
        await ws.send_json({"type": "error", "detail": error.detail})
        return None
    await ws.send_json(
        {
            "type": "started",
            "token": started.token,
            "case": started.chat.case_id,
            "verified": started.chat.verified_at is not None,
            "confirm_to": started.chat.claimed_email,
        }
    )
    return started.chat


async def _listen(ws: WebSocket, db: Database, current: ChatSession, client: str) -> None:
    limits: ChatLimits = ws.app.state.chat_limits
    while True:
        message = await _receive(ws)
        if message is None:
            return
        if isinstance(message.get("callback"), dict):
            await _book(ws, db, current, message["callback"])
            continue
        text = message.get("say")
        if not isinstance(text, str):
            await ws.send_json({"type": "error", "detail": 'Send {"say": "..."}.'})
            continue
        try:
            limits.lines_per_client.hit(client)
            await _run(db, _say, current, text, limits.lines_per_visitor)
        except TooManyRequests as error:
            wait = error.retry_after
            await ws.send_json(
                {
                    "type": "slow_down",
                    "detail": f"You are writing faster than we can read. Wait {wait} seconds, then send it again.",
                    "retry_after": wait,
                }
            )
        except DomainError as error:
            await ws.send_json({"type": "error", "detail": error.detail})


async def _book(ws: WebSocket, db: Database, current: ChatSession, request: dict[str, Any]) -> None:
    policy: callbacks.Policy = ws.app.state.callback_policy
    try:
        starts_at = datetime.fromisoformat(str(request.get("slot", "")))
        if starts_at.tzinfo is None:
            raise ValueError
    except ValueError:
        await ws.send_json({"type": "error", "detail": "Pick a time from the list."})
        return
    try:
        await _run(db, _book_call, current, policy, starts_at.astimezone(UTC), str(request.get("phone", "")))
    except DomainError as error:
        await ws.send_json({"type": "error", "detail": error.detail})
        return
    label = starts_at.astimezone(policy.hours.zone).strftime("%a %d %b, %H:%M")
    await ws.send_json({"type": "callback", "when": f"{label} ({policy.hours.zone})"})


async def _forward(
    ws: WebSocket, db: Database, hub: Hub, current: ChatSession, subscription: Subscription, last: int
) -> None:
    """When the case changes, send the visitor the new lines (public only) and the queue."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            event = await subscription.queue.get()
            if event.get("type") == "presence":
                continue
            last = await _send_state(ws, db, hub, current, after=last)


async def _send_state(ws: WebSocket, db: Database, hub: Hub, current: ChatSession, *, after: int) -> int:
    policy: callbacks.Policy = ws.app.state.callback_policy
    lines, wait, slots, verified = await _run(db, _state, current, after, policy)
    online = wait.people_online > 0
    key: bytes = ws.app.state.link_key
    for line in lines:
        shown = asdict(line)
        for file in shown["files"]:
            file["url"], file["preview_url"] = download_links(key, file["id"], file["content_type"])
        await ws.send_json({"type": "line", **shown})
    await ws.send_json(
        {
            "type": "queue",
            "verified": verified,
            "position": wait.position,
            "typical_seconds": wait.typical_seconds,
            "people_online": online,
            "person": wait.person,
            # Nobody here: the visitor may leave it at that (the message is safe) or book a call.
            "callback_slots": [
                {"value": s.isoformat(), "label": s.astimezone(policy.hours.zone).strftime("%a %d %b, %H:%M")}
                for s in slots
            ],
            "callback_zone": str(policy.hours.zone),
        }
    )
    return lines[-1].id if lines else after


async def _receive(ws: WebSocket) -> dict[str, Any] | None:
    try:
        text = await ws.receive_text()
    except WebSocketDisconnect:
        return None
    if len(text) > MAX_MESSAGE:
        await ws.send_json({"type": "error", "detail": "That message is too long for chat; please shorten it."})
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


# ---------------------------------------------------------------- database work (a unit of work each)


def _customer_of_cookie(db: Database, cookie: str) -> CustomerActor | None:
    with db.unit_of_work(write=False) as session:
        resolved = auth.resolve_session(session, cookie)
    return resolved.actor if resolved is not None and isinstance(resolved.actor, CustomerActor) else None


def _article_ids(read: object) -> list[int]:
    """The articles the widget says the visitor opened while writing (`read`: a list of ids); anything else, none."""
    if not isinstance(read, list):
        return []
    return [i for i in read[: reading.READS_PER_CHAT] if isinstance(i, int) and not isinstance(i, bool)]


def _start(
    db: Database,
    name: str,
    email: str,
    message: str,
    signed_in: CustomerActor | None,
    confirm_link: str,
    read: list[int],
) -> chat.Started:
    with db.unit_of_work() as session:
        started = chat.start(
            session, name=name, email=email, message=message, signed_in=signed_in, confirm_link=confirm_link
        )
        session.flush()
        # Read an article beside the question and still wrote: counted as the portal counts it (P13).
        reading.record_reads_before_chat(session, started.chat.case_id, read)
        session.expunge(started.chat)
        return started


def _resume(db: Database, token: str, signed_in: CustomerActor | None) -> ChatSession | None:
    # Only a signed-in visitor's return can change anything (it files an unproven chat on their record).
    with db.unit_of_work(write=signed_in is not None) as session:
        found = chat.resume(session, token, signed_in=signed_in)
        if found is not None:
            if signed_in is not None:
                reading.reads_follow_case(session, found.case_id)  # filed on them just now, perhaps
            session.flush()
            session.expunge(found)
        return found


def _say(db: Database, current: ChatSession, text: str, per_visitor: RateLimiter) -> None:
    with db.unit_of_work() as session:
        now = chat_queries.chat_now(session, current.id)
        # One chat until proven; then the customer, across every chat they have open.
        per_visitor.hit(f"customer:{now.customer_id}" if now.verified_at else f"chat:{now.id}")
        chat.say(session, current.id, text)


def _state(
    db: Database, current: ChatSession, after: int, policy: callbacks.Policy
) -> tuple[list[chat.Line], chat.Wait, list[datetime], bool]:
    with db.unit_of_work(write=False) as session:
        now = chat_queries.chat_now(session, current.id)
        wait = chat.wait(session, now)
        # Nobody online: the visitor may leave it at that (the message is safe) or book a call.
        slots = callbacks.free_slots(session, policy)[:8] if not wait.people_online else []
        return chat.transcript(session, now, after=after), wait, slots, now.verified_at is not None


def _book_call(db: Database, current: ChatSession, policy: callbacks.Policy, starts_at: datetime, phone: str) -> None:
    with db.unit_of_work() as session:
        now = chat_queries.chat_now(session, current.id)
        visitor = CustomerActor(now.customer_id)
        case = case_for(session, visitor, now.case_id, for_update=True)
        callbacks.book(session, visitor, case, policy, starts_at=starts_at, phone=phone)


# ---------------------------------------------------------------- files from the widget


@router.post("/chat/files", response_model=None)
@offload
def send_files(request: Request, form: FormWithFiles, write: Write) -> Response:
    """A visitor's line with files: sent when words or a file passed; each refused file named in the answer."""
    if form.too_large:
        return _answer(413, detail="That is too much to send at once; send fewer files, or smaller ones.")
    checked = files_rules.check(form.files, uploads.limits(request))
    limits: ChatLimits = request.app.state.chat_limits
    try:
        with write() as session:
            found = chat.resume(session, form.get("token"))
            if found is None:
                return _answer(403, detail="That chat is over; start a new one.")
            visitor = f"customer:{found.customer_id}" if found.verified_at else f"chat:{found.id}"
            limits.lines_per_client.hit(request.client.host if request.client else "-")
            limits.lines_per_visitor.hit(visitor)
            if checked.accepted:
                limits.file_lines.hit(visitor)
            chat.say_with_files(session, found.id, form.get("say"), checked, request.app.state.blobs.put)
    except TooManyRequests as error:
        return _answer(
            429,
            detail=f"You are sending faster than we can read. Wait {error.retry_after} seconds, then send it again.",
            retry_after=error.retry_after,
        )
    except DomainError as error:
        return _answer(error.status, detail=error.detail)
    refused = [{"filename": r.filename, "reason": r.reason} for r in checked.refused]
    return _answer(201, sent=True, refused=refused, detail=f"Not attached: {checked.message}." if refused else "")


def _answer(status: int, *, retry_after: int | None = None, **content: Any) -> JSONResponse:
    # Any site's widget reads the answer: the token in the form is the only credential, never a cookie.
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"sent": False, "refused": [], **content}, status_code=status, headers=headers)


# ---------------------------------------------------------------- the link mailed to a visitor's address


@router.get("/chat/confirm", response_class=HTMLResponse)
@offload
def confirm_landing(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Where the confirmation link lands. One click uses it: mail scanners open links too."""
    return page(request, "chat_confirm.html", token=token)


@router.post("/chat/confirm", response_model=None)
@offload
def confirm(request: Request, form: Form, write: Write, settings: AppSettings) -> Response:
    """The visitor owns the address they typed: the chat is filed on its customer, who is now signed in."""
    with write() as session:
        try:
            doorman(request).knock(request, "magic_link_redeem")
            confirmed = chat.confirm(session, form.get("token", ""))
            reading.reads_follow_case(session, confirmed.chat.case_id)
        except DomainError as error:
            refusal = page(request, "chat_confirm.html", status_code=error.status, error=error.detail, token="")
            if isinstance(error, TooManyRequests):
                refusal.headers["Retry-After"] = str(error.retry_after)
            return refusal
        issued = auth.open_session(session, customer=confirmed.customer, days=settings.session_days)
        response = RedirectResponse(f"/portal/cases/{confirmed.chat.case_id}", status_code=303)
        set_session_cookies(response, settings, issued)
        return response


async def _run(db: Database, fn: Any, *args: Any) -> Any:
    if db.is_sqlite:
        return fn(db, *args)
    return await anyio.to_thread.run_sync(fn, db, *args)
