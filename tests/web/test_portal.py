"""The customer portal over HTTP: my cases, the conversation, a reply, a new request, a person in reach."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sameside.cases import service as cases
from sameside.cases.access import case_for
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.rules import CaseStatus
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.kit.actors import Role, SystemActor
from sameside.mail.models import OutboundMail
from tests.factories import Factory
from tests.web.sign_in_forms import work_off_sign_in_links
from tests.web.test_desk import signed_in as staff_signed_in

SYSTEM = SystemActor("test")
PERSON = "Talk to a person"


def sign_in(client: TestClient, make: Factory, customer: Customer) -> str:
    headers = make.customer_session(customer)
    client.cookies.set("sameside_session", headers["Cookie"].split("=", 1)[1])
    return headers["X-CSRF-Token"]


def test_without_a_session_the_portal_offers_a_sign_in_link(client: TestClient, make: Factory, db: Database) -> None:
    make.customer("ana@example.com")

    page = client.get("/portal")
    assert page.status_code == 401
    assert "Email me a sign-in link" in page.text
    assert PERSON in page.text

    known = client.post("/portal/link", data={"email": "ana@example.com"})
    unknown = client.post("/portal/link", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert "If we know that address" in known.text and "If we know that address" in unknown.text
    assert work_off_sign_in_links(client) == 2  # one job each: the request does the same work for both
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(OutboundMail)) == 1  # mail only for the known address


def test_a_customer_sees_their_own_cases_only_and_never_internal_notes(
    client: TestClient, make: Factory, db: Database
) -> None:
    ana, bo = make.customer("ana@example.com", name="Ana"), make.customer("bo@example.com", name="Bo")
    mine = make.case(ana, subject="My parcel is late").id
    make.case(bo, subject="Bo's invoice")
    with db.unit_of_work() as s:
        cases.add_note(s, SYSTEM, case_for(s, SYSTEM, mine), "Customer sounds upset; courier is to blame.")
        cases.reply(s, SYSTEM, case_for(s, SYSTEM, mine), "We are on it.")
    sign_in(client, make, ana)

    listing = client.get("/portal")
    assert listing.status_code == 200
    assert "My parcel is late" in listing.text and "Bo's invoice" not in listing.text
    assert PERSON in listing.text

    page = client.get(f"/portal/cases/{mine}")
    assert "We are on it." in page.text
    assert "courier is to blame" not in page.text
    assert PERSON in page.text

    others = client.get(f"/portal/cases/{mine + 1}")
    assert others.status_code == 404


def test_a_customer_replies_and_the_case_comes_back_to_us(client: TestClient, make: Factory, db: Database) -> None:
    ana = make.customer("ana@example.com", name="Ana")
    number = make.case(ana).id
    with db.unit_of_work() as s:
        cases.reply(s, SYSTEM, case_for(s, SYSTEM, number), "Could you send the order number?", status=None)
        case = s.get(Case, number)
        assert case is not None
        case.status = CaseStatus.WAITING_ON_CUSTOMER
    csrf = sign_in(client, make, ana)

    sent = client.post(f"/portal/cases/{number}/reply", data={"csrf": csrf, "body": "It is ORD-10042."})

    assert sent.status_code == 200
    assert "It is ORD-10042." in sent.text
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None and case.status is CaseStatus.OPEN
        last = s.scalar(select(TimelineEntry).where(TimelineEntry.case_id == number).order_by(TimelineEntry.id.desc()))
        assert last is not None


def test_a_forged_or_closed_reply_is_refused_with_a_reason(client: TestClient, make: Factory, db: Database) -> None:
    ana = make.customer("ana@example.com")
    number = make.case(ana).id
    csrf = sign_in(client, make, ana)

    forged = client.post(f"/portal/cases/{number}/reply", data={"csrf": "nope", "body": "hi"})
    assert forged.status_code == 403

    with db.unit_of_work() as s:
        case = s.get(Case, number)
        assert case is not None
        case.status = CaseStatus.CLOSED
    closed = client.post(f"/portal/cases/{number}/reply", data={"csrf": csrf, "body": "Hello again"})
    assert closed.status_code == 409
    assert "new request" in closed.text.lower()


def test_a_customer_opens_a_new_request_in_their_own_words(client: TestClient, make: Factory, db: Database) -> None:
    ana = make.customer("ana@example.com", name="Ana")
    csrf = sign_in(client, make, ana)

    form = client.get("/portal/new")
    assert form.status_code == 200 and PERSON in form.text
    created = client.post(
        "/portal/new", data={"csrf": csrf, "subject": "Wrong size delivered", "body": "I ordered M and got XL."}
    )

    assert created.status_code == 200
    assert "Wrong size delivered" in created.text and "I ordered M and got XL." in created.text
    with db.unit_of_work(write=False) as s:
        case = s.scalar(select(Case).where(Case.subject == "Wrong size delivered"))
        assert case is not None and case.customer_id == ana.id and case.channel.value == "portal"

    empty = client.post("/portal/new", data={"csrf": csrf, "subject": "x", "body": "   "})
    assert empty.status_code == 422 and "cannot be empty" in empty.text


def test_staff_who_open_the_portal_go_to_the_workspace(client: TestClient, make: Factory, db: Database) -> None:
    staff_signed_in(client, db, make.staff(password=None))
    assert client.get("/portal", follow_redirects=False).headers["location"] == "/desk"


def test_a_form_stuffed_with_fields_is_refused_clearly_not_a_500(client: TestClient, make: Factory) -> None:
    ana = make.customer("ana@example.com")
    csrf = sign_in(client, make, ana)
    stuffed = {f"f{i}": "x" for i in range(50)} | {"csrf": csrf, "subject": "Hi", "body": "Hello"}

    portal = client.post("/portal/new", data=stuffed)
    front = client.post("/sign-in", data=stuffed)

    assert portal.status_code == 413
    assert front.status_code < 500


def test_a_customer_says_how_to_reach_them_and_agents_see_it(client: TestClient, make: Factory, db: Database) -> None:
    ana = make.customer("ana@example.com", name="Ana")
    number = make.case(ana).id
    csrf = sign_in(client, make, ana)

    saved = client.post(
        "/portal/preferences",
        data={
            "csrf": csrf,
            "form_of_address": "Dr. Silva",
            "preferred_channel": "phone",
            "language": "pt-BR",
            "timezone": "America/Sao_Paulo",
            "contact_window_start": "09:00",
            "contact_window_end": "18:00",
            "accessibility_notes": "Please write short sentences.",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    wrong = client.post("/portal/preferences", data={"csrf": csrf, "contact_window_start": "9 o'clock"})
    assert wrong.status_code == 422

    staff_signed_in(client, db, make.staff(Role.SUPERVISOR, password=None))
    panel = client.get(f"/desk/cases/{number}").text
    assert "Dr. Silva" in panel and "pt-BR" in panel and "Please write short sentences." in panel
