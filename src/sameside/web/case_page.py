"""Drawing the case page: the conversation with its composer, the toolbar's dialogs, the customer beside it.

On a wide screen the page is the desk's three panes: the views, the list the
case was opened from (`?from=<view>`), and the case. The same page is drawn
again, with the person's message beside the form they sent and what they
typed, when a change is refused (`desk._act`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from sameside.cases import queries
from sameside.cases.access import case_for
from sameside.cases.escalation import rules as escalation_rules
from sameside.cases.escalation import service as escalations
from sameside.cases.models import Case
from sameside.cases.replies import mailing
from sameside.cases.routing import service as routing
from sameside.cases.rules import TRANSITIONS, CaseStatus, EntryKind, Priority
from sameside.cases.service_levels.queries import due_label
from sameside.cases.signals import sentiment
from sameside.chat import queries as chat_queries
from sameside.consults import service as consults
from sameside.db.engine import Session
from sameside.http.links import attachment_out
from sameside.kit import clock
from sameside.kit.errors import DomainError
from sameside.knowledge import reading
from sameside.mail import queries as mail_queries
from sameside.staff import queries as staff_queries
from sameside.staff.models import Staff
from sameside.web import desk_nav
from sameside.web.back_office import consult_panel
from sameside.web.case_calls_panel import calls_panel
from sameside.web.case_links_panel import links_panel
from sameside.web.customers import panel as customer_panel
from sameside.web.delivery_lines import lines as delivery_lines
from sameside.web.deps import Agent
from sameside.web.errors import desk_missing
from sameside.web.feedback_items import feedback_panel
from sameside.web.incident_panel import incident_panel
from sameside.web.pages import page
from sameside.web.queue_rows import list_rows
from sameside.web.remedy_panel import remedies_panel
from sameside.web.repeat_panel import repeat_panel
from sameside.web.timeline_text import CHANNEL_LABELS, describe_event, feeling_words


@dataclass(frozen=True)
class OwnerGroup:
    """One team's people in an owner picker, each with how many open cases they hold."""

    label: str
    people: list[tuple[Staff, int]]


def owner_groups(session: Session, colleagues: list[Staff], team_names: dict[int, str]) -> list[OwnerGroup]:
    """Colleagues grouped by team (teams by name, then those in none), with each person's load."""
    loads = routing.load_of(session, [s.id for s in colleagues])
    groups: dict[str, list[tuple[Staff, int]]] = {}
    for person in sorted(colleagues, key=lambda s: s.name.lower()):
        label = team_names.get(person.team_id, "No team") if person.team_id else "No team"
        groups.setdefault(label, []).append((person, loads.get(person.id, 0)))
    order = sorted(groups, key=lambda name: (name == "No team", name.lower()))
    return [OwnerGroup(name, groups[name]) for name in order]


def next_statuses(case: Case) -> list[CaseStatus]:
    moves = sorted(TRANSITIONS.get(case.status, frozenset()), key=lambda s: list(CaseStatus).index(s))
    if case.status is CaseStatus.RESOLVED:
        moves = [CaseStatus.OPEN, *[s for s in moves if s is not CaseStatus.OPEN]]
    return moves


def draw(
    request: Request, session: Session, agent: Agent, number: int, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """The case page for `agent`, or the refusal when they may not see it."""
    try:
        case = case_for(session, agent.actor, number)
    except DomainError as error:
        return desk_missing(request, error.detail, status_code=error.status)
    entries = queries.timeline(session, agent.actor, case)
    files = mail_attachments(request, session, case, [e.id for e in entries])
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
    colleagues = list(staff_queries.active_colleagues(session))
    names = {s.id: s.name for s in colleagues}
    teams = staff_queries.list_teams(session)
    departments = staff_queries.list_departments(session)
    said = [e.body for e in entries if e.direction == "inbound" and e.body and not e.is_automatic]
    now = clock.now()
    choices = mailing.reply_choices(session, case, case.customer, now=now)
    escalation = escalations.open_escalation(session, case)
    zone = choices.zone  # a reply is held only for a customer whose time zone we know
    held = mailing.say_when(choices.held_until, zone, now) if choices.held_until and zone else ""
    origin = request.query_params.get("from", "")
    views = desk_nav.usable_views(agent.actor)
    listed = next((v for v in views if v.key == origin), views[0] if views else None)
    return page(
        request,
        "desk_case.html",
        status_code=status_code,
        agent=agent,
        tabs=desk_nav.tabs(request, session, agent.actor),
        listed=listed,
        rows=list_rows(request, session, agent, listed.key, limit=30) if listed else [],
        case=case,
        case_due=due_label(case, now),
        entries=entries,
        attachments=files,
        earlier=[c for c in history if c.id != case.id][:10],
        visitor=visitor,
        unproven=unproven,
        statuses=next_statuses(case),
        priorities=list(Priority),
        colleagues=colleagues,
        owner_groups=owner_groups(session, colleagues, {t.id: t.name for t in teams}),
        event_text={e.id: describe_event(e, names) for e in entries if e.kind is EntryKind.EVENT},
        brief=queries.latest_brief(session, case),
        escalation=escalation,
        escalation_ago=escalation_rules.describe_minutes(int((now - escalation.requested_at).total_seconds() // 60))
        if escalation
        else "",
        escalation_waited=escalation_rules.describe_minutes(escalation.waiting_minutes) if escalation else "",
        escalation_told=", ".join(names.get(i, f"staff #{i}") for i in escalation.told) if escalation else "",
        teams=teams,
        first_words=said[0] if said else "",
        feeling_guess=feeling_words(sentiment.describe(sentiment.tone(said))) if said else "",
        departments=departments,
        **consult_panel(
            case,
            list(consults.open_on_case(session, case.id)),
            list(departments),
            request.app.state.callback_policy.hours,
            now,
        ),
        **remedies_panel(session, agent, case),
        **links_panel(session, agent, case),
        **calls_panel(request, session, agent, case),
        **repeat_panel(session, case),
        **feedback_panel(session, agent, case),
        **incident_panel(session, case),
        names=names,
        EntryKind=EntryKind,
        choices=choices,
        channel_labels=CHANNEL_LABELS,
        their_time=now.astimezone(zone).strftime("%H:%M") if zone else None,
        held_text=held,
        **customer_panel(session, agent.actor, case, unproven=unproven),
        read_first=[] if unproven else reading.read_before(session, case),
        delivery_text=delivery_lines(session, case.id, entries, choices, now),  # where it went, what became of it
        typed=context.pop("typed", {}),
        **context,
    )


def mail_attachments(request: Request, session: Session, case: Case, entry_ids: list[int]) -> dict[int, list[Any]]:
    files = mail_queries.attachments_of(session, case.id, entry_ids)
    return {entry_id: [attachment_out(request, a) for a in rows] for entry_id, rows in files.items()}
