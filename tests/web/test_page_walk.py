"""Every desk and portal page, walked with every role: no 500, and the answer each role should get.

The list of pages comes from the app's own routes (every GET under `/desk`
and `/portal`), so a new page fails `test_every_page_has_an_expectation`
until someone says here who may open it. Each page is opened as a browser
would (`Accept: text/html`), on a world where the case is in the agent's
team, the back-office member's department was consulted on it, and the
customer is the case's own:

- 303: nobody signed in at the desk (to the sign-in page), or staff in the portal (to the desk);
- 401: nobody signed in in the portal (its sign-in page);
- 403: a customer at the desk, or staff at a page for other roles;
- 404: what does not exist or is not theirs to read;
- 200: allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sameside.auth import service as auth
from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.cases.rules import HandoffBrief
from sameside.consults import service as consult_service
from sameside.customers.models import Customer
from sameside.kit.actors import Role
from sameside.kit.hours import parse_hours
from sameside.staff import notifications
from sameside.staff.models import Department, Staff, Team
from tests.factories import SYSTEM, Factory, Person
from tests.incidents.seed import declared_incident
from tests.knowledge.seed import article
from tests.saved_replies.seed import shared_reply
from tests.web import admin_seed
from tests.webhooks.seed import webhook as seeded_webhook

ROLES = ("anonymous", "customer", "agent", "back_office", "supervisor", "admin")
HTML = {"Accept": "text/html,application/xhtml+xml"}


@dataclass
class World:
    make: Factory
    staff: dict[str, Person]
    customer: Customer
    case: int
    restricted_case: int
    organisation: int
    department: int
    notification: int  # the agent's, about the case they handed on

    def sign_in(self, client: TestClient, role: str) -> None:
        client.cookies.clear()
        if role == "anonymous":
            return
        if role == "customer":
            token = self.make.customer_session(self.customer)["Cookie"].split("=", 1)[1]
        else:
            with self.make.db.unit_of_work() as s:
                staff = s.get(Staff, self.staff[role].id)
                assert staff is not None
                token = auth.open_session(s, staff=staff, days=1).token
        client.cookies.set("sameside_session", token)


def _build(make: Factory) -> World:
    support, legal = make.team(name="Support"), make.team(name="Legal")
    department = make.department()
    staff = {
        "agent": make.staff(Role.AGENT, team=support, password=None),
        "back_office": make.staff(Role.AGENT, department=department, password=None),
        "supervisor": make.staff(Role.SUPERVISOR, team=support, password=None),
        "admin": make.staff(Role.ADMIN, password=None),
    }
    organisation = make.organization("Globex", domain="globex.example")
    customer = make.customer("casey@globex.example", name="Casey")
    case = make.case(customer, team=support).id
    handed_on = make.case(customer, team=support, owner=staff["agent"]).id
    with make.db.unit_of_work() as s:
        legal_row = s.get(Team, legal.id)
        dept = s.get(Department, department.id)
        assert legal_row is not None and dept is not None
        legal_row.restricted = True
        every_hour = parse_hours("Mon-Sun 00:00-23:59", "UTC")
        consult_service.ask(s, SYSTEM, case_for(s, SYSTEM, case), dept, "Has it shipped?", every_hour)
        brief = HandoffBrief("Dispute", "Read it", "Nothing yet", "Worried")
        case_service.transfer(s, SYSTEM, case_for(s, SYSTEM, handed_on), brief=brief, team=legal_row)
        [note] = notifications.notify(
            s, [staff["agent"].id], kind="transferred", text=f"#{handed_on} went to Legal", case_id=handed_on
        )
        notification = note.id
    restricted_case = make.case(make.customer(), team=legal).id
    return World(make, staff, customer, case, restricted_case, organisation.id, department.id, notification)


Path = Callable[[World], str]


def _quarantined(w: World) -> int:
    with w.make.db.unit_of_work() as s:
        return admin_seed.quarantined(s)


# The expected status per role, in the order of ROLES: anonymous, customer, agent, back_office, supervisor, admin
DESK = (303, 403)  # nobody signed in, a customer
PAGES: dict[str, tuple[Path, tuple[int, ...]]] = {
    "/desk": (lambda w: "/desk", (*DESK, 303, 303, 303, 303)),  # each role lands on its own work
    "/desk/queue/{view}": (lambda w: "/desk/queue/mine", (*DESK, 200, 200, 200, 200)),
    "/desk/cases/{number}": (lambda w: f"/desk/cases/{w.case}", (*DESK, 200, 200, 200, 200)),
    "/desk/cases/{number}/answers": (lambda w: f"/desk/cases/{w.case}/answers", (*DESK, 200, 200, 200, 200)),
    "/desk/cases/{number}/consults/line": (
        lambda w: f"/desk/cases/{w.case}/consults/line?department={w.department}",
        (*DESK, 200, 200, 200, 200),
    ),
    "/desk/customers": (lambda w: "/desk/customers?q=casey", (*DESK, 200, 200, 200, 200)),
    "/desk/customers/{customer_id}": (lambda w: f"/desk/customers/{w.customer.id}", (*DESK, 200, 200, 200, 200)),
    "/desk/organisations/{organisation_id}": (
        lambda w: f"/desk/organisations/{w.organisation}",
        (*DESK, 200, 200, 200, 200),
    ),
    "/desk/notifications": (lambda w: "/desk/notifications", (*DESK, 200, 200, 200, 200)),
    # Count fragments (htmx fills them in on every desk page) answer an empty span to anyone not at the desk.
    "/desk/notifications/count": (lambda w: "/desk/notifications/count", (200, 200, 200, 200, 200, 200)),
    # The agent's notification opens the case they handed on to a restricted team; anyone else's is not theirs.
    "/desk/notifications/{notification_id}/open": (
        lambda w: f"/desk/notifications/{w.notification}/open",
        (*DESK, 303, 404, 404, 404),
    ),
    "/desk/callbacks": (lambda w: "/desk/callbacks", (*DESK, 200, 200, 200, 200)),
    "/desk/callers": (lambda w: "/desk/callers?q=casey", (*DESK, 200, 200, 200, 200)),
    "/desk/department": (lambda w: "/desk/department", (*DESK, 200, 200, 200, 200)),
    "/desk/feedback": (lambda w: "/desk/feedback", (*DESK, 200, 200, 200, 200)),
    "/desk/team": (lambda w: "/desk/team", (*DESK, 200, 200, 200, 200)),
    "/desk/reports/fairness": (lambda w: "/desk/reports/fairness", (*DESK, 200, 200, 200, 200)),
    "/desk/reports": (lambda w: "/desk/reports?days=90", (*DESK, 403, 403, 200, 200)),
    "/desk/search": (lambda w: "/desk/search?q=shipped", (*DESK, 200, 200, 200, 200)),
    "/desk/service-levels": (lambda w: "/desk/service-levels", (*DESK, 403, 403, 200, 200)),
    "/desk/chats": (lambda w: "/desk/chats", (*DESK, 200, 200, 200, 200)),
    # Grants above budget wait for supervisors; the ledger of remedies is theirs too.
    "/desk/approvals": (lambda w: "/desk/approvals", (*DESK, 403, 403, 200, 200)),
    "/desk/reports/remedies": (lambda w: "/desk/reports/remedies?group=agent", (*DESK, 403, 403, 200, 200)),
    "/desk/chats/count": (lambda w: "/desk/chats/count", (200, 200, 200, 200, 200, 200)),
    # The knowledge base: every staff member writes and reads it.
    "/desk/knowledge": (lambda w: "/desk/knowledge", (*DESK, 200, 200, 200, 200)),
    "/desk/knowledge/new": (lambda w: "/desk/knowledge/new", (*DESK, 200, 200, 200, 200)),
    "/desk/knowledge/{article_id}": (
        lambda w: f"/desk/knowledge/{article(w.make.db, w.staff['admin'].id)}",
        (*DESK, 200, 200, 200, 200),
    ),
    "/desk/knowledge/{article_id}/revisions": (
        lambda w: f"/desk/knowledge/{article(w.make.db, w.staff['admin'].id)}/revisions",
        (*DESK, 200, 200, 200, 200),
    ),
    # Saved replies: every staff member uses the shared ones and keeps their own; the picker under the reply box.
    "/desk/saved-replies": (lambda w: "/desk/saved-replies?q=refund", (*DESK, 200, 200, 200, 200)),
    "/desk/saved-replies/{reply_id}": (
        lambda w: f"/desk/saved-replies/{shared_reply(w.make.db, w.staff['admin'].id)}",
        (*DESK, 200, 200, 200, 200),
    ),
    "/desk/cases/{number}/saved-replies": (
        lambda w: f"/desk/cases/{w.case}/saved-replies?saved_q=refund",
        (*DESK, 200, 200, 200, 200),
    ),
    # The language coach's rules and figures: supervisors read them, admins change them.
    "/desk/coach": (lambda w: "/desk/coach", (*DESK, 403, 403, 200, 200)),
    # Incidents (P11): every staff member reads them; supervisors and admins declare (the form says so to others).
    "/desk/incidents": (lambda w: "/desk/incidents", (*DESK, 200, 200, 200, 200)),
    "/desk/incidents/new": (lambda w: "/desk/incidents/new", (*DESK, 200, 200, 200, 200)),
    "/desk/incidents/{incident_id}": (
        lambda w: f"/desk/incidents/{declared_incident(w.make.db, w.staff['supervisor'].id)}",
        (*DESK, 200, 200, 200, 200),
    ),
    # The admin centre: admins only.
    "/desk/admin": (lambda w: "/desk/admin", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/people": (lambda w: "/desk/admin/people", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/teams": (lambda w: "/desk/admin/teams", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/tokens": (lambda w: "/desk/admin/tokens", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/audit": (lambda w: "/desk/admin/audit", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/business": (lambda w: "/desk/admin/business", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/branding": (lambda w: "/desk/admin/branding", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/channels": (lambda w: "/desk/admin/channels", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/service-levels": (lambda w: "/desk/admin/service-levels", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/quarantine": (lambda w: "/desk/admin/quarantine", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/webhooks": (lambda w: "/desk/admin/webhooks", (*DESK, 403, 403, 403, 200)),
    "/desk/admin/webhooks/{webhook_id}": (
        lambda w: f"/desk/admin/webhooks/{seeded_webhook(w.make.db, w.staff['admin'].id)}",
        (*DESK, 403, 403, 403, 200),
    ),
    "/desk/admin/quarantine/{inbound_id}": (
        lambda w: f"/desk/admin/quarantine/{_quarantined(w)}",
        (*DESK, 403, 403, 403, 200),
    ),
    "/portal": (lambda w: "/portal", (401, 200, 303, 303, 303, 303)),
    "/portal/new": (lambda w: "/portal/new", (401, 200, 303, 303, 303, 303)),
    "/portal/preferences": (lambda w: "/portal/preferences", (401, 200, 303, 303, 303, 303)),
    "/portal/cases/{number}": (lambda w: f"/portal/cases/{w.case}", (401, 200, 303, 303, 303, 303)),
    "/portal/cases/{number}/callback": (
        lambda w: f"/portal/cases/{w.case}/callback",
        (401, 200, 303, 303, 303, 303),
    ),
}

# Pages about one thing, asked for one that is not theirs to read (a restricted team's case, someone
# else's) or not there at all: a page saying so, in the viewer's chrome; never a 500, never JSON.
NOT_THEIRS: dict[str, tuple[Path, tuple[int, ...]]] = {
    "restricted case": (lambda w: f"/desk/cases/{w.restricted_case}", (*DESK, 404, 404, 200, 200)),
    "missing case": (lambda w: "/desk/cases/999999", (*DESK, 404, 404, 404, 404)),
    "missing customer": (lambda w: "/desk/customers/999999", (*DESK, 404, 404, 404, 404)),
    "missing organisation": (lambda w: "/desk/organisations/999999", (*DESK, 404, 404, 404, 404)),
    "missing saved reply": (lambda w: "/desk/saved-replies/999999", (*DESK, 404, 404, 404, 404)),
    "missing incident": (lambda w: "/desk/incidents/999999", (*DESK, 404, 404, 404, 404)),
    "not a case number": (lambda w: "/desk/cases/abc", (*DESK, 404, 404, 404, 404)),
    "unknown desk page": (lambda w: "/desk/nothing-here", (404, 404, 404, 404, 404, 404)),
    "someone else's case in the portal": (
        lambda w: f"/portal/cases/{w.restricted_case}",
        (401, 404, 303, 303, 303, 303),
    ),
    "unknown portal page": (lambda w: "/portal/nothing-here", (404, 404, 404, 404, 404, 404)),
    "unknown address": (lambda w: "/nothing/here", (404, 404, 404, 404, 404, 404)),
}


def page_paths(app: FastAPI) -> set[str]:
    """Every GET route under /desk and /portal, as the app has them (included routers flattened)."""
    found: set[str] = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        entries: list[Any] = list(contexts()) if contexts is not None else [route]
        for entry in entries:
            path, methods = getattr(entry, "path", ""), getattr(entry, "methods", None) or set()
            if "GET" in methods and re.match(r"^/(desk|portal)(/|$)", path):
                found.add(path)
    return found


def _walk(client: TestClient, world: World, table: dict[str, tuple[Path, tuple[int, ...]]]) -> list[str]:
    problems: list[str] = []
    for name, (path_of, expected) in table.items():
        path = path_of(world)
        for role, want in zip(ROLES, expected, strict=True):
            world.sign_in(client, role)
            response = client.get(path, headers=HTML, follow_redirects=False)
            got = response.status_code
            html = response.headers.get("content-type", "").startswith("text/html")
            if got != want or got >= 500 or (got != 303 and not html):
                text = re.sub(r"\s+", " ", response.text)[:120]
                problems.append(f"  {name}: GET {path} as {role}: expected {want}, got {got} — {text}")
    client.cookies.clear()
    return problems


def test_every_page_has_an_expectation(client: TestClient) -> None:
    missing = sorted(page_paths(client.app) - PAGES.keys())  # type: ignore[arg-type]
    assert not missing, f"pages with no expectation in tests/web/test_page_walk.py: {missing}"
    for _, expected in (*PAGES.values(), *NOT_THEIRS.values()):
        assert len(expected) == len(ROLES)


def test_every_page_with_every_role(client: TestClient, make: Factory) -> None:
    world = _build(make)
    present = page_paths(client.app)  # type: ignore[arg-type]
    problems = _walk(client, world, {k: v for k, v in PAGES.items() if k in present})
    assert not problems, f"{len(problems)} pages answered differently than expected:\n" + "\n".join(problems)


def test_what_is_not_theirs_or_not_there_is_an_honest_page(client: TestClient, make: Factory) -> None:
    world = _build(make)
    problems = _walk(client, world, NOT_THEIRS)
    assert not problems, f"{len(problems)} pages answered differently than expected:\n" + "\n".join(problems)
