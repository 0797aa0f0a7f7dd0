"""Calls customers booked (P1), as the desk works them: who will call, and how it went.

Missed ones first (they need a person now), then the next 24 hours. Each
call can be taken (or given to a colleague), and its outcome recorded: the
call is written down on its case (`calls`), and when nobody answered the
next try can be booked at a free time at once. "Mark called" stays for a
call made without notes (it records that the customer was reached).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from sameside.callbacks import queries as callback_queries
from sameside.callbacks import service as callbacks
from sameside.callbacks.rules import WORTH_RETRYING
from sameside.calls import rules, service
from sameside.calls.rules import Direction, Outcome
from sameside.calls.service import CallDetails
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.web.case_calls_panel import call_choices
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, Problem, act, go
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS, desk_action

router = APIRouter(prefix="/desk", include_in_schema=False)

CallbackId = Annotated[int, Path(ge=1, le=MAX_ID)]
RETRY_CHOICES = 12
RETRYABLE = [o.value for o in Outcome if rules.callback_outcome(o) in WORTH_RETRYING]


def _draw(request: Request, session: Session, agent: Agent, *, status_code: int = 200, **context: Any) -> Response:
    policy = request.app.state.callback_policy
    zone = policy.hours.zone
    colleagues = list(staff_queries.active_colleagues(session))
    names = {s.id: s.name for s in colleagues}
    rows = [
        {
            "id": call.callback.id,
            "case": call.case,
            "phone": call.callback.phone,
            "when": call.callback.starts_at.astimezone(zone).strftime("%a %d %b %H:%M"),
            "missed": call.missed,
            "assignee_id": call.callback.assignee_id,
            "assignee": names.get(call.callback.assignee_id or 0, ""),
        }
        for call in callback_queries.calls_to_make(session)
    ]
    retry_slots = [
        (s.isoformat(), s.astimezone(zone).strftime("%a %d %b %H:%M"))
        for s in callbacks.free_slots(session, policy)[:RETRY_CHOICES]
    ]
    return page(
        request,
        "desk_callbacks.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        current=None,
        calls=rows,
        zone=str(zone),
        callbacks_page=True,
        colleagues=colleagues,
        retry_slots=retry_slots,
        retryable=RETRYABLE,
        typed=context.pop("typed", {}),
        **call_choices(),
        **context,
    )


@router.get("/callbacks", response_model=None)
@offload
def callbacks_due(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """Calls to make: missed ones first (they need a person now), then the next 24 hours."""
    return _draw(request, session, agent)


def _on_callback(request: Request, agent: Agent, callback_id: int, form: Any, name: str, work: Any) -> Response:
    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return _draw(
            request,
            session,
            agent,
            status_code=status,
            error=error,
            refused_form=f"{name}-{callback_id}",
            typed=form.fields,
        )

    return act(request, agent.csrf, form, lambda session: go(work(session), done="saved"), refused)


@router.post("/callbacks/{callback_id}/assignee", response_model=None)
@offload
def assign(request: Request, agent: DeskAgent, callback_id: CallbackId, form: Form) -> Response:
    """Take the call ("me"), give it to a colleague, or give it back to the list (empty)."""

    def work(session: Session) -> str:
        chosen = form.get("assignee").strip()
        if chosen == "me":
            assignee: int | None = agent.actor.staff_id
        elif not chosen:
            assignee = None
        elif chosen.isdigit() and int(chosen) <= MAX_ID:
            assignee = int(chosen)
        else:
            raise Invalid("Choose a colleague from the list.")
        service.assign_callback(session, agent.actor, callback_id, assignee)
        return "/desk/callbacks"

    return _on_callback(request, agent, callback_id, form, "assign", work)


@router.post("/callbacks/{callback_id}/outcome", response_model=None)
@offload
def outcome(request: Request, agent: DeskAgent, callback_id: CallbackId, form: Form) -> Response:
    """How the call went: written down on its case; with a retry time chosen, the next try is booked."""

    def work(session: Session) -> str:
        try:
            how = Outcome(form.get("outcome"))
        except ValueError:
            raise Invalid("Choose how the call went.") from None
        details = CallDetails(
            direction=Direction.OUTBOUND,
            outcome=how,
            duration_seconds=rules.parse_duration(form.get("duration")),
            notes=form.get("notes"),
        )
        retry_at = _slot(form.get("retry")) if form.get("retry") else None
        service.callback_outcome(
            session, agent.actor, callback_id, details, request.app.state.callback_policy, retry_at=retry_at
        )
        return "/desk/callbacks"

    return _on_callback(request, agent, callback_id, form, "outcome", work)


@router.post("/callbacks/{callback_id}/done", response_model=None)
@offload
def callback_done(request: Request, agent: DeskAgent, callback_id: CallbackId, form: Form) -> Response:
    """Made the call and reached them, nothing to note."""

    def work(session: Session) -> str:
        callbacks.mark_done(session, agent.actor, callback_id)
        return "/desk/callbacks"

    return desk_action(request, agent, form, work)


def _slot(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("Pick the next try's time from the list.") from None
    if parsed.tzinfo is None:
        raise Invalid("Pick the next try's time from the list.")
    return parsed.astimezone(UTC)
