"""Feedback's desk pages over HTTP: marked from the case page, handled on the department's page, answered back."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sameside.auth import service as auth
from sameside.kit.actors import Role
from sameside.staff.models import Staff
from tests.factories import Factory, Person
from tests.feedback.seed import first_message


def sign_in(client: TestClient, make: Factory, person: Person) -> str:
    """Sign `person` in at the desk; their form token."""
    client.cookies.clear()
    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        issued = auth.open_session(s, staff=staff, days=1)
    client.cookies.set("sameside_session", issued.token)
    return issued.csrf_token


def test_marked_on_the_case_page_handled_by_the_department_and_answered_back(client: TestClient, make: Factory) -> None:
    support, billing = make.team(), make.department()
    agent = make.staff(Role.AGENT, team=support, password=None)
    clerk = make.staff(Role.AGENT, department=billing, password=None)
    number = make.case(team=support, owner=agent, body="Your billing people charged me twice.").id
    message = first_message(make.db, number)

    csrf = sign_in(client, make, agent)
    case_page = client.get(f"/desk/cases/{number}")
    assert case_page.status_code == 200
    assert f'data-feedback-entry="{message}"' in case_page.text and 'id="act-feedback"' in case_page.text
    refused = client.post(
        f"/desk/cases/{number}/feedback",
        data={"csrf": csrf, "entry": str(message), "kind": "complaint", "concerns": "", "note": "Twice now"},
    )
    assert refused.status_code == 422
    assert "Choose the team or department it is about." in refused.text and 'value="Twice now"' in refused.text
    marked = client.post(
        f"/desk/cases/{number}/feedback",
        data={"csrf": csrf, "entry": str(message), "kind": "complaint", "concerns": f"department-{billing.id}"},
        follow_redirects=False,
    )
    assert marked.status_code == 303
    again = client.get(f"/desk/cases/{number}")
    assert "Marked as a complaint about Dept" in again.text

    csrf = sign_in(client, make, clerk)
    page = client.get("/desk/department")
    assert page.status_code == 200
    assert "Your billing people charged me twice." in page.text and "1 complaint" in page.text
    assert "no consults answered" in page.text
    inbox = client.get("/desk/feedback")
    assert "Your billing people charged me twice." in inbox.text and "Acknowledge" in inbox.text
    [feedback_id] = [int(x) for x in re.findall(r'id="feedback-(\d+)"', inbox.text)]
    done = client.post(
        f"/desk/feedback/{feedback_id}/answer",
        data={"csrf": csrf, "answer": "Refunded today, sorry.", "back": "/desk/department"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == f"/desk/department#feedback-{feedback_id}"
    twice = client.post(f"/desk/feedback/{feedback_id}/acknowledge", data={"csrf": csrf, "back": "/desk/feedback"})
    assert twice.status_code == 200  # acknowledging after the answer changes nothing

    sign_in(client, make, agent)
    mine = client.get("/desk/feedback")
    assert "What you marked" in mine.text and "Refunded today, sorry." in mine.text
