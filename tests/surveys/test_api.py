"""The survey story through the API: resolved, asked, answered (twice), listed, counted; the policy set by an admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from sameside.kit import clock
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.surveys.seed import considered, resolved_case

T = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


def test_a_survey_from_resolution_to_the_figures(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent, boss = make.staff(Role.AGENT, team=team), make.staff(Role.SUPERVISOR, team=team)
    admin = make.staff(Role.ADMIN)
    ana, ben = make.customer("ana@example.com"), make.customer("ben@example.com")
    first = resolved_case(make, ana, T)
    ben_open = make.case(ben).id
    second = resolved_case(make, ben, T)
    considered(make.db, T + timedelta(minutes=61))

    with clock.frozen(T + timedelta(hours=2)):
        ana_headers = make.customer_session(ana)
        [mine] = client.get(f"/api/v1/cases/{first}/surveys", headers=ana_headers).json()
        assert (mine["state"], mine["score"]) == ("sent", None)
        [skipped] = client.get(f"/api/v1/cases/{second}/surveys", headers=agent.headers).json()
        assert skipped["state"] == "skipped" and skipped["skipped"] == "other_case_open"
        assert f"#{ben_open}" in skipped["reason"]

        answered = client.post(f"/api/v1/surveys/{mine['id']}/answer", json={"score": 3}, headers=ana_headers)
        assert answered.status_code == 200 and answered.json()["words"] == "Partly"
        again = client.post(
            f"/api/v1/surveys/{mine['id']}/answer",
            json={"score": 5, "comment": "Sorted in the end"},
            headers=ana_headers,
        ).json()
        assert (again["score"], again["comment"], again["answers"], again["via"]) == (5, "Sorted in the end", 2, "api")

    with clock.frozen(T + timedelta(hours=3)):
        assert client.get("/api/v1/surveys", headers=agent.headers).status_code == 403
        listed = client.get("/api/v1/surveys?state=answered&commented=true", headers=boss.headers).json()
        assert [s["case_id"] for s in listed["items"]] == [first] and listed["next_before"] is None
        every = client.get("/api/v1/surveys?limit=1", headers=boss.headers).json()
        assert len(every["items"]) == 1 and every["next_before"] is not None

        figures = client.get("/api/v1/surveys/figures?days=30", headers=boss.headers).json()
        assert figures["csat"] == {"answered": 1, "satisfied": 1, "share": 1.0, "by_score": {"5": 1}}
        assert figures["surveys_per_customer"] == {"surveys": 1, "customers": 1, "per_customer": 1.0, "most": 1}

        records = client.get(f"/api/v1/contact-policy/records?customer_id={ana.id}", headers=boss.headers).json()
        assert [(r["purpose"], r["allowed"]) for r in records] == [("survey", True)]

        assert client.get("/api/v1/contact-policy", headers=agent.headers).json()["stored"] is False
        body = {"cap": 1, "period_days": 14, "survey_interval_days": 60, "survey_delay_minutes": 120}
        assert client.put("/api/v1/contact-policy", json=body, headers=boss.headers).status_code == 403
        saved = client.put("/api/v1/contact-policy", json=body, headers=admin.headers).json()
        assert saved == {**body, "surveys_on": True, "stored": True}
        refused = client.put("/api/v1/contact-policy", json={**body, "cap": 99}, headers=admin.headers)
        assert refused.status_code == 422
