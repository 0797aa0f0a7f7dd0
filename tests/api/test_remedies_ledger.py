"""The ledger's figures over a known history (P5, P6): spend by team, agent, month and customer, remedy beside
goodwill; approvals and their turnaround; offers by outcome; the same lines as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sameside.kit.actors import Role
from tests.factories import Factory
from tests.grants.ledger_seed import Ledger, seed

OCTOBER = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def ledger(make: Factory) -> Ledger:
    return seed(make, OCTOBER)


def _period(ledger: Ledger, group: str) -> dict[str, str]:
    return {"group": group, "from": ledger.start.isoformat(), "to": ledger.end.isoformat()}


def _lines(report: dict[str, Any]) -> list[tuple[str, str, int, int, int, str, str]]:
    return [
        (n["key"], n["currency"], n["remedy_minor"], n["goodwill_minor"], n["grants"], n["remedy"], n["goodwill"])
        for n in report["lines"]
    ]


def test_the_ledger_sums_issued_grants_by_team_agent_month_and_customer(client: TestClient, ledger: Ledger) -> None:
    def report(group: str) -> dict[str, Any]:
        answer = client.get(
            "/api/v1/reports/remedies", params=_period(ledger, group), headers=ledger.supervisor.headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    # Issued only: the declined, the waiting (in USD) and the reversed grants are out, as is the month before.
    assert _lines(report("team")) == [
        ("Support", "EUR", 12000, 1500, 3, "120.00 €", "15.00 €"),
        ("Billing", "EUR", 4000, 0, 1, "40.00 €", "0.00 €"),
    ]
    assert _lines(report("agent")) == [
        ("Ana Silva", "EUR", 12000, 1500, 3, "120.00 €", "15.00 €"),
        ("Ben Okafor", "EUR", 4000, 0, 1, "40.00 €", "0.00 €"),
    ]
    assert _lines(report("month")) == [
        ("2026-10", "EUR", 9000, 1500, 2, "90.00 €", "15.00 €"),  # the refund as approved (90 €, not 120 €)
        ("2026-11", "EUR", 7000, 0, 2, "70.00 €", "0.00 €"),
    ]
    by_customer = report("customer")
    assert _lines(by_customer) == [
        (str(ledger.first_customer), "EUR", 9000, 0, 1, "90.00 €", "0.00 €"),
        (str(ledger.second_customer), "EUR", 7000, 1500, 3, "70.00 €", "15.00 €"),
    ]

    # Asked of a supervisor in the period: one approved in 2 h, one declined in 6 h, one waiting.
    assert by_customer["approvals"] == {
        "asked": 3,
        "approved": 1,
        "declined": 1,
        "waiting": 1,
        "median_turnaround_hours": 4.0,
    }
    assert by_customer["offers"] == {"open": 1, "chosen": 1, "countered": 1, "expired": 1, "withdrawn": 1}
    assert (by_customer["start"], by_customer["end"]) == ("2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")


def test_the_ledger_as_csv_has_the_same_lines_in_minor_units(client: TestClient, ledger: Ledger) -> None:
    by_team = client.get(
        "/api/v1/reports/remedies.csv", params=_period(ledger, "team"), headers=ledger.supervisor.headers
    )
    assert by_team.status_code == 200
    assert by_team.headers["content-type"] == "text/csv; charset=utf-8"
    assert by_team.headers["content-disposition"] == 'attachment; filename="remedies-team-20261001-20261201.csv"'
    assert by_team.text == (
        "team,currency,remedy_minor,goodwill_minor,grants\r\nSupport,EUR,12000,1500,3\r\nBilling,EUR,4000,0,1\r\n"
    )
    by_month = client.get(
        "/api/v1/reports/remedies.csv", params=_period(ledger, "month"), headers=ledger.supervisor.headers
    )
    assert by_month.text == (
        "month,currency,remedy_minor,goodwill_minor,grants\r\n2026-10,EUR,9000,1500,2\r\n2026-11,EUR,7000,0,2\r\n"
    )
    only_october = client.get(
        "/api/v1/reports/remedies.csv",
        params={"group": "agent", "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"},
        headers=ledger.supervisor.headers,
    )
    assert only_october.text == "agent,currency,remedy_minor,goodwill_minor,grants\r\nAna Silva,EUR,9000,1500,2\r\n"


def test_the_ledger_is_for_supervisors_and_a_bad_period_is_a_clear_422(
    client: TestClient, ledger: Ledger, make: Factory
) -> None:
    agent = make.staff(Role.AGENT, password=None)
    for path in ("/api/v1/reports/remedies", "/api/v1/reports/remedies.csv"):
        assert client.get(path, params=_period(ledger, "team"), headers=agent.headers).status_code == 403
        backwards = {"group": "team", "from": ledger.end.isoformat(), "to": ledger.start.isoformat()}
        refused = client.get(path, params=backwards, headers=ledger.supervisor.headers)
        assert refused.status_code == 422 and "starts before it ends" in refused.json()["detail"]
        unknown = client.get(path, params={"group": "planet"}, headers=ledger.supervisor.headers)
        assert unknown.status_code == 422
