"""Incidents at the desk (P11): the list, declaring one, and its page — updates, resolution, linked cases.

Every staff member reads them (a linked case's banner leads here); supervisors
and admins declare, update and resolve, as the API allows (`incidents.rules`).
The resolution is sent on every linked case, so it is shown to the person who
approves it, as it will be read, before it goes: the form first asks for a
review, then for the sending.

The declaration carries an optional customer list (a CSV file); addresses on
it that are no customer of ours, and rows with no address, are reported back
on the incident's page it answers with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.incidents import queries, rules, service
from sameside.incidents.models import Incident
from sameside.incidents.rules import STATUS_WORDS, IncidentStatus
from sameside.kit.actors import Role
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.web import desk_nav
from sameside.web.deps import FORM_LIMIT, Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, form_reader, go
from sameside.web.errors import desk_missing
from sameside.web.pages import page

router = APIRouter(prefix="/desk", include_in_schema=False)

LINK_REASONS = {
    "tag": "by its tag",
    "pattern": "by its words",
    "list": "its customer is listed",
    "organisation": "its customer's organisation",
}
"""The "How" column's words for why a case is linked (`incidents.rules.why_in_scope`)."""

IncidentId = Annotated[int, Path(ge=1, le=MAX_ID)]
LIST_FIELD = "customers"
"""The declaration form's file field: the customer list."""
DECLARE_FIELDS = 120
"""Text fields a declaration may post: a few, and one per organisation ticked."""
UPDATE_STATUSES = [s for s in IncidentStatus if s is not IncidentStatus.RESOLVED]


def _may_declare(agent: Agent) -> bool:
    return agent.actor.at_least(Role.SUPERVISOR)


def _zone(request: Request) -> ZoneInfo:
    zone: ZoneInfo = request.app.state.callback_policy.hours.zone
    return zone


@router.get("/incidents", response_model=None)
@offload
def incidents_list(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """Active incidents first, then the latest resolved, with who was told and what was linked."""
    found = queries.listed(session, agent.actor)
    return page(
        request,
        "desk_incidents.html",
        agent=agent,
        tabs=desk_nav.tabs(request, session, agent.actor),
        incidents=found,
        figures=queries.figures(session, found),
        status_words=STATUS_WORDS,
        may_declare=_may_declare(agent),
        zone=_zone(request),
    )


def _draw_new(request: Request, session: Session, agent: Agent, *, status_code: int = 200, **context: Any) -> Response:
    return page(
        request,
        "desk_incident_new.html",
        status_code=status_code,
        agent=agent,
        tabs=desk_nav.tabs(request, session, agent.actor),
        organisations=queries.organisation_choices(session),
        may_declare=_may_declare(agent),
        zone=str(_zone(request)),
        csv_kb=rules.CSV_BYTES_MAX // 1024,
        typed=context.pop("typed", None),
        **context,
    )


@router.get("/incidents/new", response_model=None)
@offload
def declare_form(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return _draw_new(request, session, agent)


async def _declaration(request: Request) -> tuple[PostedForm, bytes]:
    """The declaration's fields and its customer list's bytes (at most one byte past the limit, to refuse it)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await form_reader(max_fields=DECLARE_FIELDS)(request), b""
    try:
        got = await request.form(max_files=1, max_fields=DECLARE_FIELDS, max_part_size=FORM_LIMIT)
    except (HTTPException, MultiPartException):
        return PostedForm({}, too_large=True), b""
    every: dict[str, list[str]] = {}
    data = b""
    for name, value in got.multi_items():
        if isinstance(value, str):
            every.setdefault(name, []).append(value)
        elif isinstance(value, UploadFile) and name == LIST_FIELD:
            data = await value.read(rules.CSV_BYTES_MAX + 1)
            await value.close()
    return PostedForm({k: v[0] for k, v in every.items()}, every=every), data


def _since(value: str, zone: ZoneInfo) -> datetime | None:
    """The form's "since" (a local date and time in the business's zone), or None for now."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("since: give a date and time, like 2031-03-06 08:30.") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def _organisations(values: list[str]) -> list[int]:
    chosen: list[int] = []
    for value in values:
        if not value.isdigit() or int(value) > MAX_ID:
            raise Invalid("organizations: choose organisations from the list.")
        chosen.append(int(value))
    return chosen


@router.post("/incidents", response_model=None)
async def declare(request: Request, agent: DeskAgent) -> Response:
    """Declare an incident; answers with its page, on which the list's unknown addresses are reported."""
    form, customer_list = await _declaration(request)
    zone = _zone(request)

    def work(session: Session) -> Response:
        declared = service.declare(
            session,
            agent.actor,
            title=form.get("title"),
            message=form.get("message"),
            since=_since(form.get("since"), zone),
            urgent=bool(form.get("urgent")),
            tell_everyone=bool(form.get("tell_everyone")),
            tags=form.get("tags").split(","),
            organizations=_organisations(form.get_all("organization")),
            pattern=form.get("pattern") or None,
            customer_list=customer_list or None,
        )
        answer = _draw(
            request,
            session,
            agent,
            declared.incident,
            just_declared=True,
            unknown=declared.unknown,
            refused_rows=declared.refused,
        )
        answer.headers["HX-Push-Url"] = f"/desk/incidents/{declared.incident.id}"
        return answer

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return _draw_new(request, session, agent, status_code=status, error=error, typed=form)

    too_large = f"That is too large to send: a customer list is at most {rules.CSV_BYTES_MAX // 1024} KB."
    answer: Response = await run_in_threadpool(act, request, agent.csrf, form, work, refused, too_large=too_large)
    return answer


def _draw(
    request: Request, session: Session, agent: Agent, incident: Incident, *, status_code: int = 200, **context: Any
) -> Response:
    colleagues = {s.id: s.name for s in staff_queries.active_colleagues(session)}
    shown = queries.figures(session, [incident])[incident.id]
    linked = queries.linked_cases(session, agent.actor, incident.id)
    return page(
        request,
        "desk_incident.html",
        status_code=status_code,
        agent=agent,
        tabs=desk_nav.tabs(request, session, agent.actor),
        incident=incident,
        shown=shown,
        updates=queries.updates_of(session, incident.id),
        linked=linked,
        link_reasons=LINK_REASONS,
        organisations=queries.organisation_names(session, incident.organizations or []),
        names=colleagues,
        status_words=STATUS_WORDS,
        update_statuses=UPDATE_STATUSES,
        may_declare=_may_declare(agent),
        is_open=incident.status is not IncidentStatus.RESOLVED,
        zone=_zone(request),
        typed=context.pop("typed", {}),
        **context,
    )


def _found(request: Request, session: Session, agent: Agent, incident_id: int) -> Incident | Response:
    try:
        return queries.incident_for(session, agent.actor, incident_id)
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)


@router.get("/incidents/{incident_id}", response_model=None)
@offload
def incident_page(request: Request, incident_id: IncidentId, agent: DeskAgent, session: PageSession) -> Response:
    found = _found(request, session, agent, incident_id)
    return found if isinstance(found, Response) else _draw(request, session, agent, found)


def _on_incident(request: Request, agent: Agent, incident_id: int, form: PostedForm, name: str, work: Any) -> Response:
    def refused(session: Session, problem: Problem) -> Response:
        found = _found(request, session, agent, incident_id)
        if isinstance(found, Response):
            return found
        status, error = problem
        # Beside the form that was sent, when the page still draws it; else at the top of the page.
        drawn = _may_declare(agent) and found.status is not IncidentStatus.RESOLVED
        return _draw(
            request,
            session,
            agent,
            found,
            status_code=status,
            error=error,
            refused_form=name if drawn else None,
            typed=form.fields,
        )

    return act(request, agent.csrf, form, work, refused)


@router.post("/incidents/{incident_id}/updates", response_model=None)
@offload
def post_update(request: Request, incident_id: IncidentId, agent: DeskAgent, form: Form) -> Response:
    """Tell everyone affected where it stands now (each of them once, by the worker)."""

    def work(session: Session) -> Response:
        incident = queries.incident_for(session, agent.actor, incident_id, for_update=True)
        chosen = form.get("status")
        if chosen and chosen not in {s.value for s in UPDATE_STATUSES}:
            raise Invalid("status: choose where it stands from the list.")
        service.post_update(
            session, agent.actor, incident, form.get("body"), status=IncidentStatus(chosen) if chosen else None
        )
        return go(f"/desk/incidents/{incident_id}#updates", done="saved")

    return _on_incident(request, agent, incident_id, form, "update", work)


@router.post("/incidents/{incident_id}/resolve", response_model=None)
@offload
def resolve(request: Request, incident_id: IncidentId, agent: DeskAgent, form: Form) -> Response:
    """Resolve with the closing message: first shown as customers will read it, sent only once approved."""

    def work(session: Session) -> Response:
        incident = queries.incident_for(session, agent.actor, incident_id, for_update=True)
        message = form.get("message").strip()
        if form.get("approved") != "yes":
            rules.check_declare(agent.actor, "resolve an incident")
            rules.check_open(incident.status)
            if not message:
                raise Invalid("message: write the closing message; it is sent on every linked case.")
            if len(message) > rules.MESSAGE_MAX:
                raise Invalid(f"message: at most {rules.MESSAGE_MAX} characters; this has {len(message)}.")
            preview = rules.notice_text(
                "Hello …,",
                title=incident.title,
                message=incident.message,
                status=IncidentStatus.RESOLVED,
                update_text=message,
                portal=None,
            )
            shown = _draw(request, session, agent, incident, review=message, review_notice=preview, typed=form.fields)
            shown.headers["HX-Push-Url"] = "false"  # nothing is sent yet: the address stays the incident's
            return shown
        service.resolve(session, agent.actor, incident, message)
        return go(f"/desk/incidents/{incident_id}", done="saved")

    return _on_incident(request, agent, incident_id, form, "resolve", work)
