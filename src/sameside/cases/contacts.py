"""New contacts, heard in their own transaction by the packages above cases (wired in `wiring`).

A package that must react to a customer's new contact before it commits —
the incidents package links a contact about a declared incident and says the
incident's status in its acknowledgement (P11) — cannot be imported by cases.
It registers here instead, once, from the composition root:

- `heard(session, case, first)` runs as a new case opens, after routing;
- `acknowledging(session, case, body)` may add to the automatic acknowledgement.

With nothing registered (or nothing that matches) both cost nothing: the
listeners keep what they match against in memory, so the hot path of intake
gains no query.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from sameside.cases.models import Case, TimelineEntry

Heard = Callable[[Session, Case, TimelineEntry], None]
Acknowledging = Callable[[Session, Case, str], str]

_heard: list[Heard] = []
_acknowledging: list[Acknowledging] = []


def listen(*, heard: Heard | None = None, acknowledging: Acknowledging | None = None) -> None:
    """Register listeners; registering the same one again changes nothing (tests wire many apps)."""
    if heard is not None and heard not in _heard:
        _heard.append(heard)
    if acknowledging is not None and acknowledging not in _acknowledging:
        _acknowledging.append(acknowledging)


def heard(session: Session, case: Case, first: TimelineEntry) -> None:
    for listener in _heard:
        listener(session, case, first)


def acknowledging(session: Session, case: Case, body: str) -> str:
    for listener in _acknowledging:
        body = listener(session, case, body)
    return body
