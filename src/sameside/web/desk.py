"""The agent workspace: the case page's forms, each a verb on the case; the queues are `queues`.

Plain HTML forms that work without JavaScript (post, then redirect back with
a short confirmation); htmx boosts them into in-place page swaps, and a
refused one shows its message inside the form without losing a word
(`static/forms.js`). Every form carries the session's CSRF token. The pages
use the same services as the API, so the rules are the same whichever way an
agent works.

The case page is drawn by `case_page`, the timeline in words by
`timeline_text`, the views on the left by `desk_nav`; the department's and
callbacks' pages are `back_office`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.cases import service
from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.cases.replies import copies
from sameside.cases.rules import CaseStatus, HandoffBrief, Priority
from sameside.coach import service as coach
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid, NotFound
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.staff.models import Staff
from sameside.web import case_page, files, queues, saved_replies
from sameside.web.back_office import ask_from_form
from sameside.web.coach import reply_coaching
from sameside.web.deps import Agent, DeskAgent, Form, FormWithFiles, PageSession, PostedForm, Problem, act, go

router = APIRouter(include_in_schema=False)
router.include_router(queues.router)  # the queues, under /desk as these are

T = TypeVar("T")

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/desk/cases/{number}", response_model=None)
@offload
def case_view(request: Request, number: CaseNumber, agent: DeskAgent, session: PageSession) -> Response:
    return case_page.draw(request, session, agent, number)


def _act(
    request: Request,
    agent: Agent,
    number: int,
    form: PostedForm,
    work: Callable[[Session, Case], None],
    *,
    name: str,
    then: str | None = None,
) -> Response:
    """Run one change on a case for the agent at the desk.

    Accepted, the agent sees the case again (or `then`) with a confirmation;
    refused, the case page is drawn again with the message beside the form
    called `name` and everything they typed in it.
    """
    origin = form.get("from")
    back = f"?from={origin}" if origin.isalpha() and len(origin) <= 16 else ""

    def change(session: Session) -> Response:
        work(session, case_for(session, agent.actor, number, for_update=True))
        return go(then or f"/desk/cases/{number}{back}#latest", done=name)

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return case_page.draw(
            request, session, agent, number, status_code=status, error=error, refused_form=name, typed=form.fields
        )

    return act(request, agent.csrf, form, change, refused)


@router.post("/desk/cases/{number}/reply", response_model=None)
@offload
def reply(request: Request, number: CaseNumber, form: FormWithFiles, agent: DeskAgent) -> Response:
    attached = files.sort(request, form)

    def work(session: Session, case: Case) -> None:
        # Signed, and with the saved reply it was written with, if any (its actions, its use counted).
        entry = saved_replies.send_from_form(
            session,
            agent.actor,
            case,
            form,
            status=_status(form.get("status") or None),
            channel=_channel(form.get("channel") or None),
            send_now=form.get("send_now") == "1",
            portal=f"{request.app.state.settings.base_url.rstrip('/')}/portal",
            files=attached.accepted,
            data={**(files.refused_data(attached) or {}), **copies.noted(session, case, form.get("cc"))},
        )
        copies.confirm(entry)  # a Cc on a reply that is not emailed would reach nobody: refused, nothing kept
        files.keep(request, session, case.id, entry.id, attached)
        # What became of the coach's advice, against the text as sent (P8); it never refuses a reply.
        coach.record_sent(session, agent.actor, case.id, form.get("body", ""), **reply_coaching(form))

    return _act(request, agent, number, form, work, name="reply")


@router.post("/desk/cases/{number}/note", response_model=None)
@offload
def note(request: Request, number: CaseNumber, form: FormWithFiles, agent: DeskAgent) -> Response:
    attached = files.sort(request, form)

    def work(session: Session, case: Case) -> None:
        entry = service.add_note(session, agent.actor, case, form.get("body", ""), data=files.refused_data(attached))
        files.keep(request, session, case.id, entry.id, attached)

    return _act(request, agent, number, form, work, name="note")


@router.post("/desk/cases/{number}/status", response_model=None)
@offload
def change_status(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        status = _status(form.get("status"))
        if status is None:
            raise Invalid("Choose a status.")
        if status is CaseStatus.RESOLVED:
            service.resolve(session, agent.actor, case)
        else:
            service.change_status(session, agent.actor, case, status)

    return _act(request, agent, number, form, work, name="status")


@router.post("/desk/cases/{number}/priority", response_model=None)
@offload
def change_priority(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        try:
            priority = Priority(form.get("priority"))
        except ValueError:
            raise Invalid("Choose a priority.") from None
        service.update_details(session, agent.actor, case, priority=priority)

    return _act(request, agent, number, form, work, name="priority")


@router.post("/desk/cases/{number}/tags", response_model=None)
@offload
def change_tags(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    """The case's tags as typed: names separated by commas; an empty field clears them."""

    def work(session: Session, case: Case) -> None:
        tags = [t.strip() for t in form.get("tags").split(",") if t.strip()]
        service.update_details(session, agent.actor, case, tags=tags)

    return _act(request, agent, number, form, work, name="tags")


@router.post("/desk/cases/{number}/owner", response_model=None)
@offload
def assign(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        wanted = form.get("owner", "")
        owner: Staff | None
        if wanted == "me":
            owner = staff_queries.get_staff(session, agent.actor.staff_id)
        elif wanted == "":
            owner = None
        else:
            owner = _pick(session, staff_queries.get_staff, wanted, "colleague")
            if owner is None:
                raise Invalid("Choose a colleague.")
        service.assign(session, agent.actor, case, owner)

    return _act(request, agent, number, form, work, name="owner")


def _channel(value: str | None) -> Channel | None:
    if value is None:
        return None
    try:
        return Channel(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a way to answer.") from None


def _status(value: str | None) -> CaseStatus | None:
    if value is None:
        return None
    try:
        return CaseStatus(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a status.") from None


@router.post("/desk/cases/{number}/consults", response_model=None)
@offload
def ask_department(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        ask_from_form(session, agent.actor, case, form, request.app.state.callback_policy.hours)

    return _act(request, agent, number, form, work, name="asked")


@router.post("/desk/cases/{number}/transfer", response_model=None)
@offload
def transfer(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        team = _pick(session, staff_queries.get_team, form.get("team"), "team")
        owner = _pick(session, staff_queries.get_staff, form.get("owner"), "colleague")
        brief = HandoffBrief(
            problem=form.get("problem", ""),
            tried=form.get("tried", ""),
            promised=form.get("promised", ""),
            feeling=form.get("feeling", ""),
        )
        service.transfer(session, agent.actor, case, brief=brief, team=team, owner=owner)

    # The case may now be out of the sender's sight (another team's): back to their queue.
    return _act(request, agent, number, form, work, name="transferred", then="/desk/queue/mine")


def _pick(session: Session, get: Callable[[Session, int], T], value: str, what: str) -> T | None:
    """The item a form's list chose, by id; nothing chosen is None, and an id that is not one is refused."""
    if value == "":
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid(f"Choose a {what} from the list.")
    try:
        return get(session, int(value))
    except NotFound:
        raise Invalid(f"There is no such {what}.") from None
