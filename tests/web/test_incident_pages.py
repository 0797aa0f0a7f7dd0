"""Incidents at the desk and in the portal: declared with a list, read by agents, updated, resolved once approved."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit.actors import Role
from tests.factories import Factory
from tests.incidents.support import notices, run_incident_jobs
from tests.web.test_desk import signed_in

LIST = b"name,email\nAna,ana@example.com\nBo,bo@example.com\nStranger,stranger@nowhere.example\nNobody,n/a\n"


def declare(client: TestClient, csrf: str, data: bytes = LIST, **fields: str) -> tuple[int, str]:
    form = {
        "csrf": csrf,
        "title": "Card payments fail",
        "message": "Card payments fail at checkout; your card is not charged.",
        "tags": "payment, checkout",
        "tell_everyone": "1",
        **fields,
    }
    answer = client.post("/desk/incidents", data=form, files={"customers": ("list.csv", data, "text/csv")})
    found = re.search(r"Incident #(\d+)", answer.text)
    return answer.status_code, answer.text if found is None else f"{found.group(1)}\n{answer.text}"


def test_a_supervisor_declares_with_a_list_and_the_unknown_addresses_come_back(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    team = make.team()
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    ana, bo = make.customer("ana@example.com", name="Ana"), make.customer("bo@example.com", name="Bo")
    tagged = make.case(make.customer("tag@example.com"), team=team, tags=["payment"])
    csrf = signed_in(client, db, boss)
    status, text = declare(client, csrf)
    assert status == 200, text
    number, text = text.split("\n", 1)
    assert "stranger@nowhere.example" in text and "no customer of ours" in text and "row 5" in text
    run_incident_jobs(db, settings)
    assert sorted(m.recipient for m in notices(db)) == ["ana@example.com", "bo@example.com", "tag@example.com"]
    shown = client.get(f"/desk/incidents/{number}")
    assert shown.status_code == 200
    assert re.search(r'data-figure="affected">3<', shown.text) and re.search(r'data-figure="told">3<', shown.text)
    assert f"/desk/cases/{tagged.id}" in shown.text
    listed = client.get("/desk/incidents")
    assert "Card payments fail" in listed.text and "Declare an incident" in listed.text
    # The linked case's page says so, and leads to the incident.
    case_page = client.get(f"/desk/cases/{tagged.id}")
    assert f"Part of incident #{number}" in case_page.text and f'href="/desk/incidents/{number}"' in case_page.text
    # The customers see it in the portal: the words they were told, nothing of the scope.
    portal = client.get("/portal", headers=make.customer_session(ana))
    assert "Card payments fail at checkout; your card is not charged." in portal.text
    assert "payment, checkout" not in portal.text and "tag@example.com" not in portal.text
    assert bo.id


def test_a_bad_list_or_no_scope_is_refused_beside_the_form_with_what_was_typed(
    client: TestClient, make: Factory, db: Database
) -> None:
    boss = make.staff(Role.SUPERVISOR, password=None)
    csrf = signed_in(client, db, boss)
    status, text = declare(client, csrf, data=b"\x89PNG\x00\x00", tags="", title="Sign-in broken")
    assert status == 422 and "not a CSV" in text and 'id="declare-error"' in text and 'value="Sign-in broken"' in text
    status, text = declare(client, csrf, data=b"", tags="")
    assert status == 422 and "choose who it affects" in text


def test_agents_read_incidents_but_only_supervisors_change_them(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    agent = make.staff(Role.AGENT, team=team, password=None)
    csrf = signed_in(client, db, boss)
    number = declare(client, csrf, data=b"")[1].split("\n", 1)[0]
    csrf = signed_in(client, db, agent)
    page = client.get(f"/desk/incidents/{number}")
    assert page.status_code == 200 and "Post an update" not in page.text and "Review before sending" not in page.text
    assert "Declare an incident" not in client.get("/desk/incidents").text
    refused = client.post(f"/desk/incidents/{number}/updates", data={"csrf": csrf, "body": "Found it."})
    assert refused.status_code == 403 and "Only supervisors and admins" in refused.text
    assert client.post("/desk/incidents", data={"csrf": csrf, "title": "x", "message": "y"}).status_code == 403


def test_resolving_shows_the_message_first_and_closes_the_linked_cases_once_approved(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    team = make.team()
    boss = make.staff(Role.SUPERVISOR, team=team, password=None)
    linked = make.case(make.customer("c@example.com"), team=team, tags=["payment"])
    csrf = signed_in(client, db, boss)
    number = declare(client, csrf, data=b"")[1].split("\n", 1)[0]
    run_incident_jobs(db, settings)
    update = client.post(
        f"/desk/incidents/{number}/updates", data={"csrf": csrf, "body": "We found the cause.", "status": "identified"}
    )
    assert update.status_code == 200 and "We found the cause." in update.text
    words = "Card payments work again since 10:40. Thank you for your patience."
    review = client.post(f"/desk/incidents/{number}/resolve", data={"csrf": csrf, "message": words})
    assert review.status_code == 200 and "Read it as they will" in review.text and words in review.text
    run_incident_jobs(db, settings)
    with db.unit_of_work(write=False) as s:
        row = s.get(Case, linked.id)
        assert row is not None and row.status is not CaseStatus.RESOLVED  # nothing sent before approval
    done = client.post(f"/desk/incidents/{number}/resolve", data={"csrf": csrf, "message": words, "approved": "yes"})
    assert done.status_code == 200 and "Resolution" in done.text
    run_incident_jobs(db, settings)
    with db.unit_of_work(write=False) as s:
        row = s.get(Case, linked.id)
        assert row is not None and row.status is CaseStatus.RESOLVED
    again = client.post(f"/desk/incidents/{number}/resolve", data={"csrf": csrf, "message": words, "approved": "yes"})
    assert again.status_code == 409 and "resolved" in again.text  # sent once, whoever clicks twice
    assert "Review before sending" not in client.get(f"/desk/incidents/{number}").text
