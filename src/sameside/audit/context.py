"""Who is acting on this request: the staff member, and from where.

The one exception to "the actor is an argument": the audit log must see every
change a staff member's request makes, including those of features written
after it, without each service passing it along. So the HTTP edge, once it
knows a staff member is asking, says so here (`act_as`), and the flush
listener (`audit.recorder`) reads it. Nothing else may read it to decide
anything: services keep taking their actor as an argument.

It is a context variable, so it belongs to one request (one asyncio task, and
the threads a task hands its work to copy it). Nothing sets it for customers,
mail, the worker or the command line, so their changes are never written down
as a staff member's.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from sameside.kit.actors import Role

Via = Literal["api", "desk"]


@dataclass(frozen=True)
class Acting:
    staff_id: int
    role: Role
    via: Via
    client: str | None = None
    """The address the request came from (the proxy's, unless it passes the client's on)."""
    agent: str | None = None
    """The browser or tool, as its User-Agent says, cut short."""
    request_id: str | None = None


_ACTING: ContextVar[Acting | None] = ContextVar("sameside_audit_acting", default=None)


def act_as(acting: Acting | None) -> None:
    """From here to the end of this request, changes are `acting`'s (None: nobody's on staff)."""
    _ACTING.set(acting)


def acting() -> Acting | None:
    return _ACTING.get()
