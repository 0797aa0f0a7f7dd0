"""The headline figures over the API (JSON and CSV) and on the desk's reports page, from the rollups."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.reports import queries, rules, service
from tests.factories import Factory
from tests.reports.support import history
from tests.web.test_desk import signed_in

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _rolled_up(db: Database, make: Factory) -> None:
    history(make, NOW)
    with clock.frozen(NOW), db.unit_of_work() as s:
        service.roll_up(s, NOW)


def test_the_api_gives_the_period_and_its_trend_as_the_rollups_add_up(
    client: TestClient, db: Database, make: Factory
) -> None:
    _rolled_up(db, make)
    lead = make.staff(role=Role.SUPERVISOR)
    with clock.frozen(NOW):
        body = client.get("/api/v1/reports/headline?days=7", headers=lead.headers).json()
        month = client.get("/api/v1/reports/headline?days=90", headers=lead.headers).json()
    with db.unit_of_work(write=False) as s:
        expected = rules.figures(rules.total(queries.period(s, NOW.date().replace(day=14), NOW.date()).values()))
    assert (body["first"], body["last"], body["team_id"]) == ("2026-11-14", "2026-11-20", None)
    f = body["figures"]
    assert f["reply_p50_minutes"] == expected.reply_p50_minutes and f["first_replies"] == expected.first_replies
    assert f["first_contact_resolution"] == expected.first_contact_resolution
    assert f["csat"] == expected.csat and f["answers"] > 0
    assert len(body["trend"]) == 7 and body["trend"][-1]["first"] == "2026-11-20"
    assert sum(p["figures"]["opened"] for p in body["trend"]) == f["opened"] > 0
    assert len(month["trend"]) == 13  # a point a week beyond a month
    assert sum(p["figures"]["opened"] for p in month["trend"]) == 160  # every case, each counted once


def test_the_csv_has_the_period_then_each_point_and_a_pair_of_spend_columns_per_currency(
    client: TestClient, db: Database, make: Factory
) -> None:
    _rolled_up(db, make)
    lead = make.staff(role=Role.ADMIN)
    with clock.frozen(NOW):
        answer = client.get("/api/v1/reports/headline.csv?days=30", headers=lead.headers)
        body = client.get("/api/v1/reports/headline?days=30", headers=lead.headers).json()
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="headline-20261022-20261120.csv"' in answer.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(answer.text)))
    assert [line["scope"] for line in lines] == ["period"] + ["point"] * 30
    period = lines[0]
    assert int(period["opened"]) == body["figures"]["opened"]
    assert float(period["csat"]) == round(body["figures"]["csat"], 4)
    eur = next(s for s in body["figures"]["spend"] if s["currency"] == "EUR")
    assert int(period["EUR_remedy_minor"]) == eur["remedy_minor"]


def test_the_figures_are_for_supervisors_and_a_team_that_is_not_there_is_a_404(
    client: TestClient, db: Database, make: Factory
) -> None:
    agent = make.staff()
    lead = make.staff(role=Role.SUPERVISOR)
    assert client.get("/api/v1/reports/headline", headers=agent.headers).status_code == 403
    assert client.get("/api/v1/reports/headline.csv", headers=agent.headers).status_code == 403
    assert client.get("/api/v1/reports/headline?team_id=999", headers=lead.headers).status_code == 404
    nothing = client.get("/api/v1/reports/headline?team_id=0", headers=lead.headers).json()
    assert nothing["figures"]["csat"] is None and nothing["as_of"] is None  # nothing rolled up: nulls, not zeros


def test_the_reports_page_leads_with_the_customer_and_draws_each_figure_with_its_numbers(
    client: TestClient, db: Database, make: Factory
) -> None:
    _rolled_up(db, make)
    team = make.team("complaints", name="Complaints")
    lead = make.staff(role=Role.SUPERVISOR, team=team)
    signed_in(client, db, lead)
    with clock.frozen(NOW):
        page = client.get("/desk/reports?days=30")
        teamed = client.get(f"/desk/reports?days=7&team={team.id}")
    assert page.status_code == 200
    text = page.text
    assert text.index("Time to first human reply") < text.index("First-contact resolution") < text.index("Transfers")
    assert text.count('<svg class="spark" role="img"') == 12 and text.count("<table") >= 12
    assert 'href="/api/v1/reports/headline.csv?days=30"' in text
    assert 'href="/desk/reports/fairness"' in text and 'href="/desk/reports/remedies"' in text
    assert "Consults answered on time, by department" in text and "Dept " in text
    assert teamed.status_code == 200 and "complaints" in teamed.text.lower()
    agent = make.staff(team=team)
    signed_in(client, db, agent)
    assert client.get("/desk/reports").status_code == 403
