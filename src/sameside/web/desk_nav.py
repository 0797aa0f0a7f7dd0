"""The desk's views on the left: which a person can use, where each leads, and how many cases each holds.

Every desk page draws them (`pages.page` asks here when it draws a desk
page), so a count is always the count of now. A view a person cannot use is
not shown: a back-office member sees their department's consults, not team
queues; reports are for supervisors. Views other pages serve (chats, cases
that need a team) appear once their page exists, with the count fragment that
page offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request

from sameside.cases import glance
from sameside.cases.queries import CaseFilter
from sameside.cases.rules import CaseStatus
from sameside.consults import queries as consult_queries
from sameside.db.engine import Session
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor

ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL, CaseStatus.WAITING_ON_CUSTOMER)
DUE_WARNING = timedelta(hours=2)
"""'Due soon' holds a case from this long before its next service-level time (`cases.due_at`)."""


@dataclass(frozen=True)
class QueueView:
    key: str
    label: str
    explain: str


VIEWS = (
    QueueView("mine", "Mine", "Cases you own that are not resolved."),
    QueueView("team", "My team", "Your team's cases that need someone: new, open or waiting on us."),
    QueueView("unowned", "Unowned", "New and open cases in your team that nobody has taken yet."),
    QueueView(
        "due", "Due soon", "Cases whose next service-level time is within two hours or already past, soonest first."
    ),
    QueueView("internal", "Waiting on internal", "Cases waiting on a colleague or department, yours or your team's."),
    QueueView(
        "needs-team",
        "Needs a team",
        "Cases no channel or default team took in: give each a team (Transfer) or take it. Oldest first.",
    ),
)
VIEW_KEYS = tuple(v.key for v in VIEWS)


@dataclass(frozen=True)
class Tab:
    """One view in the desk's left column."""

    key: str
    label: str
    href: str
    count: str | None = None
    count_url: str | None = None
    """A fragment the page loads for the count, when another page keeps it (chats, notifications)."""


def view_filter(actor: StaffActor, key: str) -> CaseFilter:
    """The cases a queue view holds for this person (its statuses, team and owner)."""
    team, owner = (actor.team_id, None) if actor.team_id else (None, actor.staff_id)
    match key:
        case "mine":
            return CaseFilter(statuses=ACTIVE, owner_id=actor.staff_id)
        case "team":
            return CaseFilter(
                statuses=(CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL), team_id=actor.team_id
            )
        case "unowned":
            return CaseFilter(statuses=(CaseStatus.NEW, CaseStatus.OPEN), team_id=actor.team_id, unowned=True)
        case "internal":
            return CaseFilter(statuses=(CaseStatus.WAITING_ON_INTERNAL,), team_id=team, owner_id=owner)
        case "needs-team":
            return CaseFilter(statuses=ACTIVE)
        case "due":
            return CaseFilter(
                statuses=(CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_INTERNAL), team_id=team, owner_id=owner
            )
    raise ValueError(key)


def due_cutoff() -> datetime:
    """A case is due soon once its next service-level time falls before this (or has passed)."""
    return clock.now() + DUE_WARNING


def view_narrow(key: str) -> glance.Narrow | None:
    """What a view narrows to beyond its filter: "Needs a team" holds the cases in no team."""
    return glance.Narrow(homeless=True) if key == "needs-team" else None


def usable_views(actor: StaffActor) -> list[QueueView]:
    """The queue views this person can work: team queues only for someone in a team; supervisors see the homeless."""
    in_team = actor.team_id is not None
    back_office_only = actor.department_id is not None and not in_team and not actor.at_least(Role.SUPERVISOR)
    keep = {"mine"} if back_office_only else {"mine", "due", "internal"}
    if in_team:
        keep |= {"team", "unowned"}
    if actor.at_least(Role.SUPERVISOR):
        keep.add("needs-team")
    return [v for v in VIEWS if v.key in keep]


def landing(actor: StaffActor) -> str:
    """Where a person lands at /desk: their own work."""
    if actor.department_id is not None and actor.team_id is None and not actor.at_least(Role.SUPERVISOR):
        return "/desk/department"
    if actor.at_least(Role.SUPERVISOR):
        return "/desk/queue/team" if actor.team_id else "/desk/queue/due"
    return "/desk/queue/mine"


_ELSEWHERE = (
    # key, label, where its page lives, the count fragment it offers, who may use it
    ("chats", "Chats", ("/desk/chats",), "/desk/chats/count", "team"),
    ("callers", "New phone case", ("/desk/callers",), None, "team"),
    ("saved-replies", "Saved replies", ("/desk/saved-replies",), None, "team"),
)


def _route_paths(request: Request) -> set[str]:
    known: set[str] | None = getattr(request.app.state, "desk_paths", None)
    if known is None:
        # Included routers are kept nested (`_IncludedRouter`): their routes are read through their contexts.
        known = set()
        for route in request.app.routes:
            contexts = getattr(route, "effective_route_contexts", None)
            known |= {str(getattr(entry, "path", "")) for entry in (contexts() if contexts else [route])}
        request.app.state.desk_paths = known
    return known


def tabs(request: Request, session: Session, actor: StaffActor) -> list[Tab]:
    """The left column for this person, each view with its count."""
    supervisor = actor.at_least(Role.SUPERVISOR)
    paths = _route_paths(request)
    shown: list[Tab] = []
    for view in usable_views(actor):
        cutoff = due_cutoff() if view.key == "due" else None
        count = glance.bounded_count(
            session,
            actor,
            view_filter(actor, view.key),
            narrow=view_narrow(view.key),
            due_before=cutoff,
        )
        shown.append(Tab(view.key, view.label, f"/desk/queue/{view.key}", glance.say_count(count)))
    for key, label, candidates, count_url, who in _ELSEWHERE:
        href = next((p for p in candidates if p in paths), None)
        may = supervisor if who == "supervisor" else (supervisor or actor.team_id is not None)
        if href and may:
            shown.append(Tab(key, label, href, count_url=count_url if count_url in paths else None))
    if actor.department_id is not None:
        waiting = consult_queries.department_queue(session, actor.department_id)
        tab = Tab("department", "Department", "/desk/department", glance.say_count(len(waiting)))
        shown.insert(0 if actor.team_id is None else len(shown), tab)
    if "/desk/feedback" in paths and (supervisor or actor.team_id is not None or actor.department_id is not None):
        shown.append(Tab("feedback", "Feedback", "/desk/feedback"))  # P15: what customers said about us
    if actor.team_id is not None or supervisor:
        shown.append(Tab("callbacks", "Callbacks", "/desk/callbacks"))
        shown.append(Tab("team-page", "Team", "/desk/team"))
        shown.append(Tab("incidents", "Incidents", "/desk/incidents"))  # the front line's; back office may open it
    if supervisor:
        shown.append(Tab("reports", "Reports", "/desk/reports"))
    shown.append(Tab("notifications", "Notifications", "/desk/notifications", count_url="/desk/notifications/count"))
    if actor.role is Role.ADMIN:
        shown.append(Tab("admin", "Admin", "/desk/admin"))
    return shown
