"""Live chat for any website: `/widget.js` and the `/ws/chat` socket it speaks to.

The widget runs on other sites, so this socket takes any Origin: it carries
no cookie and no ambient authority. A visitor proves who they are with the
token we gave their browser when the chat started (kept in its local
storage; we keep only a digest). Everything a visitor says becomes a message
on the case; everything a person answers comes back. The visitor hears their
place in the queue, what the wait has really been lately, and whether anyone
is online — and when nobody is, that their message is safe with us and the
answer will come by email. Never a dead end.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

from sameside.callbacks import service as callbacks
from sameside.cases.access import case_for
from sameside.chat import service as chat
from sameside.chat.models import ChatSession
from sameside.db.engine import Database
from sameside.kit.actors import CustomerActor
from sameside.kit.errors import DomainError
from sameside.kit.ratelimit import RateLimiter
from sameside.live.hub import Hub, Subscription

router = APIRouter(include_in_schema=False)

MAX_MESSAGE = 16 * 1024
STATIC = Path(__file__).parent / "static"
STARTS_PER_HOUR = 20
"""New chats one client address may start in an hour."""


@router.get("/widget.js")
def widget() -> FileResponse:
    """The embeddable chat: `<script src="https://desk.example.com/widget.js" defer></script>`."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"},
    )


@router.websocket("/ws/chat")
async def chat_socket(ws: WebSocket) -> None:
    db: Database = ws.app.state.db
    hub: Hub = ws.app.state.hub
    await ws.accept()
    subscription: Subscription | None = None
    try:
        current = await _open(ws, db)
        if current is None:
            return
        subscription = hub.subscribe({f"case:{current.case_id}"})
        last = await _send_state(ws, db, hub, current, after=0)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_forward, ws, db, hub, current, subscription, last)
            await _listen(ws, db, current)
            tasks.cancel_scope.cancel()
    except WebSocketDisconnect:
        pass
    finally:
        if subscription is not None:
            hub.unsubscribe(subscription)


async def _open(ws: WebSocket, db: Database) -> ChatSession | None:
    """The first message either resumes a chat by its token or starts one."""
    first = await _receive(ws)
    if first is None:
        return None
    if "resume" in first:
        found: ChatSession | None = await _run(db, _resume, str(first["resume"]))
        if found is None:
            await ws.send_json({"type": "expired", "detail": "That chat is over; start a new one."})
            return None
        return found
    start = first.get("start")
    if not isinstance(start, dict):
        await ws.send_json({"type": "error", "detail": 'Send {"start": {...}} or {"resume": token} first.'})
        return None
    client = ws.client.host if ws.client else "-"
    try:
        starts: RateLimiter = ws.app.state.chat_starts
        starts.hit(client)
        started: chat.Started = await _run(
            db, _start, str(start.get("name", "")), str(start.get("email", "")), str(start.get("message", ""))
        )
    except DomainError as error:
        await ws.send_json({"type": "error", "detail": error.detail})
        return None
    await ws.send_json({"type": "started", "token": started.token, "case": started.chat.case_id})
    return started.chat


async def _listen(ws: WebSocket, db: Database, current: ChatSession) -> None:
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
            await _run(db, _say, current, text)
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
    online = hub.staff_online()
    policy: callbacks.Policy = ws.app.state.callback_policy
    lines, wait, slots = await _run(db, _state, current, after, None if online else policy)
    for line in lines:
        await ws.send_json({"type": "line", **asdict(line)})
    await ws.send_json(
        {
            "type": "queue",
            "position": wait.position,
            "typical_seconds": wait.typical_seconds,
            "people_online": online,
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


def _start(db: Database, name: str, email: str, message: str) -> chat.Started:
    with db.unit_of_work() as session:
        return chat.start(session, name=name, email=email, message=message)


def _resume(db: Database, token: str) -> ChatSession | None:
    with db.unit_of_work(write=False) as session:
        found = chat.resume(session, token)
        if found is not None:
            session.expunge(found)
        return found


def _say(db: Database, current: ChatSession, text: str) -> None:
    with db.unit_of_work() as session:
        chat.say(session, current, text)


def _state(
    db: Database, current: ChatSession, after: int, policy: callbacks.Policy | None
) -> tuple[list[chat.Line], chat.Wait, list[datetime]]:
    with db.unit_of_work(write=False) as session:
        slots = callbacks.free_slots(session, policy)[:8] if policy is not None else []
        return chat.transcript(session, current, after=after), chat.wait(session, current), slots


def _book_call(db: Database, current: ChatSession, policy: callbacks.Policy, starts_at: datetime, phone: str) -> None:
    with db.unit_of_work() as session:
        visitor = CustomerActor(current.customer_id)
        case = case_for(session, visitor, current.case_id, for_update=True)
        callbacks.book(session, visitor, case, policy, starts_at=starts_at, phone=phone)


async def _run(db: Database, fn: Any, *args: Any) -> Any:
    if db.is_sqlite:
        return fn(db, *args)
    return await anyio.to_thread.run_sync(fn, db, *args)
