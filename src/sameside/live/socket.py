"""`/ws/live`: the WebSocket an open page listens on for changes, and tells who is looking.

The socket is opened by our own pages only (the Origin must be this site:
no other site can open it with a visitor's cookies), with the page's session
cookie. Staff hear the `desk` topic (queues) and their own `staff:<id>` (their
notifications); a page may watch a case it may
see — the same `case_for` check as loading it. Staff watching a case are
announced to its other viewers.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any
from urllib.parse import urlparse

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from sameside.auth import service as auth
from sameside.cases.access import case_for
from sameside.db.engine import Database
from sameside.http.deps import SESSION_COOKIE
from sameside.kit.actors import CustomerActor, StaffActor
from sameside.kit.errors import DomainError
from sameside.live.hub import Hub, Subscription
from sameside.staff.queries import get_staff

router = APIRouter(include_in_schema=False)

POLICY_VIOLATION = 1008
MAX_MESSAGE = 1024


@router.websocket("/ws/live")
async def live(ws: WebSocket) -> None:
    origin = ws.headers.get("origin")
    if origin is None or urlparse(origin).netloc != ws.headers.get("host"):
        await ws.close(code=POLICY_VIOLATION, reason="This socket is for this site's own pages.")
        return
    db: Database = ws.app.state.db
    hub: Hub = ws.app.state.hub
    who = await _run(db, _who, ws.cookies.get(SESSION_COOKIE))
    if who is None:
        await ws.close(code=POLICY_VIOLATION, reason="Sign in first.")
        return
    actor, name = who
    await ws.accept()
    subscription = hub.subscribe({"desk", f"staff:{actor.staff_id}"} if isinstance(actor, StaffActor) else set())
    watching: list[str] = []
    try:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_send_updates, ws, subscription)
            await _read_requests(ws, db, hub, subscription, actor, name, watching)
            tasks.cancel_scope.cancel()
    finally:
        hub.unsubscribe(subscription)
        for topic in watching:
            hub.publish(topic, {"type": "presence", "name": name, "joined": False})  # staff topics only


async def _send_updates(ws: WebSocket, subscription: Subscription) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await ws.send_json(await subscription.queue.get())


async def _read_requests(
    ws: WebSocket,
    db: Database,
    hub: Hub,
    subscription: Subscription,
    actor: StaffActor | CustomerActor,
    name: str,
    watching: list[str],
) -> None:
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            text = await ws.receive_text()
            if len(text) > MAX_MESSAGE:
                await ws.send_json({"type": "error", "detail": "Message too long."})
                continue
            try:
                request = json.loads(text)
                number = int(str(request["watch"]).removeprefix("case:"))
            except (ValueError, KeyError, TypeError):
                await ws.send_json({"type": "error", "detail": 'Send {"watch": "case:<number>"}.'})
                continue
            if not await _run(db, _may_see, actor, number):
                await ws.send_json({"type": "error", "detail": f"There is no case {number}."})
                continue
            topic = f"case:{number}"
            subscription.add(topic)
            # Who on staff has the case open is for staff: it travels on the staff topic, never to the customer.
            staff_topic = f"{topic}:staff"
            if isinstance(actor, StaffActor):
                subscription.add(staff_topic)
                if staff_topic not in watching:
                    watching.append(staff_topic)
                    hub.publish(staff_topic, {"type": "presence", "name": name, "joined": True})
            viewers = hub.viewers(staff_topic) if isinstance(actor, StaffActor) else []
            await ws.send_json({"type": "watching", "topic": topic, "viewers": viewers})
            since = request.get("since")
            if isinstance(since, int | float) and since > 0 and hub.changed_since(topic, since / 1000):
                # Changed after the page began reading and before it listened: it fetches itself again.
                await ws.send_json({"type": "changed", "topic": topic, "missed": True})


def _who(db: Database, token: str | None) -> tuple[StaffActor | CustomerActor, str] | None:
    if not token:
        return None
    with db.unit_of_work(write=False) as session:
        resolved = auth.resolve_session(session, token)
        if resolved is None:
            return None
        if isinstance(resolved.actor, StaffActor):
            return resolved.actor, get_staff(session, resolved.actor.staff_id).name
        return resolved.actor, "customer"


def _may_see(db: Database, actor: StaffActor | CustomerActor, number: int) -> bool:
    with db.unit_of_work(write=False) as session:
        try:
            case_for(session, actor, number)
        except DomainError:
            return False
    return True


async def _run(db: Database, fn: Any, *args: Any) -> Any:
    """SQLite answers in microseconds on the loop; PostgreSQL goes to a worker thread."""
    if db.is_sqlite:
        return fn(db, *args)
    return await anyio.to_thread.run_sync(fn, db, *args)
