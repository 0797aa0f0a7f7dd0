"""Pages without a browser: the ask form without JavaScript, the suggested line's fragment, the links in
notifications (the receiver of a transfer, and the previous owner's older ones), and email choices."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff import notifications as notices
from sameside.staff.models import Department, Notification
from tests.factories import Factory
from tests.web.test_desk import signed_in

BRIEF = {"problem": "Charged twice", "tried": "Checked the log", "promised": "A refund", "feeling": "Calm"}


def _opened(db: Database, number: int) -> list[TimelineEntry]:
    with db.unit_of_work(write=False) as s:
        rows = list(
            s.scalars(
                select(TimelineEntry).where(
                    TimelineEntry.case_id == number, TimelineEntry.event == EventType.CONSULT_OPENED
                )
            )
        )
        s.expunge_all()
        return rows


def test_without_javascript_an_untouched_line_follows_the_department_chosen(
    client: TestClient, make: Factory, db: Database
) -> None:
    team, shipping, finance = make.team("support"), make.department("shipping"), make.department("finance")
    owner = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    csrf = signed_in(client, db, owner)
    page = client.get(f"/desk/cases/{number}")
    assert page.status_code == 200
    shown = page.text.split('name="customer_line"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    assert "UTC" not in shown and "You will hear from us" in shown

    with db.unit_of_work(write=False) as s:
        first = min(d.id for d in s.scalars(select(Department)))
        names = {d.id: d.name.lower() for d in s.scalars(select(Department))}
    chosen = finance.id if first != finance.id else shipping.id
    asked = client.post(
        f"/desk/cases/{number}/consults",
        data={
            "csrf": csrf,
            "department": str(chosen),
            "question": "Is the refund booked?",
            "tell": "line",
            "customer_line": shown.replace("&#39;", "'"),
            "line_for": str(first),
        },
    )
    assert asked.status_code == 200
    [entry] = _opened(db, number)
    assert f"our {names[chosen]} team" in (entry.body or "")


def test_a_blank_line_is_refused_where_the_agent_asked(client: TestClient, make: Factory, db: Database) -> None:
    team, shipping = make.team("support"), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    csrf = signed_in(client, db, owner)
    refused = client.post(
        f"/desk/cases/{number}/consults",
        data={"csrf": csrf, "department": str(shipping.id), "question": "Left?", "tell": "line", "customer_line": " "},
    )
    assert refused.status_code == 422
    assert "Write the line the customer will read, or choose to tell them nothing." in refused.text
    assert _opened(db, number) == []
    nothing = client.post(f"/desk/cases/{number}/consults", data={"csrf": csrf, "department": "x", "question": "Left?"})
    assert nothing.status_code == 422 and "Choose a department from the list." in nothing.text


def test_the_suggested_line_fragment(client: TestClient, make: Factory, db: Database) -> None:
    team, shipping = make.team("support"), make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    signed_in(client, db, owner)
    line = client.get(f"/desk/cases/{number}/consults/line", params={"department": shipping.id})
    assert line.status_code == 200 and 'name="customer_line"' in line.text
    assert f'name="line_for" value="{shipping.id}"' in line.text
    assert client.get(f"/desk/cases/{number}/consults/line", params={"department": 999999}).status_code == 404
    assert client.get(f"/desk/cases/{number}/consults/line", params={"department": "x"}).status_code == 404
    assert client.get("/desk/cases/999999/consults/line", params={"department": shipping.id}).status_code == 404


def test_notification_links_open_for_the_receiver_and_the_previous_owner(
    client: TestClient, make: Factory, db: Database
) -> None:
    support, billing = make.team("support"), make.team("billing")
    owner = make.staff(Role.AGENT, team=support, password=None)
    eli = make.staff(Role.AGENT, team=billing, password=None)
    number = make.case(team=support, owner=owner, subject="Charged twice").id
    with db.unit_of_work() as s:
        [earlier] = notices.notify(s, [owner.id], kind="escalation", text="Someone senior, please", case_id=number)
        earlier_id = earlier.id
    csrf = signed_in(client, db, owner)
    moved = client.post(
        f"/desk/cases/{number}/transfer", data={"csrf": csrf, "team": str(billing.id), "owner": str(eli.id), **BRIEF}
    )
    assert moved.status_code == 200

    # The previous owner's older notification still opens the case.
    opened = client.get(f"/desk/notifications/{earlier_id}/open", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/desk/cases/{number}"
    assert client.get(opened.headers["location"]).status_code == 200

    # The receiver is told, and their link opens the case and marks it read.
    signed_in(client, db, eli)
    listing = client.get("/desk/notifications")
    assert "Transferred to you" in listing.text and "transferred it to you" in listing.text
    with db.unit_of_work(write=False) as s:
        [told] = s.scalars(select(Notification).where(Notification.kind == "transferred")).all()
        told_id = told.id
    followed = client.get(f"/desk/notifications/{told_id}/open")
    assert followed.status_code == 200 and "Charged twice" in followed.text
    with db.unit_of_work(write=False) as s:
        assert s.get(Notification, told_id).read_at is not None  # type: ignore[union-attr]
    # Someone else's is not there.
    assert client.get(f"/desk/notifications/{earlier_id}/open").status_code == 404


def test_email_choices_on_the_notifications_page(client: TestClient, make: Factory, db: Database) -> None:
    dana = make.staff(Role.AGENT, password=None)
    csrf = signed_in(client, db, dana)
    assert 'id="preferences"' in client.get("/desk/notifications").text
    saved = client.post(
        "/desk/notifications/preferences",
        data={"csrf": csrf, "email_assigned": "1", "email_service_level_due": "1", "email_nonsense": "1"},
    )
    assert saved.status_code == 200 and "also come by email" in saved.text
    with db.unit_of_work(write=False) as s:
        assert notices.email_kinds(s, dana.id) == ["assigned", "service_level_due"]
    assert client.post("/desk/notifications/preferences", data={"csrf": "stale"}).status_code == 403
    cleared = client.post("/desk/notifications/preferences", data={"csrf": csrf})
    assert cleared.status_code == 200 and "nothing comes by email" in cleared.text
