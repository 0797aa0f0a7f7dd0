"""One customer, one picture at the desk: the customer list, a customer's and an organisation's page, the case
page's panel, and honest not-found pages for browsers (desk, portal, nobody signed in)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sameside.auth import service as auth
from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.customers import service as customer_service
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.staff.models import Staff, Team
from tests.factories import SYSTEM, Factory, Person

HTML = {"Accept": "text/html,application/xhtml+xml"}


def signed_in(client: TestClient, db: Database, person: Person) -> str:
    with db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        issued = auth.open_session(s, staff=staff, days=1)
    client.cookies.set("sameside_session", issued.token)
    return issued.csrf_token


def customer_signed_in(client: TestClient, make: Factory, customer: Customer) -> None:
    client.cookies.set("sameside_session", make.customer_session(customer)["Cookie"].split("=", 1)[1])


def _with_phone(db: Database, customer: Customer, number: str) -> None:
    with db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        customer_service.add_identity(s, SYSTEM, row, IdentityKind.PHONE, number)


def test_the_case_page_lists_the_customers_cases_in_every_team(client: TestClient, make: Factory, db: Database) -> None:
    support, billing = make.team(name="Support"), make.team(name="Billing")
    agent = make.staff(Role.AGENT, team=support, password=None)
    org = make.organization("Globex", domain="globex.example")
    ana = make.customer("ana@globex.example", name="Ana Lima")
    here = make.case(ana, team=support, subject="Parcel late").id
    elsewhere = make.case(ana, team=billing, subject="Charged twice").id
    signed_in(client, db, agent)

    page = client.get(f"/desk/cases/{here}")
    assert page.status_code == 200
    assert f'href="/desk/cases/{elsewhere}"' in page.text and "Charged twice" in page.text
    assert "Billing" in page.text  # the team that holds it is named
    assert f'href="/desk/organisations/{org.id}"' in page.text

    other = client.get(f"/desk/cases/{elsewhere}")  # "There is no case #…" no more: they read it
    assert other.status_code == 200
    assert "Read only" in other.text and "Charged twice" in other.text


def test_a_customer_page_shows_identities_preferences_and_every_case(
    client: TestClient, make: Factory, db: Database
) -> None:
    support, billing = make.team(name="Support"), make.team(name="Billing")
    agent = make.staff(Role.AGENT, team=support, password=None)
    ana = make.customer("ana@example.com", name="Ana Lima")
    _with_phone(db, ana, "+44 20 7946 0018")
    numbers = [make.case(ana, team=team, subject=f"Question {i}").id for i, team in enumerate((support, billing))]
    signed_in(client, db, agent)

    page = client.get(f"/desk/customers/{ana.id}")
    assert page.status_code == 200
    assert "ana@example.com" in page.text and "+442079460018" in page.text
    for number in numbers:
        assert f'href="/desk/cases/{number}"' in page.text
    missing = client.get(f"/desk/customers/{ana.id + 999}")
    assert missing.status_code == 404
    assert "There is no customer" in missing.text and 'href="/desk/customers"' in missing.text


def test_an_organisation_page_shows_its_people_and_their_cases(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    org = make.organization("Globex", domain="globex.example")
    ana, bo = make.customer("ana@globex.example", name="Ana"), make.customer("bo@globex.example", name="Bo")
    first, second = make.case(ana, team=team).id, make.case(bo, team=make.team()).id
    signed_in(client, db, agent)

    page = client.get(f"/desk/organisations/{org.id}")
    assert page.status_code == 200
    assert "Globex" in page.text and "ana@globex.example" in page.text and "bo@globex.example" in page.text
    assert f'href="/desk/cases/{first}"' in page.text and f'href="/desk/cases/{second}"' in page.text
    assert client.get(f"/desk/organisations/{org.id + 999}").status_code == 404


def test_the_customer_list_finds_by_address_phone_or_name(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    ana = make.customer("ana.lima@example.com", name="Ana Lima")
    make.customer("bo@example.com", name="Bo Berg")
    _with_phone(db, ana, "+44 20 7946 0018")
    signed_in(client, db, agent)

    for query in ("ANA.LIMA@example.com", "ana.li", "+44 20 7946", "ana", "Ana Li"):
        found = client.get("/desk/customers", params={"q": query})
        assert found.status_code == 200, query
        assert f'href="/desk/customers/{ana.id}"' in found.text, query
        assert "Bo Berg" not in found.text, query
    nobody = client.get("/desk/customers", params={"q": "zed"})
    assert nobody.status_code == 200 and "Nobody found" in nobody.text
    blank = client.get("/desk/customers", params={"q": "   "})
    assert blank.status_code == 200 and "Type what the customer told you" in blank.text


def test_a_previous_owner_opens_the_case_from_their_notification_after_a_transfer(
    client: TestClient, make: Factory, db: Database
) -> None:
    billing, legal = make.team(), make.team()
    agent = make.staff(Role.AGENT, team=billing, password=None)
    with db.unit_of_work() as s:
        row = s.get(Team, legal.id)
        assert row is not None
        row.restricted = True
    number = make.case(team=billing, owner=agent, subject="Contract dispute").id
    with db.unit_of_work() as s:
        brief = case_service.rules.HandoffBrief("Dispute", "Read it", "Nothing yet", "Worried")
        case_service.transfer(s, SYSTEM, case_for(s, SYSTEM, number), brief=brief, team=s.get(Team, legal.id))
    signed_in(client, db, agent)
    page = client.get(f"/desk/cases/{number}")
    assert page.status_code == 200 and "Contract dispute" in page.text and "Read only" in page.text
    outsider = make.staff(Role.AGENT, team=billing, password=None)
    signed_in(client, db, outsider)
    refused = client.get(f"/desk/cases/{number}")
    assert refused.status_code == 404
    assert f"There is no case #{number}" in refused.text and 'href="/desk/customers"' in refused.text


def test_an_unknown_address_in_a_browser_is_a_page_and_json_for_the_api(
    client: TestClient, make: Factory, db: Database
) -> None:
    nobody = client.get("/no/such/thing", headers=HTML)
    assert nobody.status_code == 404 and nobody.headers["content-type"].startswith("text/html")
    assert "Not found" in nobody.text and 'href="/portal"' in nobody.text
    machine = client.get("/no/such/thing")
    assert machine.status_code == 404 and machine.headers["content-type"].startswith("application/problem+json")
    api = client.get("/api/v1/no-such-thing", headers=HTML)
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/problem+json")

    signed_in(client, db, make.staff(Role.AGENT, team=make.team(), password=None))
    desk = client.get("/desk/no-such-page", headers=HTML)
    assert desk.status_code == 404 and "There is no page at this address." in desk.text
    assert 'href="/desk/customers"' in desk.text  # where to go, in the desk's own chrome
    bad_number = client.get("/desk/cases/not-a-number", headers=HTML)
    assert bad_number.status_code == 404 and bad_number.headers["content-type"].startswith("text/html")


def test_a_customer_opening_a_missing_case_keeps_their_list(client: TestClient, make: Factory) -> None:
    ana = make.customer("ana@example.com", name="Ana")
    mine = [make.case(ana, subject=f"Order {i}").id for i in range(3)]
    theirs = make.case(make.customer(), subject="Someone else's").id
    customer_signed_in(client, make, ana)
    for number in (theirs, 999_999):
        page = client.get(f"/portal/cases/{number}")
        assert page.status_code == 404
        assert f"There is no case #{number}" in page.text
        assert "You have no cases with us" not in page.text
        for own in mine:
            assert f'href="/portal/cases/{own}"' in page.text
        assert "Someone else's" not in page.text
    unknown = client.get("/portal/nothing-here", headers=HTML)
    assert unknown.status_code == 404 and f'href="/portal/cases/{mine[0]}"' in unknown.text
