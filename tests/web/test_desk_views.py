"""The views on the left: each role lands on its own work, sees only the views it can use, with bounded counts."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sameside.cases import glance
from sameside.cases.queries import CaseFilter
from sameside.db.engine import Database
from sameside.kit.actors import Role, StaffActor
from tests.factories import Factory
from tests.web.test_desk import signed_in


def views(html: str) -> list[str]:
    nav = html.split('id="desk-views"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<span class="view-label">([^<]+)</span>', nav)


def test_an_agent_lands_on_their_own_cases_and_sees_the_team_views(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    make.case(team=team, subject="Parcel never arrived")
    signed_in(client, db, agent)

    landed = client.get("/desk", follow_redirects=False)
    assert landed.headers["location"] == "/desk/queue/mine"
    shown = views(client.get("/desk/queue/mine").text)
    assert shown[:5] == ["Mine", "My team", "Unowned", "Due soon", "Waiting on internal"]
    assert "Reports" not in shown and "Needs a team" not in shown and "Department" not in shown
    assert client.get("/desk/queue/needs-team").status_code == 403


def test_a_back_office_member_lands_on_their_consults_and_sees_no_team_queues(
    client: TestClient, make: Factory, db: Database
) -> None:
    shipping = make.department("shipping")
    member = make.staff(Role.AGENT, department=shipping, password=None)
    signed_in(client, db, member)

    landed = client.get("/desk", follow_redirects=False)
    assert landed.headers["location"] == "/desk/department"
    shown = views(client.get("/desk/department").text)
    assert shown == ["Department", "Mine", "Feedback", "Notifications"]  # feedback about their department (P15)


def test_a_supervisor_sees_the_cases_that_need_a_team_with_their_count(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    make.case(subject="Came in by chat, no team yet")
    make.case(team=team, subject="Has a home")
    signed_in(client, db, lead)

    landed = client.get("/desk", follow_redirects=False)
    assert landed.headers["location"] == "/desk/queue/team"
    homeless = client.get("/desk/queue/needs-team")
    assert homeless.status_code == 200
    assert "Came in by chat, no team yet" in homeless.text and "Has a home" not in homeless.text
    assert re.search(r'<span class="view-label">Needs a team</span>\s*<span class="count"[^>]*>1<', homeless.text)
    assert "Reports" in views(homeless.text)


def test_a_count_stops_at_its_cap(make: Factory, db: Database) -> None:
    team = make.team("support")
    for n in range(4):
        make.case(team=team, subject=f"Case {n}")
    actor = StaffActor(staff_id=1, role=Role.SUPERVISOR)
    with db.unit_of_work(write=False) as s:
        counted = glance.bounded_count(s, actor, CaseFilter(team_id=team.id), cap=3)
    assert counted == 3 and glance.say_count(counted, cap=3) == "2+"
    assert glance.say_count(2, cap=3) == "2"


def test_a_filter_that_is_not_one_is_refused_beside_the_filters(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    make.case(team=team, subject="Parcel never arrived")
    signed_in(client, db, agent)

    refused = client.get("/desk/queue/team?priority=whenever")
    assert refused.status_code == 422
    filters = refused.text.split('class="filters"', 1)[1].split("</form>", 1)[0]
    assert "&#39;whenever&#39; is not a priority to filter by." in filters
    assert client.get("/desk/queue/team?sort=alphabetical").status_code == 422
    narrowed = client.get("/desk/queue/team?priority=urgent")
    assert narrowed.status_code == 200 and "Parcel never arrived" not in narrowed.text
