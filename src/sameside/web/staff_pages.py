"""What every desk page shares: who is at the desk, the queue tabs, and the two shapes of a page.

A page is drawn read-only after the sign-in check (`staff_page`); a form not
about one case checks who and the CSRF token, does its work in one write
transaction and redirects (`staff_action`). Forms about one case are in
`desk._act`, which redraws the case page on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from sameside.auth import service as auth
from sameside.http.deps import SESSION_COOKIE, database
from sameside.kit.actors import StaffActor
from sameside.kit.errors import DomainError
from sameside.kit.secrets import same
from sameside.staff.queries import get_staff
from sameside.web.pages import form_reader, page

FORM_LIMIT = 512 * 1024  # a long reply, pasted logs: well within the body limit


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


@dataclass(frozen=True)
class Agent:
    actor: StaffActor
    name: str
    csrf: str


class NotStaff(Exception):
    """Raised by `agent_of` to send the browser elsewhere."""

    def __init__(self, response: Response) -> None:
        self.response = response


def agent_of(request: Request, session: Session) -> Agent:
    """Who is at the desk; raises `NotStaff` with the response for strangers (sign in) and customers (refused)."""
    token = request.cookies.get(SESSION_COOKIE)
    resolved = auth.resolve_session(session, token) if token else None
    if resolved is None:
        raise NotStaff(RedirectResponse(f"/?next={quote(request.url.path)}", status_code=303))
    if not isinstance(resolved.actor, StaffActor):
        raise NotStaff(page(request, "desk_refused.html", status_code=403))
    return Agent(resolved.actor, get_staff(session, resolved.actor.staff_id).name, resolved.csrf_token)


Form = Annotated[dict[str, str], Depends(form_reader(FORM_LIMIT, max_fields=20))]


def staff_page(request: Request, render: Callable[[Session, Agent], Response]) -> Response:
    """A desk page: sign-in checked (strangers to the sign-in page, customers refused), then drawn read-only."""
    with database(request).unit_of_work(write=False) as session:
        try:
            agent = agent_of(request, session)
        except NotStaff as refused:
            return refused.response
        return render(session, agent)


def staff_action(request: Request, form: dict[str, str], work: Any) -> Response:
    """A desk form that is not about one case: check who and the CSRF token, do it, go where it says."""
    db = database(request)
    with db.unit_of_work(write=False) as session:
        try:
            agent = agent_of(request, session)
        except NotStaff as refused:
            return refused.response
    if not same(form.get("csrf", ""), agent.csrf):
        return page(request, "desk_refused.html", status_code=403, error="This form has expired; please try again.")
    try:
        with db.unit_of_work() as session:
            then = work(session, agent)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    return RedirectResponse(then, status_code=303)
