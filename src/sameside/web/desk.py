"""The agent workspace: queues, and the case page where the work happens.

Plain HTML forms that work without JavaScript (post, then redirect back);
htmx boosts them into in-place page swaps. Every form carries the session's
CSRF token. The pages use the same services as the API, so the rules are the
same whichever way an agent works.

What every desk page shares is in `staff_pages`, the timeline in words in
`timeline_text`, and the department's and callbacks' pages in `back_office`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sameside.cases import queries, service
from sameside.cases.access import case_for
from sameside.cases.escalation import rules as escalation_rules
from sameside.cases.escalation import service as escalations
from sameside.cases.models import Case
from sameside.cases.replies import mailing
from sameside.cases.rules import TRANSITIONS, CaseStatus, EntryKind, HandoffBrief
from sameside.cases.signals import sentiment
from sameside.chat import queries as chat_queries
from sameside.consults import service as consults
from sameside.customers.rules import Channel
from sameside.db.engine import Session
from sameside.http.links import attachment_out
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.errors import DomainError, Invalid, NotFound
from sameside.kit.ids import MAX_ID
from sameside.mail import queries as mail_queries
from sameside.staff import queries as staff_queries
from sameside.staff.models import Staff
from sameside.web.customers import panel as customer_panel
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go
from sameside.web.errors import desk_missing
from sameside.web.pages import page
from sameside.web.staff_pages import VIEWS, desk_action
from sameside.web.timeline_text import CHANNEL_LABELS, delivery_text, describe_event

router = APIRouter(prefix="/desk", include_in_schema=False)

T = TypeVar("T")

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL, CaseStatus.WAITING_ON_CUSTOMER)
DUE_WARNING = timedelta(hours=2)
"""'Due soon' starts this long before the reply target is reached."""


# ---------------------------------------------------------------- queues


@router.get("", response_model=None)
@offload
def desk_home(request: Request) -> Response:
    return go("/desk/queue/mine")


@router.get("/queue/{view}", response_model=None)
@offload
def queue(
    request: Request,
    view: Annotated[str, Path(pattern="^(mine|team|unowned|internal|due)$")],
    agent: DeskAgent,
    session: PageSession,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    actor = agent.actor
    current = next(v for v in VIEWS if v.key == view)
    if view == "due":
        settings = request.app.state.settings
        cutoff = clock.now() - timedelta(hours=settings.reply_target_hours) + DUE_WARNING
        due = queries.awaiting_reply(
            session,
            actor,
            team_id=actor.team_id,
            owner_id=None if actor.team_id else actor.staff_id,
            since_before=cutoff,
        )
        return page(request, "desk_queue.html", agent=agent, views=VIEWS, current=current, cases=due, next_cursor=None)
    filters = {
        "mine": queries.CaseFilter(statuses=ACTIVE, owner_id=actor.staff_id),
        "team": queries.CaseFilter(
            statuses=(CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL), team_id=actor.team_id
        ),
        "unowned": queries.CaseFilter(statuses=(CaseStatus.NEW, CaseStatus.OPEN), team_id=actor.team_id, unowned=True),
        "internal": queries.CaseFilter(
            statuses=(CaseStatus.WAITING_ON_INTERNAL,),
            team_id=actor.team_id if actor.team_id else None,
            owner_id=None if actor.team_id else actor.staff_id,
        ),
    }[view]
    try:
        found = queries.list_cases(session, actor, filters, sort="-updated", limit=50, cursor=cursor)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    return page(
        request,
        "desk_queue.html",
        agent=agent,
        views=VIEWS,
        current=current,
        cases=found.items,
        next_cursor=found.next_cursor,
    )


# ---------------------------------------------------------------- a case


@router.get("/cases/{number}", response_model=None)
@offload
def case_page(request: Request, number: CaseNumber, agent: DeskAgent, session: PageSession) -> Response:
    return _case_page(request, session, agent, number)


def _case_page(
    request: Request, session: Session, agent: Agent, number: int, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    try:
        case = case_for(session, agent.actor, number)
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)
    entries = queries.timeline(session, agent.actor, case)
    files = mail_queries.attachments_of(session, case.id, [e.id for e in entries])
    attachments = {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in files.items()}
    visitor = chat_queries.visitor_of_case(session, case.id)
    # Someone in a chat who has not proven who they are sees nothing of anyone, and neither do we show them.
    unproven = visitor is not None and visitor.verified_at is None
    history = (
        []
        if unproven
        else queries.list_cases(
            session, agent.actor, queries.CaseFilter(customer_id=case.customer_id), sort="-created", limit=11
        ).items
    )
    colleagues = staff_queries.active_colleagues(session)
    names = {s.id: s.name for s in colleagues}
    teams = staff_queries.list_teams(session)
    departments = staff_queries.list_departments(session)
    case_consults = consults.open_on_case(session, case.id)
    said = [e.body for e in entries if e.direction == "inbound" and e.body and not e.is_automatic]
    first_words = said[0] if said else ""
    feeling_guess = sentiment.describe(sentiment.tone(said)) if said else ""
    now = clock.now()
    choices = mailing.reply_choices(session, case, case.customer, now=now)
    escalation = escalations.open_escalation(session, case)
    zone = choices.zone  # a reply is held only for a customer whose time zone we know
    held = mailing.say_when(choices.held_until, zone, now) if choices.held_until and zone else ""
    return page(
        request,
        "desk_case.html",
        status_code=status_code,
        agent=agent,
        views=VIEWS,
        case=case,
        entries=entries,
        attachments=attachments,
        earlier=[c for c in history if c.id != case.id][:10],
        visitor=visitor,
        unproven=unproven,
        statuses=_next_statuses(case),
        colleagues=colleagues,
        event_text={e.id: describe_event(e, names) for e in entries if e.kind is EntryKind.EVENT},
        brief=queries.latest_brief(session, case),
        escalation=escalation,
        escalation_ago=escalation_rules.describe_minutes(int((now - escalation.requested_at).total_seconds() // 60))
        if escalation
        else "",
        escalation_waited=escalation_rules.describe_minutes(escalation.waiting_minutes) if escalation else "",
        escalation_told=", ".join(names.get(i, f"staff #{i}") for i in escalation.told) if escalation else "",
        teams=teams,
        first_words=first_words,
        feeling_guess=feeling_guess,
        departments=departments,
        consults=[
            {
                "c": c,
                "overdue": consults.is_overdue(c),
                "department": next((d.name for d in departments if d.id == c.department_id), ""),
            }
            for c in case_consults
        ],
        names=names,
        EntryKind=EntryKind,
        choices=choices,
        channel_labels=CHANNEL_LABELS,
        their_time=now.astimezone(zone).strftime("%H:%M") if zone else None,
        held_text=held,
        **customer_panel(session, agent.actor, case, unproven=unproven),
        delivery_text={
            e.id: text
            for e in entries
            if e.direction == "outbound" and (text := delivery_text(e.data or {}, choices, now))
        },
        **context,
    )


def _next_statuses(case: Case) -> list[CaseStatus]:
    moves = sorted(TRANSITIONS.get(case.status, frozenset()), key=lambda s: list(CaseStatus).index(s))
    if case.status is CaseStatus.RESOLVED:
        moves = [CaseStatus.OPEN, *[s for s in moves if s is not CaseStatus.OPEN]]
    return moves


def _act(
    request: Request,
    agent: Agent,
    number: int,
    form: PostedForm,
    work: Callable[[Session, Case], None],
    *,
    then: str | None = None,
) -> Response:
    """Run one change on a case for the agent at the desk; a refusal draws the case page again with their draft."""

    def change(session: Session) -> Response:
        work(session, case_for(session, agent.actor, number, for_update=True))
        return go(then or f"/desk/cases/{number}#latest")

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return _case_page(request, session, agent, number, status_code=status, error=error, draft=form.get("body"))

    return act(request, agent.csrf, form, change, refused)


@router.post("/cases/{number}/reply", response_model=None)
@offload
def reply(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        status = _status(form.get("status") or None)
        service.reply(
            session,
            agent.actor,
            case,
            form.get("body", ""),
            status=status,
            channel=_channel(form.get("channel") or None),
            send_now=form.get("send_now") == "1",
            portal=f"{request.app.state.settings.base_url.rstrip('/')}/portal",
        )

    return _act(request, agent, number, form, work)


@router.post("/cases/{number}/note", response_model=None)
@offload
def note(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        service.add_note(session, agent.actor, case, form.get("body", ""))

    return _act(request, agent, number, form, work)


@router.post("/cases/{number}/status", response_model=None)
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

    return _act(request, agent, number, form, work)


@router.post("/cases/{number}/owner", response_model=None)
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

    return _act(request, agent, number, form, work)


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


@router.post("/cases/{number}/consults", response_model=None)
@offload
def ask_department(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        department = _pick(session, staff_queries.get_department, form.get("department"), "department")
        if department is None:
            raise Invalid("Choose the department to ask.")
        consults.ask(
            session, agent.actor, case, department, form.get("question", ""), request.app.state.callback_policy.hours
        )

    return _act(request, agent, number, form, work)


@router.post("/cases/{number}/transfer", response_model=None)
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
    return _act(request, agent, number, form, work, then="/desk/queue/mine")


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


@router.post("/next", response_model=None)
@offload
def take_next(request: Request, form: Form, agent: DeskAgent) -> Response:
    """'Take next': the fair queue's next case in the agent's team becomes theirs."""

    def work(session: Session) -> str:
        case = service.take_next(
            session,
            agent.actor,
            tier_cap_minutes=request.app.state.settings.tier_cap_minutes,
            reply_target_minutes=request.app.state.settings.reply_target_hours * 60,
        )
        return f"/desk/cases/{case.id}" if case else "/desk/queue/team?nobody=1"

    return desk_action(request, agent, form, work)
