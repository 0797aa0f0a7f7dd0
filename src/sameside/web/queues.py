"""The desk's queues: the list an agent triages from, narrowed and sorted by GET parameters, worked in bulk.

`/desk` sends each person to their own work (`desk_nav.landing`). A queue's
rows are `queue_rows`; its filters are plain GET parameters, so a narrowed
list is a link to share. Bulk changes are one form around the list's
checkboxes, applied case by case through the same verbs as the case page,
all or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from sameside.business import service as business
from sameside.cases import glance, service
from sameside.cases.access import case_for
from sameside.cases.rules import CaseStatus, Priority
from sameside.customers.rules import Channel, Tier
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.staff import queries as staff_queries
from sameside.staff.models import Staff
from sameside.web import desk_nav
from sameside.web.case_page import owner_groups
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, form_reader, go
from sameside.web.pages import page
from sameside.web.queue_rows import list_rows

router = APIRouter(prefix="/desk", include_in_schema=False)
"""Included by `desk.router`."""

BulkForm = Annotated[PostedForm, Depends(form_reader(max_fields=80))]
FILTERS = ("status", "priority", "channel", "owner", "tier", "sort")


@router.get("", response_model=None)
@offload
def desk_home(request: Request, agent: DeskAgent) -> Response:
    return go(desk_nav.landing(agent.actor))


@router.get("/queue/{view}", response_model=None)
@offload
def queue(
    request: Request,
    view: Annotated[str, Path(pattern="^(mine|team|unowned|internal|due|needs-team)$")],
    agent: DeskAgent,
    session: PageSession,
) -> Response:
    return draw_queue(request, session, agent, view)


def draw_queue(
    request: Request, session: Session, agent: Agent, view: str, *, status_code: int = 200, **context: object
) -> Response:
    """A queue page: its rows under the filters asked for; a filter that is not one is said beside the filters."""
    current = next(v for v in desk_nav.VIEWS if v.key == view)
    if view == "needs-team" and current not in desk_nav.usable_views(agent.actor):
        return page(request, "desk_refused.html", status_code=403, error=f"“{current.label}” is for supervisors.")
    params = request.query_params
    asked = {name: params.get(name, "") for name in FILTERS}
    try:
        narrow = narrow_from(asked, agent)
        sort = asked["sort"] or None
        if sort is not None and sort not in glance.SORTS:
            raise Invalid(f"{sort!r} is not an order this list can be sorted in.")
        rows = list_rows(request, session, agent, view, narrow, sort=sort)
    except DomainError as error:
        rows, status_code = [], error.status
        context.setdefault("filter_error", error.detail)
    colleagues = list(staff_queries.active_colleagues(session))
    teams = {t.id: t.name for t in staff_queries.list_teams(session)}
    return page(
        request,
        "desk_queue.html",
        status_code=status_code,
        agent=agent,
        tabs=desk_nav.tabs(request, session, agent.actor),
        current=current,
        rows=rows,
        asked=asked,
        filtered=any(asked[name] for name in FILTERS if name != "sort"),
        statuses=list(CaseStatus),
        priorities=list(Priority),
        channels=list(Channel),
        tiers=list(Tier),
        sorts=glance.SORTS,
        owner_groups=owner_groups(session, colleagues, teams),
        **context,
    )


def narrow_from(asked: Mapping[str, str], agent: Agent) -> glance.Narrow:
    """The filters of a list, from its GET parameters; one that is not on offer is refused by name."""

    def one(kind: type, value: str, what: str) -> object:
        if not value:
            return None
        try:
            return kind(value)
        except ValueError:
            raise Invalid(f"{value!r} is not a {what} to filter by.") from None

    owner, unowned = None, False
    match asked.get("owner", ""):
        case "":
            pass
        case "me":
            owner = agent.actor.staff_id
        case "none":
            unowned = True
        case wanted if wanted.isdigit() and int(wanted) <= MAX_ID:
            owner = int(wanted)
        case wanted:
            raise Invalid(f"{wanted!r} is not an owner to filter by.")
    status = one(CaseStatus, asked.get("status", ""), "status")
    return glance.Narrow(
        statuses=(status,) if isinstance(status, CaseStatus) else (),
        priority=one(Priority, asked.get("priority", ""), "priority"),  # type: ignore[arg-type]
        channel=one(Channel, asked.get("channel", ""), "channel"),  # type: ignore[arg-type]
        tier=one(Tier, asked.get("tier", ""), "tier"),  # type: ignore[arg-type]
        owner_id=owner,
        unowned=unowned,
    )


@router.post("/next", response_model=None)
@offload
def take_next(request: Request, form: Form, agent: DeskAgent) -> Response:
    """'Take next': the fair queue's next case in the agent's team becomes theirs."""

    def work(session: Session) -> Response:
        now_in = business.current(session)  # the admin centre's numbers
        case = service.take_next(
            session,
            agent.actor,
            tier_cap_minutes=now_in.tier_cap_minutes,
            reply_target_minutes=now_in.reply_target_hours * 60,
        )
        if case is None:
            return go("/desk/queue/team?nobody=1")
        return go(f"/desk/cases/{case.id}", done="took")

    def refused(session: Session, problem: Problem) -> Response:
        back = _back(form.get("back")) or "mine"
        return draw_queue(request, session, agent, back, status_code=problem[0], error=problem[1], refused_form="next")

    return act(request, agent.csrf, form, work, refused)


@router.post("/bulk", response_model=None)
@offload
def bulk(request: Request, form: BulkForm, agent: DeskAgent) -> Response:
    """One change to every case chosen in a list: an owner, a status, or a tag added; all of them or none."""
    back = _back(form.get("back")) or "mine"

    def work(session: Session) -> Response:
        chosen = form.get_all("case")
        if not chosen:
            raise Invalid("Choose at least one case in the list.")
        if any(not n.isdigit() or int(n) > MAX_ID for n in chosen):
            raise Invalid("Choose cases from the list.")
        action = form.get("action")
        if action not in ("owner", "status", "tag"):
            raise Invalid("Choose what to do with the chosen cases.")
        owner = _bulk_owner(session, agent, form.get("owner")) if action == "owner" else None
        status = _bulk_status(form.get("status")) if action == "status" else None
        tag = form.get("tag").strip() if action == "tag" else ""
        if action == "tag" and not tag:
            raise Invalid("Type the tag to add.")
        for number in dict.fromkeys(int(n) for n in chosen):
            case = case_for(session, agent.actor, number, for_update=True)
            if action == "owner":
                service.assign(session, agent.actor, case, owner)
            elif status is CaseStatus.RESOLVED:
                service.resolve(session, agent.actor, case)
            elif status is not None:
                service.change_status(session, agent.actor, case, status)
            else:
                service.update_details(session, agent.actor, case, tags=[*case.tag_names, tag])
        return go(f"/desk/queue/{back}", done="bulk")

    def refused(session: Session, problem: Problem) -> Response:
        return draw_queue(request, session, agent, back, status_code=problem[0], error=problem[1], refused_form="bulk")

    return act(request, agent.csrf, form, work, refused)


def _back(value: str) -> str | None:
    return value if value in desk_nav.VIEW_KEYS else None


def _bulk_owner(session: Session, agent: Agent, wanted: str) -> Staff | None:
    if wanted == "me":
        return staff_queries.get_staff(session, agent.actor.staff_id)
    if wanted == "none":
        return None
    if not wanted.isdigit() or int(wanted) > MAX_ID:
        raise Invalid("Choose who gets the chosen cases.")
    try:
        return staff_queries.get_staff(session, int(wanted))
    except DomainError:
        raise Invalid("There is no such colleague.") from None


def _bulk_status(value: str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError:
        raise Invalid("Choose the status for the chosen cases.") from None
