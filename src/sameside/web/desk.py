"""The agent workspace: queues, and the case page where the work happens.

Plain HTML forms that work without JavaScript (post, then redirect back);
htmx boosts them into in-place page swaps. Every form carries the session's
CSRF token. The pages use the same services as the API, so the rules are the
same whichever way an agent works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sameside.auth import service as auth
from sameside.callbacks import service as callbacks
from sameside.callbacks.models import CallbackState
from sameside.cases import escalation_rules, escalations, mailing, queries, sentiment, service
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import TRANSITIONS, CaseStatus, EntryKind, EventType, HandoffBrief
from sameside.consults import service as consults
from sameside.customers.models import Channel
from sameside.edge.deps import SESSION_COOKIE, database
from sameside.edge.desk import on_desk
from sameside.edge.links import attachment_out
from sameside.kit import clock
from sameside.kit.actors import StaffActor
from sameside.kit.errors import DomainError, Invalid
from sameside.kit.ids import MAX_ID
from sameside.kit.secrets import same
from sameside.mail import queries as mail_queries
from sameside.staff.models import Department, Staff, Team
from sameside.staff.queries import get_staff
from sameside.web.pages import form_reader, page

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL, CaseStatus.WAITING_ON_CUSTOMER)
_FORM_LIMIT = 512 * 1024  # a long reply, pasted logs: well within the body limit
DUE_WARNING = timedelta(hours=2)
"""'Due soon' starts this long before the reply target is reached."""


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
    """Raised by `_agent` to send the browser elsewhere."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _agent(request: Request, session: Session) -> Agent:
    token = request.cookies.get(SESSION_COOKIE)
    resolved = auth.resolve_session(session, token) if token else None
    if resolved is None:
        raise NotStaff(RedirectResponse(f"/?next={quote(request.url.path)}", status_code=303))
    if not isinstance(resolved.actor, StaffActor):
        raise NotStaff(page(request, "desk_refused.html", status_code=403))
    return Agent(resolved.actor, get_staff(session, resolved.actor.staff_id).name, resolved.csrf_token)


Form = Annotated[dict[str, str], Depends(form_reader(_FORM_LIMIT, max_fields=20))]


def staff_page(request: Request, render: Callable[[Session, Agent], Response]) -> Response:
    """A desk page: sign-in checked (strangers to the sign-in page, customers refused), then drawn read-only."""
    with database(request).unit_of_work(write=False) as session:
        try:
            agent = _agent(request, session)
        except NotStaff as refused:
            return refused.response
        return render(session, agent)


# ---------------------------------------------------------------- queues


@router.get("", response_model=None)
@on_desk
def desk_home(request: Request) -> Response:
    return RedirectResponse("/desk/queue/mine", status_code=303)


@router.get("/queue/{view}", response_model=None)
@on_desk
def queue(
    request: Request,
    view: Annotated[str, Path(pattern="^(mine|team|unowned|internal|due)$")],
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    def render(session: Session, agent: Agent) -> Response:
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
            return page(
                request, "desk_queue.html", agent=agent, views=VIEWS, current=current, cases=due, next_cursor=None
            )
        filters = {
            "mine": queries.CaseFilter(statuses=ACTIVE, owner_id=actor.staff_id),
            "team": queries.CaseFilter(
                statuses=(CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL), team_id=actor.team_id
            ),
            "unowned": queries.CaseFilter(
                statuses=(CaseStatus.NEW, CaseStatus.OPEN), team_id=actor.team_id, unowned=True
            ),
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

    return staff_page(request, render)


# ---------------------------------------------------------------- a case


@router.get("/cases/{number}", response_model=None)
@on_desk
def case_page(request: Request, number: CaseNumber) -> Response:
    def render(session: Session, agent: Agent) -> Response:
        return _case_page(request, session, agent, number)

    return staff_page(request, render)


def _case_page(
    request: Request, session: Session, agent: Agent, number: int, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    try:
        case = case_for(session, agent.actor, number)
    except DomainError as error:
        return page(request, "desk_refused.html", status_code=error.status, error=error.detail)
    entries = queries.timeline(session, agent.actor, case)
    files = mail_queries.attachments_of(session, case.id, [e.id for e in entries])
    attachments = {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in files.items()}
    history = queries.list_cases(
        session, agent.actor, queries.CaseFilter(customer_id=case.customer_id), sort="-created", limit=11
    ).items
    colleagues = session.scalars(select(Staff).where(Staff.is_active.is_(True)).order_by(Staff.name).limit(200)).all()
    names = {s.id: s.name for s in colleagues}
    teams = session.scalars(select(Team).order_by(Team.name)).all()
    departments = session.scalars(select(Department).order_by(Department.name)).all()
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
        statuses=_next_statuses(case),
        colleagues=colleagues,
        event_text={e.id: describe_event(e, names) for e in entries if e.kind is EntryKind.EVENT},
        brief=service.latest_brief(session, case),
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
        delivery_text={
            e.id: text
            for e in entries
            if e.direction == "outbound" and (text := delivery_text(e.data or {}, choices, now))
        },
        **context,
    )


CHANNEL_LABELS = {
    Channel.EMAIL: "email",
    Channel.PORTAL: "the portal (they are emailed a link to it)",
    Channel.CHAT: "the chat (open now)",
    Channel.PHONE: "a call I made (written down here; nothing is sent)",
}


def delivery_text(data: dict[str, Any], choices: mailing.ReplyChoices, now: datetime) -> str:
    """Where a reply went, in a line under it: held for their contact window, a portal notice, a detour."""
    said = []
    if data.get("held_until"):
        held = datetime.fromisoformat(data["held_until"])
        zone = choices.zone
        when = f"{mailing.say_when(held, zone, now)} their time" if zone else held.strftime("%d %b %H:%M UTC")
        if held > now:
            said.append(f"Will be emailed {when} (their contact window).")
        else:
            said.append(f"Held for their contact window, then emailed {when}.")
    elif data.get("emailed") == "notice":
        said.append("Emailed them a link to it on the portal.")
    if data.get("delivery_note"):
        said.append(str(data["delivery_note"]))
    return " ".join(said)


def describe_event(entry: TimelineEntry, names: dict[int, str]) -> str:
    """One line, in words, for something that happened on a case."""
    data = entry.data or {}
    who = entry.author_staff.name if entry.author_staff else (data.get("by") or "")

    def label(value: object) -> str:
        return str(value).replace("_", " ")

    match entry.event:
        case EventType.CREATED:
            text = f"Case opened by {label(data.get('channel', ''))}"
            if data.get("follow_up_of"):
                text += f", following up case #{data['follow_up_of']}"
        case EventType.STATUS_CHANGED:
            text = f"Status: {label(data.get('from'))} → {label(data.get('to'))}"
        case EventType.REOPENED:
            text = "Reopened"
        case EventType.ASSIGNED:
            owner = data.get("owner_id")
            owner_name = names.get(owner, f"staff #{owner}") if owner else "nobody"
            if owner and owner == entry.author_staff_id:
                return f"{owner_name} took the case" + (f" ({data['reason']})" if data.get("reason") else "")
            text = f"Owner: {owner_name}"
            if data.get("reason"):
                text += f" ({data['reason']})"
        case EventType.PRIORITY_CHANGED:
            text = f"Priority: {data.get('from')} → {data.get('to')}"
        case EventType.TAGGED:
            text = "Tags: " + (", ".join(data.get("tags", [])) or "none")
        case EventType.CALLBACK_BOOKED:
            text = f"Call booked for {_when(data)} UTC, {data.get('phone')}"
        case EventType.CALLBACK_MISSED:
            text = f"Missed call: nobody called {data.get('phone')} at {_when(data)} UTC"
        case EventType.TRANSFERRED:
            to = data.get("to", {})
            owner = to.get("owner_id")
            text = "Transferred with a handoff brief" + (f" to {names.get(owner, f'staff #{owner}')}" if owner else "")
        case EventType.RESTATEMENT_DETECTED:
            text = f"The customer had to repeat themselves ({round(100 * float(data.get('score', 0)))}% the same)"
        case EventType.CONSULT_OPENED:
            due = str(data.get("due_at", ""))[:16].replace("T", " ")
            text = f"Asked a department: “{str(data.get('question', ''))[:120]}” (due {due} UTC)"
        case EventType.CONSULT_ANSWERED:
            text = "The department answered" + (" (late)" if data.get("late") else " in time")
        case EventType.ESCALATION_REQUESTED:
            by = data.get("by")
            asker: dict[str, Any] = by if isinstance(by, dict) else {}
            text = "Someone senior was asked for" + (" by the customer" if asker.get("kind") == "customer" else "")
            if data.get("words"):
                text += f": “{data['words']}”"
            told = [names.get(i, f"staff #{i}") for i in data.get("told", [])]
            if told:
                text += f" — told {', '.join(told)}; the case stays with its owner"
            return text
        case EventType.DELIVERY_FAILED:
            kind = "bounced" if data.get("bounced") else "could not be delivered"
            text = f"Our email to {data.get('recipient')} {kind}: {data.get('reason', '')}"
        case _:
            text = label(entry.event.value if entry.event else "event")
    return f"{text} — {who}" if who and entry.event is not EventType.CREATED else text


def _when(data: dict[str, Any]) -> str:
    return str(data.get("starts_at", ""))[:16].replace("T", " ")


def _next_statuses(case: Case) -> list[CaseStatus]:
    moves = sorted(TRANSITIONS.get(case.status, frozenset()), key=lambda s: list(CaseStatus).index(s))
    if case.status is CaseStatus.RESOLVED:
        moves = [CaseStatus.OPEN, *[s for s in moves if s is not CaseStatus.OPEN]]
    return moves


def _act(request: Request, number: int, form: dict[str, str], work: Any, *, then: str | None = None) -> Response:
    """Run one change on a case for the signed-in agent, then show the case again."""
    db = database(request)
    with db.unit_of_work(write=False) as session:
        try:
            agent = _agent(request, session)
        except NotStaff as refused:
            return refused.response
    if form.get("_too_large"):
        with db.unit_of_work(write=False) as session:
            return _case_page(request, session, agent, number, status_code=413, error="That is too long to send.")
    if not same(form.get("csrf", ""), agent.csrf):
        with db.unit_of_work(write=False) as session:
            return _case_page(
                request, session, agent, number, status_code=403, error="This form has expired; please try again."
            )
    try:
        with db.unit_of_work() as session:
            case = case_for(session, agent.actor, number, for_update=True)
            work(session, agent, case)
    except DomainError as error:
        with db.unit_of_work(write=False) as session:
            return _case_page(
                request, session, agent, number, status_code=error.status, error=error.detail, draft=form.get("body")
            )
    return RedirectResponse(then or f"/desk/cases/{number}#latest", status_code=303)


@router.post("/cases/{number}/reply", response_model=None)
@on_desk
def reply(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
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

    return _act(request, number, form, work)


@router.post("/cases/{number}/note", response_model=None)
@on_desk
def note(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
        service.add_note(session, agent.actor, case, form.get("body", ""))

    return _act(request, number, form, work)


@router.post("/cases/{number}/status", response_model=None)
@on_desk
def change_status(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
        status = _status(form.get("status"))
        if status is None:
            raise Invalid("Choose a status.")
        if status is CaseStatus.RESOLVED:
            service.resolve(session, agent.actor, case)
        else:
            service.change_status(session, agent.actor, case, status)

    return _act(request, number, form, work)


@router.post("/cases/{number}/owner", response_model=None)
@on_desk
def assign(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
        wanted = form.get("owner", "")
        if wanted == "me":
            owner = session.get(Staff, agent.actor.staff_id)
        elif wanted == "":
            owner = None
        elif wanted.isdigit() and int(wanted) <= MAX_ID:
            owner = session.get(Staff, int(wanted))
            if owner is None:
                raise Invalid("There is no such colleague.")
        else:
            raise Invalid("Choose a colleague.")
        service.assign(session, agent.actor, case, owner)

    return _act(request, number, form, work)


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


@router.get("/department", response_model=None)
@on_desk
def department(request: Request) -> Response:
    """The back office's queue: the consults case owners addressed to the viewer's department, soonest due first."""

    def render(session: Session, agent: Agent) -> Response:
        staff = get_staff(session, agent.actor.staff_id)
        dept = session.get(Department, staff.department_id) if staff.department_id else None
        waiting = consults.queue(session, dept.id) if dept else []
        ids = {c.case_id for c in waiting}
        subjects = {
            row.id: row.subject for row in session.execute(select(Case.id, Case.subject).where(Case.id.in_(ids)))
        }
        zone = request.app.state.callback_policy.hours.zone
        rows = [
            {
                "c": c,
                "subject": subjects.get(c.case_id, ""),
                "due": c.due_at.astimezone(zone).strftime("%a %d %b %H:%M"),
                "overdue": consults.is_overdue(c),
            }
            for c in waiting
        ]
        return page(
            request,
            "desk_department.html",
            agent=agent,
            views=VIEWS,
            current=None,
            department=dept,
            consults=rows,
            zone=str(zone),
        )

    return staff_page(request, render)


@router.post("/consults/{consult_id}/answer", response_model=None)
@on_desk
def answer_consult(request: Request, consult_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form) -> Response:
    def work(session: Session, agent: Agent) -> str:
        consults.answer(session, agent.actor, consult_id, form.get("answer", ""))
        return "/desk/department"

    return _staff_action(request, form, work)


@router.post("/cases/{number}/consults", response_model=None)
@on_desk
def ask_department(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
        department = _pick(session, Department, form.get("department", ""), "department")
        if department is None:
            raise Invalid("Choose the department to ask.")
        consults.ask(
            session, agent.actor, case, department, form.get("question", ""), request.app.state.callback_policy.hours
        )

    return _act(request, number, form, work)


@router.get("/callbacks", response_model=None)
@on_desk
def callbacks_due(request: Request) -> Response:
    """Calls to make: missed ones first (they need a person now), then the next 24 hours."""

    def render(session: Session, agent: Agent) -> Response:
        calls = callbacks.due(session)
        zone = request.app.state.callback_policy.hours.zone
        ids = {c.case_id for c in calls}
        by_id = {
            c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)).options(joinedload(Case.customer)))
        }
        rows = [
            {
                "id": c.id,
                "case": by_id[c.case_id],
                "phone": c.phone,
                "when": c.starts_at.astimezone(zone).strftime("%a %d %b %H:%M"),
                "missed": c.state is CallbackState.MISSED,
            }
            for c in sorted(calls, key=lambda c: (c.state is not CallbackState.MISSED, c.starts_at))
        ]
        return page(
            request,
            "desk_callbacks.html",
            agent=agent,
            views=VIEWS,
            current=None,
            calls=rows,
            zone=str(zone),
            callbacks_page=True,
        )

    return staff_page(request, render)


@router.post("/callbacks/{callback_id}/done", response_model=None)
@on_desk
def callback_done(request: Request, callback_id: Annotated[int, Path(ge=1, le=MAX_ID)], form: Form) -> Response:
    def work(session: Session, agent: Agent) -> str:
        callbacks.mark_done(session, agent.actor, callback_id)
        return "/desk/callbacks"

    return _staff_action(request, form, work)


@router.post("/cases/{number}/transfer", response_model=None)
@on_desk
def transfer(request: Request, number: CaseNumber, form: Form) -> Response:
    def work(session: Session, agent: Agent, case: Case) -> None:
        team = _pick(session, Team, form.get("team", ""), "team")
        owner = _pick(session, Staff, form.get("owner", ""), "colleague")
        brief = HandoffBrief(
            problem=form.get("problem", ""),
            tried=form.get("tried", ""),
            promised=form.get("promised", ""),
            feeling=form.get("feeling", ""),
        )
        service.transfer(session, agent.actor, case, brief=brief, team=team, owner=owner)

    # The case may now be out of the sender's sight (another team's): back to their queue.
    return _act(request, number, form, work, then="/desk/queue/mine")


def _pick(session: Session, model: Any, value: str, what: str) -> Any:
    if value == "":
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        raise Invalid(f"Choose a {what} from the list.")
    found = session.get(model, int(value))
    if found is None:
        raise Invalid(f"There is no such {what}.")
    return found


@router.post("/next", response_model=None)
@on_desk
def take_next(request: Request, form: Form) -> Response:
    """'Take next': the fair queue's next case in the agent's team becomes theirs."""

    def work(session: Session, agent: Agent) -> str:
        case = service.take_next(
            session,
            agent.actor,
            tier_cap_minutes=request.app.state.settings.tier_cap_minutes,
            reply_target_minutes=request.app.state.settings.reply_target_hours * 60,
        )
        return f"/desk/cases/{case.id}" if case else "/desk/queue/team?nobody=1"

    return _staff_action(request, form, work)


def _staff_action(request: Request, form: dict[str, str], work: Any) -> Response:
    """A desk form that is not about one case: check who and the CSRF token, do it, go where it says."""
    db = database(request)
    with db.unit_of_work(write=False) as session:
        try:
            agent = _agent(request, session)
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
