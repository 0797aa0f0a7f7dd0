"""The team page over HTTP: the routing mode explained, members with skills and load, and who may change them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff import service as staff_service
from sameside.staff.models import Routing, Staff, Team
from tests.factories import SYSTEM, Factory, Person
from tests.web.test_desk import signed_in


def routing_of(db: Database, team: Team) -> Routing:
    with db.unit_of_work(write=False) as s:
        row = s.get(Team, team.id)
        assert row is not None
        return row.routing


def skills_of(db: Database, person: Person) -> tuple[list[str], list[str]]:
    with db.unit_of_work(write=False) as s:
        row = s.get(Staff, person.id)
        assert row is not None
        return row.languages, row.products


def named(make: Factory, person: Person, name: str, languages: list[str], products: list[str]) -> None:
    with make.db.unit_of_work() as s:
        row = s.get(Staff, person.id)
        assert row is not None
        row.name = name
        staff_service.set_skills(s, SYSTEM, row, languages=languages, products=products)


def test_an_agent_sees_their_team_its_routing_and_each_members_skills_and_load(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team(name="Support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    colleague = make.staff(Role.AGENT, team=team, password=None)
    named(make, agent, "Dana Reyes", ["en", "de"], ["Router X2"])
    named(make, colleague, "Jonas Berg", ["de"], [])
    for _ in range(2):
        make.case(owner=colleague)
    with db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        staff_service.set_routing(s, SYSTEM, row, Routing.LEAST_LOADED)
    signed_in(client, db, agent)

    page = client.get("/desk/team")

    assert page.status_code == 200
    assert 'aria-current="page"><span class="view-label">Team</span>' in page.text
    assert "How new cases find an owner: Least loaded" in page.text
    assert "the fewest open cases" in page.text
    row = re.search(rf'<tr id="member-{colleague.id}">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "Jonas Berg" in row.group(1) and "<td>de</td>" in row.group(1) and "<td>2</td>" in row.group(1)
    assert "en, de" in page.text and "Router X2" in page.text
    assert "Change routing" not in page.text  # an agent reads, the supervisor changes
    assert "Edit skills" not in page.text
    assert client.get(f"/desk/team?team={make.team().id}").status_code == 422  # only their own team


def test_a_supervisor_changes_the_routing_and_a_members_skills(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team(name="Billing")
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    csrf = signed_in(client, db, supervisor)

    page = client.get("/desk/team")
    assert "How new cases find an owner: Take next" in page.text
    assert 'value="take_next" checked' in page.text

    changed = client.post(f"/desk/team/{team.id}/routing", data={"csrf": csrf, "routing": "skill"})
    assert changed.status_code == 200
    assert routing_of(db, team) is Routing.SKILL
    assert "Saved: routing is now “By skill (language, product)”." in changed.text

    saved = client.post(
        f"/desk/team/members/{agent.id}/skills",
        data={"csrf": csrf, "languages": "pt-BR, EN", "products": "Router X2, Mesh"},
    )
    assert saved.status_code == 200
    assert skills_of(db, agent) == (["pt", "en"], ["Router X2", "Mesh"])

    refused = client.post(f"/desk/team/{team.id}/routing", data={"csrf": "wrong", "routing": "round_robin"})
    assert refused.status_code == 403
    bad = client.post(f"/desk/team/members/{agent.id}/skills", data={"csrf": csrf, "languages": "German"})
    assert bad.status_code == 422
    beside = bad.text.split(f'action="/desk/team/members/{agent.id}/skills"', 1)[1].split("</form>", 1)[0]
    assert 'role="alert"' in beside and 'value="German"' in beside  # said where it was typed, typing kept
    assert routing_of(db, team) is Routing.SKILL


def test_a_supervisor_looks_at_other_teams_but_changes_only_their_own(
    client: TestClient, make: Factory, db: Database
) -> None:
    mine, other = make.team(name="Billing"), make.team(name="Shipping")
    supervisor = make.staff(Role.SUPERVISOR, team=mine, password=None)
    stranger = make.staff(Role.AGENT, team=other, password=None)
    csrf = signed_in(client, db, supervisor)

    page = client.get(f"/desk/team?team={other.id}")
    assert page.status_code == 200
    assert "<h1>Shipping</h1>" in page.text
    assert "Change routing" not in page.text

    assert client.post(f"/desk/team/{other.id}/routing", data={"csrf": csrf, "routing": "skill"}).status_code == 403
    skills = client.post(f"/desk/team/members/{stranger.id}/skills", data={"csrf": csrf, "languages": "fi"})
    assert skills.status_code == 403
    assert routing_of(db, other) is Routing.TAKE_NEXT
    assert skills_of(db, stranger) == ([], [])


def test_an_admin_without_a_team_picks_one_and_changes_it(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team(name="Support")
    admin = make.staff(Role.ADMIN, password=None)
    csrf = signed_in(client, db, admin)

    page = client.get("/desk/team")
    assert "You are not in a team" in page.text
    assert f'href="/desk/team?team={team.id}"' in page.text

    assert "Change routing" in client.get(f"/desk/team?team={team.id}").text
    changed = client.post(f"/desk/team/{team.id}/routing", data={"csrf": csrf, "routing": "round_robin"})
    assert changed.status_code == 200
    assert routing_of(db, team) is Routing.ROUND_ROBIN


def test_the_team_page_is_for_staff(client: TestClient, make: Factory) -> None:
    anonymous = client.get("/desk/team", follow_redirects=False)
    assert anonymous.status_code == 303
    client.cookies.set("sameside_session", make.customer_session(make.customer())["Cookie"].split("=", 1)[1])
    assert client.get("/desk/team").status_code == 403
