"""The fairness report (P9): each tier's wait for a first human reply, beside standard's, over the API and the desk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.customers.models import Customer
from sameside.customers.rules import Tier
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor
from sameside.staff.models import Team
from tests.factories import Factory, Person
from tests.web.test_desk import signed_in

T0 = datetime(2031, 5, 5, 9, 0, tzinfo=UTC)


def _answered_after(db: Database, make: Factory, team: Team, agent: Person, tier: Tier, minutes: int) -> int:
    customer = make.customer()
    with db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        row.tier = tier
    with clock.frozen(T0):
        case = make.case(customer, team=team)
    if minutes >= 0:
        with clock.frozen(T0 + timedelta(minutes=minutes)), db.unit_of_work() as s:
            actor = StaffActor(agent.id, Role.AGENT, team.id)
            cases.reply(s, actor, case_for(s, actor, case.id), "Here is what happened.")
    return case.id


def test_the_report_shows_each_tiers_median_wait_and_whether_the_head_start_held(
    client: TestClient, db: Database, make: Factory
) -> None:
    team = make.team()
    agent = make.staff(team=team)
    for minutes in (40, 50, 60, 70, 80):
        _answered_after(db, make, team, agent, Tier.STANDARD, minutes)
    for minutes in (20, 30, 30, 40, 50):
        _answered_after(db, make, team, agent, Tier.PREMIUM, minutes)
    _answered_after(db, make, team, agent, Tier.ENTERPRISE, -1)  # still waiting
    other_team = make.team()

    with clock.frozen(T0 + timedelta(hours=3)):
        body = client.get(f"/api/v1/reports/wait-parity?days=7&team_id={team.id}", headers=agent.headers).json()
        elsewhere = client.get(f"/api/v1/reports/wait-parity?team_id={other_team.id}", headers=agent.headers).json()
    tiers = {row["tier"]: row for row in body["tiers"]}
    assert tiers["standard"]["median_minutes"] == 60 and tiers["standard"]["ratio_to_standard"] == 1.0
    assert tiers["premium"]["median_minutes"] == 30 and tiers["premium"]["ratio_to_standard"] == 0.5
    assert tiers["enterprise"] == {
        "tier": "enterprise",
        "cases": 1,
        "still_waiting": 1,
        "median_minutes": None,  # one case is no trend
        "p90_minutes": None,
        "ratio_to_standard": None,
    }
    assert body["widest_gap_minutes"] == 30 and body["within_bound"] is True and body["tier_cap_minutes"] == 60
    assert body["p90_ratio"] == 1.6  # standard's p90 80 min over premium's 50
    assert all(row["cases"] == 0 for row in elsewhere["tiers"]) and elsewhere["within_bound"] is None

    # Cases opened before the period are not in it.
    with clock.frozen(T0 + timedelta(days=10)):
        later = client.get(f"/api/v1/reports/wait-parity?days=7&team_id={team.id}", headers=agent.headers).json()
    assert sum(row["cases"] for row in later["tiers"]) == 0


def test_the_report_refuses_bad_input_and_customers(client: TestClient, make: Factory) -> None:
    agent = make.staff()
    assert client.get("/api/v1/reports/wait-parity?days=0", headers=agent.headers).status_code == 422
    assert client.get("/api/v1/reports/wait-parity?team_id=999999", headers=agent.headers).status_code == 404
    customer_headers = make.customer_session(make.customer())
    assert client.get("/api/v1/reports/wait-parity", headers=customer_headers).status_code == 403
    assert client.get("/api/v1/reports/wait-parity").status_code == 401


def test_the_desk_page_shows_the_table_and_how_take_next_chooses(
    client: TestClient, db: Database, make: Factory
) -> None:
    team = make.team(name="Billing")
    agent = make.staff(team=team)
    for minutes in (10, 10, 10, 10, 10):
        _answered_after(db, make, team, agent, Tier.STANDARD, minutes)
    for minutes in (200, 200, 200, 200, 200):
        _answered_after(db, make, team, agent, Tier.PREMIUM, minutes)
    with clock.frozen(T0 + timedelta(hours=5)):
        signed_in(client, db, agent)
        page = client.get(f"/desk/reports/fairness?days=7&team={team.id}")
    assert page.status_code == 200
    html = page.text
    assert "Is the queue fair?" in html and "in Billing" in html
    assert "10 min" in html and "200 min" in html and "20.00×" in html
    assert "never more than 60 minutes" in html
    # Premium waited longer here: no tier was served faster than the head start allows.
    assert "No tier is served faster than standard" in html

    # "every team" in the page's own form sends `team=`: the whole desk, not a wrong address.
    with clock.frozen(T0 + timedelta(hours=5)):
        every = client.get("/desk/reports/fairness?days=7&team=")
    assert every.status_code == 200, every.text
    assert "Is the queue fair?" in every.text and "in Billing" not in every.text
