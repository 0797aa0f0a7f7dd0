"""What every desk page shares: the queue tabs, and the shape of a desk form that is not about one case.

Who is at the desk comes from the `DeskAgent` dependency (`web.deps`); a form
about one case is `desk._act`, which draws the case page again on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.web.deps import Agent, PostedForm, Problem, act, go
from sameside.web.pages import page


@dataclass(frozen=True)
class QueueView:
    key: str
    label: str
    explain: str


VIEWS = (
    QueueView("mine", "Mine", "Cases you own that are not resolved."),
    QueueView("team", "My team", "Your team's cases that need someone: new, open or waiting on us."),
    QueueView("unowned", "Unowned", "New and open cases in your team that nobody has taken yet."),
    QueueView("internal", "Waiting on internal", "Cases waiting on a colleague or department, yours or your team's."),
    QueueView(
        "due", "Due soon", "Customers waiting on us longest: at or near the time they should have heard from a person."
    ),
)


def desk_action(request: Request, agent: Agent, form: PostedForm, work: Callable[[Session], str]) -> Response:
    """A desk form not about one case: do it, then go where `work` says; a refusal is a short page saying why."""

    def refused(_: Session, problem: Problem) -> Response:
        return page(request, "desk_refused.html", status_code=problem[0], error=problem[1])

    return act(request, agent.csrf, form, lambda session: go(work(session)), refused)
