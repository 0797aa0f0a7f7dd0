"""Telling the audit log who is acting on this request (`audit.context`), from the edge that knows.

Called by the dependencies that resolve who is asking (`http.deps` for the
API, `web.deps` for the desk) in async code on the request's own task, so what
they set reaches the route, and the threads it runs in copy it from there.
"""

from __future__ import annotations

import re
import uuid

from fastapi import Request

from sameside.audit.context import Acting, Via, act_as
from sameside.kit import logs
from sameside.kit.actors import CustomerActor, StaffActor

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
AGENT_LIMIT = 200


def note(request: Request, actor: StaffActor | CustomerActor | None, via: Via) -> None:
    """From here on, this request's changes are `actor`'s if on staff; nobody's (for the log) otherwise."""
    if not isinstance(actor, StaffActor):
        act_as(None)
        return
    sent = request.headers.get("x-request-id", "")
    agent = request.headers.get("user-agent") or None
    act_as(
        Acting(
            staff_id=actor.staff_id,
            role=actor.role,
            via=via,
            client=request.client.host[:64] if request.client else None,
            agent=agent[:AGENT_LIMIT] if agent else None,
            # The id `http.observe` gave this request, so the audit log, the log lines and the answer agree.
            request_id=logs.request_id() or (sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex[:16]),
        )
    )
