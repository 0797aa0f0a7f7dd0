"""Feedback at the desk (P15): marked on the case page, handled in the team's or department's inbox.

The case page's "Feedback" dialog (and the small action beside each of the
customer's messages, which opens it with that message chosen) marks the
customer's words as a compliment, complaint or suggestion about a team or
department. `/desk/feedback` is the inbox of whom it concerns: the
customer's words, the case for context, acknowledge, answer the agent; and
below, what the viewer marked, with the answers they were given. The
department's page (`back_office`) shows its feedback and its figures too.
Refused, a page is drawn again with the message beside the form and what
was typed (with JavaScript, `static/forms.js` shows it in the open form).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.cases.access import case_for
from sameside.db.engine import Session
from sameside.feedback import queries, rules
from sameside.feedback import service as feedback
from sameside.feedback.rules import KIND_WORDS, Concerns, FeedbackState
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.web import case_page
from sameside.web.back_office import draw_department
from sameside.web.deps import Agent, DeskAgent, PageSession, PostedForm, Problem, act, form_reader, go
from sameside.web.feedback_items import item_rows
from sameside.web.pages import page

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
FeedbackId = Annotated[int, Path(ge=1, le=MAX_ID)]
Form = Annotated[PostedForm, Depends(form_reader(16 * 1024, max_fields=10))]
BACK = ("/desk/feedback", "/desk/department")
"""Where a handling form may send the person back to: the inbox, or the department's page."""


# ---------------------------------------------------------------- the case page's part


def _concerns(value: str) -> Concerns:
    """ "team-3" or "department-2", as the form's choice says whom it is about."""
    what, _, number = value.partition("-")
    if not number.isdigit() or int(number) > MAX_ID or what not in ("team", "department"):
        raise Invalid("Choose the team or department it is about.")
    return Concerns(team_id=int(number)) if what == "team" else Concerns(department_id=int(number))


@router.post("/cases/{number}/feedback", response_model=None)
@offload
def mark(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    """Mark the chosen message of the customer's as feedback for the team or department chosen."""

    def work(session: Session) -> Response:
        case = case_for(session, agent.actor, number, for_update=True)
        entry = form.get("entry")
        if not entry.isdigit() or int(entry) > MAX_ID:
            raise Invalid("Choose the customer's message it is about.")
        kind = rules.kind_of(form.get("kind"))
        feedback.mark(session, agent.actor, case, int(entry), kind, _concerns(form.get("concerns")), form.get("note"))
        return go(f"/desk/cases/{number}#latest", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return case_page.draw(
            request, session, agent, number, status_code=status, error=error, refused_form="feedback", typed=form.fields
        )

    return act(request, agent.csrf, form, work, refused)


# ---------------------------------------------------------------- the inbox


def _draw(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    team: int | None = None,
    department: int | None = None,
    state: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    actor = agent.actor
    chosen = FeedbackState(state) if state in {s.value for s in FeedbackState} else None
    supervisor = actor.at_least(Role.SUPERVISOR)
    teams = staff_queries.list_teams(session)
    departments = staff_queries.list_departments(session)
    own = [t.name for t in teams if t.id == actor.team_id] + [
        d.name for d in departments if d.id == actor.department_id
    ]
    # A department's figures beside its feedback: the one a supervisor chose, or the viewer's own.
    shown = department if supervisor else (actor.department_id if team is None else None)
    figures = queries.figures(session, department_id=shown) if shown is not None else None
    figures_name = next((d.name for d in departments if d.id == shown), "")
    return page(
        request,
        "desk_feedback.html",
        status_code=status_code,
        agent=agent,
        supervisor=supervisor,
        teams=teams,
        departments=departments,
        own=own,
        chosen_team=team,
        chosen_department=department,
        chosen_state=chosen.value if chosen else "",
        states=[(s.value, rules.STATE_WORDS[s]) for s in FeedbackState],
        feedback_items=item_rows(
            actor, queries.inbox(session, actor, team_id=team, department_id=department, state=chosen)
        ),
        marked_items=item_rows(actor, queries.marked_by(session, actor.staff_id, limit=20)),
        feedback_figures=figures,
        figures_name=figures_name,
        kind_words=KIND_WORDS,
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/feedback", response_class=HTMLResponse)
@offload
def inbox(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    team: Annotated[str, Query(max_length=12)] = "",
    department: Annotated[str, Query(max_length=12)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """Feedback concerning the viewer's team or department (supervisors: everyone's, by team or department).

    The filters come from a form whose "any" is empty: anything but a number is no filter.
    """
    return _draw(request, session, agent, team=_number(team), department=_number(department), state=state)


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


def _handle(request: Request, agent: Agent, form: PostedForm, feedback_id: int, name: str, change: Any) -> Response:
    back = form.get("back") if form.get("back") in BACK else "/desk/feedback"

    def work(session: Session) -> Response:
        change(session)
        return go(f"{back}#feedback-{feedback_id}", done="saved")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        if back == "/desk/department":
            return draw_department(
                request, session, agent, status_code=status, error=error, refused_form=f"{name}-{feedback_id}"
            )
        return _draw(
            request,
            session,
            agent,
            status_code=status,
            error=error,
            refused_form=f"{name}-{feedback_id}",
            typed=form.fields,
        )

    return act(request, agent.csrf, form, work, refused)


@router.post("/feedback/{feedback_id}/acknowledge", response_model=None)
@offload
def acknowledge(request: Request, feedback_id: FeedbackId, form: Form, agent: DeskAgent) -> Response:
    return _handle(
        request, agent, form, feedback_id, "ack", lambda s: feedback.acknowledge(s, agent.actor, feedback_id)
    )


@router.post("/feedback/{feedback_id}/answer", response_model=None)
@offload
def answer(request: Request, feedback_id: FeedbackId, form: Form, agent: DeskAgent) -> Response:
    return _handle(
        request,
        agent,
        form,
        feedback_id,
        "answer",
        lambda s: feedback.answer(s, agent.actor, feedback_id, form.get("answer")),
    )
