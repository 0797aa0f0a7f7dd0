"""The agent workspace over HTTP: who may see it, the queues, the case page and its forms."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.auth import service as auth
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.staff.models import Staff, Team
from tests.factories import Factory, Person


def signed_in(client: TestClient, db: Database, person: Person) -> str:
    """Sign `person` in with a browser session; returns the CSRF token its forms carry."""
    with db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        issued = auth.open_session(s, staff=staff, days=1)
    client.cookies.set("sameside_session", issued.token)
    return issued.csrf_token


def case_row(db: Database, number: int) -> Case:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        s.expunge_all()
        return case


def messages(db: Database, number: int) -> list[TimelineEntry]:
    with db.unit_of_work(write=False) as s:
        rows = list(s.scalars(select(TimelineEntry).where(TimelineEntry.case_id == number).order_by(TimelineEntry.id)))
        s.expunge_all()
        return [r for r in rows if r.kind is not EntryKind.EVENT]


def test_the_workspace_is_for_staff(client: TestClient, make: Factory) -> None:
    anonymous = client.get("/desk/queue/mine", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/?next=")

    customer = make.customer("casey@example.com")
    client.cookies.set("sameside_session", make.customer_session(customer)["Cookie"].split("=", 1)[1])
    refused = client.get("/desk/queue/mine")
    assert refused.status_code == 403
    assert "for staff" in refused.text


def test_an_agent_sees_their_queues_and_opens_a_case(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    mine = make.case(team=team, owner=agent, subject="Refund for order 4411").id
    waiting = make.case(team=team, subject="Parcel never arrived").id
    elsewhere = make.case(team=make.team("billing"), subject="Invoice address").id
    signed_in(client, db, agent)

    own = client.get("/desk/queue/mine")
    assert own.status_code == 200
    assert "Refund for order 4411" in own.text and "Parcel never arrived" not in own.text

    unowned = client.get("/desk/queue/unowned")
    assert "Parcel never arrived" in unowned.text and "Invoice address" not in unowned.text
    assert f'href="/desk/cases/{waiting}?from=unowned"' in unowned.text

    page = client.get(f"/desk/cases/{mine}")
    assert page.status_code == 200
    assert "Refund for order 4411" in page.text
    assert "It was due on Monday." in page.text  # the customer's first message
    assert "Earlier cases" in page.text

    other = client.get(f"/desk/cases/{elsewhere}")  # another team's case: they read it, and may not change it
    assert other.status_code == 200 and "Read only" in other.text
    assert client.get("/desk/cases/999999").status_code == 404


def test_hostile_html_from_a_customer_is_shown_as_text(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    number = make.case(body='<script>alert("x")</script><img src=x onerror=alert(1)>').id
    signed_in(client, db, agent)

    page = client.get(f"/desk/cases/{number}")

    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text
    assert "<img src=x" not in page.text


def test_an_agent_replies_notes_and_resolves_through_the_forms(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team).id
    csrf = signed_in(client, db, agent)

    taken = client.post(f"/desk/cases/{number}/owner", data={"csrf": csrf, "owner": "me"}, follow_redirects=False)
    assert taken.status_code == 303
    assert case_row(db, number).owner_id == agent.id

    replied = client.post(
        f"/desk/cases/{number}/reply",
        data={"csrf": csrf, "body": "Your refund is on its way.", "status": "waiting_on_customer"},
    )
    assert replied.status_code == 200
    assert "Your refund is on its way." in replied.text
    assert case_row(db, number).status is CaseStatus.WAITING_ON_CUSTOMER

    client.post(f"/desk/cases/{number}/note", data={"csrf": csrf, "body": "Checked with the courier."})
    [_, reply, note] = messages(db, number)
    assert (reply.direction, reply.is_public) == ("outbound", True)
    assert (note.kind, note.is_public) == (EntryKind.NOTE, False)

    resolved = client.post(f"/desk/cases/{number}/status", data={"csrf": csrf, "status": "resolved"})
    assert resolved.status_code == 200
    assert case_row(db, number).status is CaseStatus.RESOLVED
    assert re.search(r"Status: waiting on customer → resolved", resolved.text)


def test_a_form_without_its_csrf_token_changes_nothing(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.SUPERVISOR, password=None)
    number = make.case().id
    signed_in(client, db, agent)

    forged = client.post(f"/desk/cases/{number}/reply", data={"csrf": "guess", "body": "Send me your password"})

    assert forged.status_code == 403
    assert len(messages(db, number)) == 1


def test_a_refused_change_is_explained_on_the_page_and_the_draft_kept(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    owner = make.staff(Role.AGENT, team=team, password=None)
    colleague = make.staff(Role.AGENT, team=team, password=None)
    number = make.case(team=team, owner=owner).id
    csrf = signed_in(client, db, colleague)

    refused = client.post(f"/desk/cases/{number}/reply", data={"csrf": csrf, "body": "I will take over."})

    assert refused.status_code == 403
    assert "owner" in refused.text and "I will take over." in refused.text
    assert len(messages(db, number)) == 1
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(Team.id).where(Team.slug == "support")) is not None


def test_back_office_members_have_a_department_page_in_the_navigation(
    client: TestClient, make: Factory, db: Database
) -> None:
    shipping = make.department("shipping")
    member = make.staff(Role.AGENT, department=shipping, password=None)
    signed_in(client, db, member)

    queue = client.get("/desk/queue/mine")
    assert 'href="/desk/department"' in queue.text
    page = client.get("/desk/department")
    assert page.status_code == 200
    assert f"{shipping.name}: consults" in page.text
    assert "No consults are waiting" in page.text


def test_a_transfer_needs_the_whole_brief_and_the_receiver_sees_it_above_the_timeline(
    client: TestClient, make: Factory, db: Database
) -> None:
    support, billing = make.team("support"), make.team("billing")
    owner = make.staff(Role.AGENT, team=support, password=None)
    receiver = make.staff(Role.AGENT, team=billing, password=None)
    number = make.case(team=support, owner=owner, body="I was charged twice for order 4411.").id
    csrf = signed_in(client, db, owner)

    page = client.get(f"/desk/cases/{number}")
    assert "I was charged twice for order 4411.</textarea>" in page.text  # prefilled in the customer's words

    refused = client.post(
        f"/desk/cases/{number}/transfer",
        data={
            "csrf": csrf,
            "team": str(billing.id),
            "problem": "Charged twice",
            "tried": "",
            "promised": "",
            "feeling": "",
        },
    )
    assert refused.status_code == 422
    assert "handoff brief" in refused.text and "what was tried" in refused.text
    assert case_row(db, number).team_id == support.id

    moved = client.post(
        f"/desk/cases/{number}/transfer",
        data={
            "csrf": csrf,
            "team": str(billing.id),
            "owner": str(receiver.id),
            "problem": "I was charged twice for order 4411.",
            "tried": "Checked the payment log: two captures.",
            "promised": "A refund of the second charge by Friday.",
            "feeling": "Annoyed but patient.",
        },
    )
    assert moved.status_code == 200 and '"list-title">Mine</h1>' in moved.text  # back to their own queue
    case = case_row(db, number)
    assert (case.team_id, case.owner_id) == (billing.id, receiver.id)

    signed_in(client, db, receiver)
    theirs = client.get(f"/desk/cases/{number}")
    brief = theirs.text.split('id="brief-title"', 1)[1].split("</section>", 1)[0]
    assert "A refund of the second charge by Friday." in brief and "Annoyed but patient." in brief


def test_due_soon_lists_the_cases_whose_time_is_near_or_past_soonest_first(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    agent = make.staff(Role.AGENT, team=team, password=None)
    with clock.frozen(clock.now() - timedelta(hours=7)):
        old = make.case(team=team, subject="Waiting since this morning").id
    soon = make.case(team=team, subject="Due within the hour").id
    make.case(team=team, subject="Just arrived")
    with db.unit_of_work() as s:  # as the service levels set them: one overdue, one due in 40 minutes
        for number, minutes in ((old, -90), (soon, 40)):
            row = s.get(Case, number)
            assert row is not None
            row.due_at = clock.now() + timedelta(minutes=minutes)
    signed_in(client, db, agent)

    due = client.get("/desk/queue/due")

    assert due.status_code == 200
    assert "Waiting since this morning" in due.text and f"/desk/cases/{old}" in due.text
    assert due.text.index("Waiting since this morning") < due.text.index("Due within the hour")
    assert "overdue by" in due.text and re.search(r"due in \d+ min", due.text)  # said in words
    assert "Just arrived" not in due.text


def test_after_a_transfer_a_customer_repeating_themselves_is_recorded(
    client: TestClient, make: Factory, db: Database
) -> None:
    support, billing = make.team("support"), make.team("billing")
    owner = make.staff(Role.AGENT, team=support, password=None)
    supervisor = make.staff(Role.SUPERVISOR, password=None)
    customer = make.customer("ana@example.com", name="Ana")
    story = "I was charged twice for order 4411 and I want the second charge refunded please."
    number = make.case(customer, team=support, owner=owner, body=story).id
    csrf = signed_in(client, db, owner)
    form = client.get(f"/desk/cases/{number}")
    assert "(a guess from their words — please check)" in form.text  # suggested, for a person to check
    assert "tone of their messages" not in form.text  # in words, never a raw score
    client.post(
        f"/desk/cases/{number}/transfer",
        data={
            "csrf": csrf,
            "team": str(billing.id),
            "problem": story,
            "tried": "Nothing yet",
            "promised": "Nothing yet",
            "feeling": "Calm",
        },
    )

    again = client.post(
        f"/api/v1/cases/{number}/replies",
        json={"body": "Hello again. I was charged twice for order 4411 and I want the second charge refunded."},
        headers=make.customer_session(customer),
    )
    assert again.status_code == 201

    signed_in(client, db, supervisor)
    page = client.get(f"/desk/cases/{number}")
    assert "The customer had to repeat themselves" in page.text


def test_a_consult_from_question_to_answer_keeps_the_owner_and_tells_the_customer(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    shipping = make.department("shipping")
    owner = make.staff(Role.AGENT, team=team, password=None)
    clerk = make.staff(Role.AGENT, department=shipping, password=None)
    outsider = make.staff(Role.AGENT, team=team, password=None)
    customer = make.customer("ana@example.com", name="Ana")
    number = make.case(customer, team=team, owner=owner, subject="Where is my parcel?").id
    csrf = signed_in(client, db, owner)

    asked = client.post(
        f"/desk/cases/{number}/consults",
        data={"csrf": csrf, "department": str(shipping.id), "question": "Has parcel 4411 left the depot?"},
    )
    assert asked.status_code == 200
    case = case_row(db, number)
    assert case.status is CaseStatus.WAITING_ON_INTERNAL and case.owner_id == owner.id
    portal = client.get(f"/portal/cases/{number}", headers=make.customer_session(customer))
    assert f"We are checking this with our {shipping.name.lower()} team. You will hear from us" in portal.text

    signed_in(client, db, clerk)
    queue = client.get("/desk/department")
    assert "Has parcel 4411 left the depot?" in queue.text and "Where is my parcel?" in queue.text
    consult_id = int(queue.text.split("/desk/consults/", 1)[1].split("/", 1)[0])

    outsider_csrf = signed_in(client, db, outsider)
    refused = client.post(f"/desk/consults/{consult_id}/answer", data={"csrf": outsider_csrf, "answer": "No idea"})
    assert refused.status_code == 403 and "Only the department asked" in refused.text

    clerk_csrf = signed_in(client, db, clerk)
    answered = client.post(
        f"/desk/consults/{consult_id}/answer", data={"csrf": clerk_csrf, "answer": "Yes, it left this morning."}
    )
    assert answered.status_code == 200 and "No consults are waiting" in answered.text
    case = case_row(db, number)
    assert case.status is CaseStatus.OPEN and case.owner_id == owner.id  # back with its one owner
    [*_, note] = messages(db, number)
    assert note.kind is EntryKind.NOTE and "Yes, it left this morning." in (note.body or "")


def test_take_next_gives_the_fair_queues_next_case_and_never_the_same_twice(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team("support")
    dana = make.staff(Role.AGENT, team=team, password=None)
    sam = make.staff(Role.AGENT, team=team, password=None)
    with clock.frozen(clock.now() - timedelta(hours=3)):
        longest = make.case(team=team, subject="Waiting three hours").id
    make.case(team=team, subject="Just arrived")

    csrf = signed_in(client, db, dana)
    took = client.post("/desk/next", data={"csrf": csrf}, follow_redirects=False)
    assert took.headers["location"] == f"/desk/cases/{longest}"
    assert case_row(db, longest).owner_id == dana.id
    page = client.get(took.headers["location"])
    assert "took next (fair-queue score" in page.text or "took the case" in page.text

    second = client.post("/api/v1/cases/next", headers=sam.headers)
    assert second.status_code == 200 and second.json()["subject"] == "Just arrived"
    nobody = client.post("/api/v1/cases/next", headers=sam.headers)
    assert nobody.status_code == 204
