"""The service-levels page: supervisors edit a team's policy; a refusal shows beside the form, with what was typed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.web.test_desk import signed_in


def form(csrf: str, **changes: str) -> dict[str, str]:
    fields = {"csrf": csrf, "timezone": "Europe/Berlin", "mon_opens": "09:00", "mon_closes": "17:00", "holidays": ""}
    for priority in ("low", "normal", "high", "urgent"):
        for kind in ("first_reply", "next_reply", "resolution"):
            fields[f"{priority}_{kind}"] = "60"
    fields.update(changes)
    return fields


def test_a_supervisor_saves_targets_hours_and_holidays(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team(name="Billing")
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    csrf = signed_in(client, db, lead)
    page = client.get("/desk/service-levels")
    assert page.status_code == 200 and "Service levels: Billing" in page.text and "runs by the defaults" in page.text
    saved = client.post(
        f"/desk/service-levels/{team.id}", data=form(csrf, holidays="2026-12-25", normal_first_reply="45")
    )
    assert saved.status_code == 200 and 'value="45"' in saved.text and "2026-12-25" in saved.text
    assert "runs by the defaults" not in saved.text


def test_a_refusal_is_shown_beside_the_form_with_what_was_typed(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    csrf = signed_in(client, db, lead)
    bad_zone = client.post(f"/desk/service-levels/{team.id}", data=form(csrf, timezone="Mars/Olympus"))
    assert (
        bad_zone.status_code == 422 and "not a time zone" in bad_zone.text and 'value="Mars/Olympus"' in bad_zone.text
    )
    half = client.post(f"/desk/service-levels/{team.id}", data=form(csrf, tue_opens="09:00"))
    assert half.status_code == 422 and "Tuesday: give both" in half.text
    words = client.post(f"/desk/service-levels/{team.id}", data=form(csrf, urgent_resolution="soon"))
    assert words.status_code == 422 and "whole number of minutes" in words.text
    # A refused save, sent by htmx, leaves the address bar where it was.
    hx = client.post(f"/desk/service-levels/{team.id}", data=form(csrf, timezone="x"), headers={"HX-Request": "true"})
    assert hx.status_code == 422 and hx.headers["HX-Push-Url"] == "false"


def test_the_page_is_for_supervisors_and_only_a_teams_own_lead_changes_it(
    client: TestClient, make: Factory, db: Database
) -> None:
    team, other = make.team(), make.team()
    agent = make.staff(team=team, password=None)
    csrf = signed_in(client, db, agent)
    assert client.get("/desk/service-levels").status_code == 403
    assert client.post(f"/desk/service-levels/{team.id}", data=form(csrf)).status_code == 403
    lead = make.staff(Role.SUPERVISOR, team=team, password=None)
    csrf = signed_in(client, db, lead)
    elsewhere = client.get(f"/desk/service-levels?team={other.id}")
    assert elsewhere.status_code == 200 and "Only an admin or a supervisor" in elsewhere.text
    assert client.post(f"/desk/service-levels/{other.id}", data=form(csrf)).status_code == 403
