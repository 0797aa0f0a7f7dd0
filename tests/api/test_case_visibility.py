"""One customer, one picture: who reads a case over the API, restricted teams, transfers and consults."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.cases.models import CasePreviousOwner
from sameside.cases.rules import HandoffBrief
from sameside.consults import service as consult_service
from sameside.kit.actors import Role
from sameside.kit.hours import parse_hours
from sameside.staff.models import Department, Staff, Team
from tests.factories import SYSTEM, Factory

BRIEF = HandoffBrief(problem="Charged twice", tried="Checked", promised="Nothing yet", feeling="Calm")


def _numbers(client: TestClient, headers: dict[str, str], **params: Any) -> set[int]:
    response = client.get("/api/v1/cases", headers=headers, params={"limit": 200, **params})
    assert response.status_code == 200, response.text
    return {item["number"] for item in response.json()["items"]}


def _restrict(client: TestClient, admin: dict[str, str], team: Team, restricted: bool = True) -> None:
    response = client.patch(f"/api/v1/teams/{team.id}", headers=admin, json={"restricted": restricted})
    assert response.status_code == 200, response.text
    assert response.json()["restricted"] is restricted


def test_only_an_admin_makes_a_team_restricted(client: TestClient, make: Factory) -> None:
    team = make.team()
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    admin = make.staff(Role.ADMIN, password=None)
    refused = client.patch(f"/api/v1/teams/{team.id}", headers=supervisor.headers, json={"restricted": True})
    assert refused.status_code == 403
    assert client.get("/api/v1/teams", headers=supervisor.headers).json()[0]["restricted"] is False
    _restrict(client, admin.headers, team)
    _restrict(client, admin.headers, team, restricted=False)


def test_a_restricted_teams_cases_are_read_by_those_who_need_them(client: TestClient, make: Factory) -> None:
    legal, billing = make.team(), make.team()
    ops = make.department()
    admin = make.staff(Role.ADMIN, password=None)
    lawyer = make.staff(Role.AGENT, team=legal, password=None)
    agent = make.staff(Role.AGENT, team=billing, password=None)
    clerk = make.staff(Role.AGENT, department=ops, password=None)
    idle_clerk = make.staff(Role.AGENT, department=make.department(), password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=billing, password=None)
    _restrict(client, admin.headers, legal)

    customer = make.customer(name="Rita Restricted")
    quiet = make.case(customer, team=legal).id
    consulted = make.case(customer, team=legal).id
    with make.db.unit_of_work() as s:
        department = s.get(Department, ops.id)
        assert department is not None
        consult_service.ask(
            s,
            SYSTEM,
            case_for(s, SYSTEM, consulted),
            department,
            "Is this refund allowed?",
            parse_hours("Mon-Sun 00:00-23:59", "UTC"),
        )
    handed_over = make.case(customer, team=billing, owner=agent).id
    with make.db.unit_of_work() as s:
        case_service.transfer(s, SYSTEM, case_for(s, SYSTEM, handed_over), brief=BRIEF, team=s.get(Team, legal.id))
    open_case = make.case(customer, team=billing).id

    every = {quiet, consulted, handed_over, open_case}
    expected = {
        "lawyer": (lawyer, every),
        "supervisor": (supervisor, every),
        "admin": (admin, every),
        "agent (previous owner)": (agent, {handed_over, open_case}),
        "clerk (consulted)": (clerk, {consulted, open_case}),
        "clerk of another department": (idle_clerk, {open_case}),
    }
    problems = []
    for who, (person, visible) in expected.items():
        if (listed := _numbers(client, person.headers, customer=customer.id)) != visible:
            problems.append(f"{who} lists {sorted(listed)}, expected {sorted(visible)}")
        for number in sorted(every):
            got = client.get(f"/api/v1/cases/{number}", headers=person.headers).status_code
            if got != (200 if number in visible else 404):
                problems.append(f"{who} reads #{number}: {got}")
    assert not problems, "\n".join(problems)


def test_the_previous_owner_reads_the_case_they_handed_on_and_changes_nothing(
    client: TestClient, make: Factory
) -> None:
    billing, legal = make.team(), make.team()
    admin = make.staff(Role.ADMIN, password=None)
    agent = make.staff(Role.AGENT, team=billing, password=None)
    _restrict(client, admin.headers, legal)
    number = make.case(team=billing, owner=agent).id
    moved = client.post(
        f"/api/v1/cases/{number}/transfer",
        headers=agent.headers,
        json={"team_id": legal.id, "brief": BRIEF.__dict__},
    )
    assert moved.status_code == 200, moved.text
    assert client.get(f"/api/v1/cases/{number}", headers=agent.headers).status_code == 200
    refused = client.post(f"/api/v1/cases/{number}/replies", headers=agent.headers, json={"body": "Me again"})
    assert refused.status_code == 403
    assert "another team's" in refused.json()["detail"]


def test_a_back_office_member_reads_the_case_they_are_consulted_on(client: TestClient, make: Factory) -> None:
    team = make.team()
    ops = make.department()
    agent = make.staff(Role.AGENT, team=team, password=None)
    clerk = make.staff(Role.AGENT, department=ops, password=None)
    number = make.case(team=team, owner=agent).id
    asked = client.post(
        f"/api/v1/cases/{number}/consults",
        headers=agent.headers,
        json={"department_id": ops.id, "question": "Shipped?"},
    )
    assert asked.status_code == 201, asked.text
    read = client.get(f"/api/v1/cases/{number}", headers=clerk.headers)
    assert read.status_code == 200
    assert any(e.get("body") == "Shipped?" or "Shipped?" in str(e) for e in read.json()["timeline"])


def test_reassigning_keeps_every_previous_owner(make: Factory) -> None:
    team = make.team()
    first, second = make.staff(Role.AGENT, team=team, password=None), make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=first).id
    with make.db.unit_of_work() as s:
        case_service.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, second.id))
    with make.db.unit_of_work() as s:
        case_service.assign(s, SYSTEM, case_for(s, SYSTEM, number), s.get(Staff, first.id))
    with make.db.unit_of_work() as s:
        case_service.assign(s, SYSTEM, case_for(s, SYSTEM, number), None)
    with make.db.unit_of_work(write=False) as s:
        kept = set(s.scalars(select(CasePreviousOwner.staff_id).where(CasePreviousOwner.case_id == number)))
    assert kept == {first.id, second.id}
