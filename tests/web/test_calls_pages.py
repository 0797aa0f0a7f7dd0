"""Phone cases and calls in the desk, without JavaScript: the caller found by their number as they say it, a
case opened for them with the call, calls logged on a case (a refusal keeps what was typed), callbacks worked."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.callbacks.models import Callback, CallbackState
from sameside.calls.models import Call
from sameside.cases.models import Case
from sameside.customers.models import CustomerIdentity
from sameside.customers.rules import Channel, Proof
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from tests.calls.seed import ALWAYS_OPEN, add_phone, book, business_phone
from tests.factories import Factory
from tests.web.test_desk import signed_in

NOON = datetime(2031, 3, 3, 12, 0, tzinfo=UTC)
CALL = {"direction": "inbound", "outcome": "answered", "duration": "4:30", "notes": "Wants the charge back."}


def test_an_agent_finds_the_caller_by_their_number_and_opens_their_phone_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    ana = make.customer("ana@example.com", name="Ana Lima")
    add_phone(db, ana.id, "+44 20 7946 0018")
    csrf = signed_in(client, db, agent)
    with business_phone("+44 20 7946 0000"):
        desk = client.get("/desk/queue/mine")
        assert 'href="/desk/callers"' in desk.text  # "New phone case" in the desk's views
        found = client.get("/desk/callers", params={"q": "020 7946 0018"})
        assert found.status_code == 200
        assert "Ana Lima" in found.text and "+442079460018 and 02079460018" in found.text

        form = {"csrf": csrf, "q": "020 7946 0018", "customer": str(ana.id), "team": str(team.id), **CALL}
        refused = client.post("/desk/callers/cases", data={**form, "subject": "Charged twice", "duration": "soon"})
        assert refused.status_code == 422
        assert "not a duration" in refused.text and "Charged twice" in refused.text  # nothing typed is lost
        assert "Wants the charge back." in refused.text

        opened = client.post("/desk/callers/cases", data={**form, "subject": "Charged twice", "problem": "Twice!"})
        assert opened.status_code == 200, opened.text
        assert "Charged twice" in opened.text and "Inbound call from +442079460018, answered, 4 min 30 s" in opened.text
    with db.unit_of_work(write=False) as s:
        case = s.scalars(select(Case).where(Case.customer_id == ana.id)).one()
        assert (case.channel, case.team_id, case.owner_id) == (Channel.PHONE, team.id, agent.id)


def test_someone_new_on_the_phone_is_written_down_unverified(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    csrf = signed_in(client, db, agent)
    with business_phone("+44 20 7946 0000"):
        nobody = client.get("/desk/callers", params={"q": "020 7946 0555"})
        assert "Nobody found" in nobody.text and 'value="020 7946 0555"' in nobody.text  # their number, ready
        new = {"name": "Dee Okafor", "caller_phone": "020 7946 0555", "email": "dee@example.com"}
        made = client.post(
            "/desk/callers/cases",
            data={
                "csrf": csrf,
                "customer": "",
                "team": str(team.id),
                "subject": "Hi",
                "problem": "Hello",
                **new,
                **CALL,
            },
        )
        assert made.status_code == 200, made.text
    with db.unit_of_work(write=False) as s:
        proofs = {
            (i.value, i.proof)
            for i in s.scalars(
                select(CustomerIdentity).where(CustomerIdentity.value.in_(["+442079460555", "dee@example.com"]))
            )
        }
        assert proofs == {("+442079460555", Proof.PENDING), ("dee@example.com", Proof.PENDING)}


def test_a_call_is_logged_on_a_case_and_a_refusal_shows_in_the_dialog(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    number = make.case(team=team).id
    csrf = signed_in(client, db, agent)
    case_page = client.get(f"/desk/cases/{number}")
    assert 'data-dialog="act-call"' in case_page.text and 'id="act-call"' in case_page.text
    refused = client.post(
        f"/desk/cases/{number}/calls", data={"csrf": csrf, **CALL, "outcome": "no_answer", "notes": "Rang twice"}
    )
    assert refused.status_code == 422
    panel = refused.text.split('id="act-call"', 1)[1].split("</section>", 1)[0]
    assert "was answered" in panel and "Rang twice" in panel
    logged = client.post(f"/desk/cases/{number}/calls", data={"csrf": csrf, **CALL})
    assert logged.status_code == 200
    assert "Inbound call, answered, 4 min 30 s" in logged.text and "Wants the charge back." in logged.text


def test_a_callback_is_taken_tried_and_tried_again(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    number = make.case(team=team, subject="Call me about the refund").id
    with clock.frozen(NOON):
        booked = book(db, number)
        client.app.state.callback_policy = ALWAYS_OPEN  # type: ignore[attr-defined]
        csrf = signed_in(client, db, agent)
        listed = client.get("/desk/callbacks")
        assert "Call me about the refund" in listed.text and "nobody yet" in listed.text
        taken = client.post(f"/desk/callbacks/{booked}/assignee", data={"csrf": csrf, "assignee": "me"})
        assert taken.status_code == 200 and "<strong>You</strong>" in taken.text
        retry = taken.text.split('name="retry"', 1)[1].split('<option value="', 2)[2].split('"', 1)[0]
        refused = client.post(
            f"/desk/callbacks/{booked}/outcome",
            data={"csrf": csrf, "outcome": "answered", "duration": "2 min", "retry": retry, "notes": "Spoke"},
        )
        assert refused.status_code == 422 and "nobody answered" in refused.text and "Spoke" in refused.text
        tried = client.post(
            f"/desk/callbacks/{booked}/outcome", data={"csrf": csrf, "outcome": "no_answer", "retry": retry}
        )
        assert tried.status_code == 200, tried.text
    with db.unit_of_work(write=False) as s:
        rows = s.scalars(select(Callback).where(Callback.case_id == number).order_by(Callback.id)).all()
        assert [(c.state, c.assignee_id) for c in rows] == [
            (CallbackState.DONE, agent.id),
            (CallbackState.BOOKED, agent.id),
        ]
        assert s.scalars(select(Call.callback_id)).all() == [booked]


def test_a_booked_call_is_logged_from_its_case_with_the_booking_chosen(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team)
    number = make.case(team=team).id
    with clock.frozen(NOON):
        booked = book(db, number)
        client.app.state.callback_policy = ALWAYS_OPEN  # type: ignore[attr-defined]
        csrf = signed_in(client, db, agent)
        listed = client.get("/desk/callbacks")
        assert f'href="/desk/cases/{number}?callback={booked}#act-call"' in listed.text
        page = client.get(f"/desk/cases/{number}", params={"callback": booked})
        dialog = page.text.split('id="act-call"', 1)[1].split("</section>", 1)[0]
        assert f'<option value="{booked}" selected>' in dialog
        assert '<option value="outbound" selected>' in dialog  # a booked call is one we make
        logged = client.post(
            f"/desk/cases/{number}/calls",
            data={
                "csrf": csrf,
                "callback": str(booked),
                "direction": "outbound",
                "outcome": "answered",
                "duration": "3",
            },
        )
        assert logged.status_code == 200
        assert "Outbound call to +442079460018, answered, 3 min (the booked callback)" in logged.text
    with db.unit_of_work(write=False) as s:
        row = s.get(Callback, booked)
        assert row is not None and row.state is CallbackState.DONE
