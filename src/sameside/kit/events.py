"""In-process domain events that ride the transaction.

A service publishes an event on the session it was given; handlers subscribed
in `wiring.py` run only after that transaction commits, and never if it rolls
back. This is how a lower package lets a higher one react without importing
upward.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    name: str
    data: dict[str, Any] = field(default_factory=dict)


class Bus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, name: str, handler: Handler) -> None:
        self._handlers[name].append(handler)

    def deliver(self, events: list[Event]) -> None:
        """Run handlers for committed events; a failing handler is logged, never raised."""
        for event in events:
            for handler in self._handlers.get(event.name, ()):
                try:
                    handler(event)
                except Exception:
                    log.exception("event handler failed for %s", event.name)


bus = Bus()

PENDING_KEY = "sameside.pending_events"


def publish(session_info: dict[str, Any], name: str, **data: Any) -> None:
    """Queue an event on a session's `info` dict; `db.unit_of_work` delivers it after commit."""
    session_info.setdefault(PENDING_KEY, []).append(Event(name, data))
