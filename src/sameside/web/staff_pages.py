"""What every desk page shares: the queue views, and the shape of a desk form that is not about one case.

Who is at the desk comes from the `DeskAgent` dependency (`web.deps`); a form
about one case is `desk._act`, which draws the case page again on a refusal.
The views on the left and their counts are `desk_nav`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from sameside.db.engine import Session
from sameside.web.deps import Agent, PostedForm, Problem, act, go
from sameside.web.desk_nav import VIEWS, QueueView
from sameside.web.pages import page

__all__ = ["VIEWS", "QueueView", "desk_action"]

_DONE_BY_ENDING = {"/answer": "answered", "/done": "called", "/read": "read", "/read-all": "read"}
"""The confirmation a desk form's address implies (`/desk/consults/7/answer` → "answered"); else "saved"."""


def desk_action(
    request: Request,
    agent: Agent,
    form: PostedForm,
    work: Callable[[Session], str],
    *,
    again: Callable[[Session, Problem], Response] | None = None,
) -> Response:
    """A desk form not about one case: do it, then go where `work` says, with a short confirmation.

    A refusal draws `again` (the page the form was on, with the message beside
    the form) when the route offers it; else a short page saying why. With
    JavaScript the message shows inside the form either way (`static/forms.js`).
    """

    def refused(session: Session, problem: Problem) -> Response:
        if again is not None:
            return again(session, problem)
        return page(request, "desk_refused.html", status_code=problem[0], error=problem[1])

    path = request.url.path
    done = next((key for ending, key in _DONE_BY_ENDING.items() if path.endswith(ending)), "saved")
    return act(request, agent.csrf, form, lambda session: go(work(session), done=done), refused)
