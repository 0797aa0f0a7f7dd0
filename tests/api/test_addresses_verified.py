"""Staff cannot become a customer: an address staff add is unproven until the customer confirms it.

The story this guards against: an agent of another team added his own
address to a customer's record, asked for a sign-in link to it, signed in to
the portal as that customer and read a case he could not read as staff.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.customers.models import Customer, CustomerIdentity
from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from sameside.staff.models import Team
from tests.api.test_errors import problem_of
from tests.factories import Factory, Person
from tests.support import mail_text
from tests.web.sign_in_forms import sign_in_form, work_off_sign_in_links
from tests.web.test_desk import signed_in as staff_signed_in

MAGIC_LINK = "/api/v1/auth/magic-link"


def _mail(db: Database, purpose: str, to: str | None = None) -> list[dict[str, str]]:
    """The mail queued for `purpose` (to `to`), oldest first: recipient, subject line and text."""
    with db.unit_of_work(write=False) as s:
        query = select(OutboundMail).where(OutboundMail.purpose == purpose).order_by(OutboundMail.id)
        if to is not None:
            query = query.where(OutboundMail.recipient == to)
        return [{"to": m.recipient, "text": mail_text(m.raw or b"")} for m in s.scalars(query)]


def _link(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, text
    return match.group(0)


def _token(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def _identity(db: Database, value: str) -> CustomerIdentity:
    with db.unit_of_work(write=False) as s:
        found = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == value))
        assert found is not None
        s.expunge(found)
        return found


def _sign_in_links_to(client: TestClient, db: Database, address: str) -> int:
    """Ask for a sign-in link to `address` as anyone can, let the worker run; how many links it has had."""
    assert client.post(MAGIC_LINK, json={"email": address}).status_code == 202
    work_off_sign_in_links(client)
    return len(_mail(db, "magic_link", address))


def _confirm(client: TestClient, link: str) -> Any:
    """Open a confirmation link and press its button, as a person in this browser."""
    path = f"{urlparse(link).path}?{urlparse(link).query}"
    return client.post(
        "/auth/confirm-address",
        data={"token": _token(link), "presession": sign_in_form(client, path)},
        follow_redirects=False,
    )


def _as(client: TestClient, headers: dict[str, str]) -> None:
    """Make the client's browser carry this session, as after signing in."""
    client.cookies.clear()
    client.cookies.set("sameside_session", headers["Cookie"].split("=", 1)[1])


def _add(client: TestClient, staff: Person, customer: Customer, value: str, kind: str = "email") -> Any:
    return client.post(
        f"/api/v1/customers/{customer.id}/identities", headers=staff.headers, json={"kind": kind, "value": value}
    )


def test_an_agent_who_adds_his_own_address_gets_no_sign_in_link_and_cannot_confirm_it(
    client: TestClient, make: Factory, db: Database
) -> None:
    billing, shipping = make.team("billing"), make.team("shipping")
    with db.unit_of_work() as s:  # a restricted team: outsiders do not read its cases
        restricted = s.get(Team, billing.id)
        assert restricted is not None
        restricted.restricted = True
    ana = make.customer("ana@example.com", name="Ana")
    secret = make.case(ana, team=billing, subject="My card was charged twice").id
    mallory = make.staff(Role.AGENT, team=shipping, password=None)
    assert client.get(f"/api/v1/cases/{secret}", headers=mallory.headers).status_code == 404  # not his to read

    added = _add(client, mallory, ana, "Mallory@Evil.Example")

    assert added.status_code == 201, added.text
    [mine] = [i for i in added.json()["identities"] if i["value"] == "mallory@evil.example"]
    assert mine["proof"] == "pending" and mine["added_by"] == mallory.id
    # Ana hears of it at the address she uses with us.
    [notice] = _mail(db, "address_notice")
    assert notice["to"] == "ana@example.com" and "mallory@evil.example was added" in notice["text"]
    # No sign-in link reaches the address he typed in, however he asks: the answer is the usual 202.
    assert _sign_in_links_to(client, db, "mallory@evil.example") == 0
    # The confirmation link went to his inbox; on its own it proves nothing.
    [confirmation] = _mail(db, "address_confirmation")
    assert confirmation["to"] == "mallory@evil.example"
    link = _link(confirmation["text"])
    client.cookies.clear()
    anonymous = _confirm(client, link)
    assert anonymous.status_code == 403
    assert "first sign in with the link we send to the address you already use" in anonymous.text
    assert "Our staff added <strong>mallory@evil.example</strong>" in anonymous.text  # which address, and the button
    staff_signed_in(client, db, mallory)
    as_staff = _confirm(client, link)
    assert as_staff.status_code == 403 and "Staff cannot confirm a customer&#39;s address" in as_staff.text
    assert _identity(db, "mallory@evil.example").proof.value == "pending"
    assert _sign_in_links_to(client, db, "mallory@evil.example") == 0


def test_the_customer_signed_in_confirms_an_address_staff_added_and_links_may_go_there(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    ana = make.customer("ana@example.com", name="Ana")
    assert _add(client, agent, ana, "ana.work@example.org").status_code == 201
    link = _link(_mail(db, "address_confirmation", "ana.work@example.org")[0]["text"])

    _as(client, make.customer_session(ana))  # signed in through the address she already had
    landing = client.get(urlparse(link).path, params={"token": _token(link)})
    assert "ana.work@example.org" in landing.text and "Yes, this address is mine" in landing.text
    confirmed = _confirm(client, link)

    assert confirmed.status_code == 200, confirmed.text
    assert "is confirmed as yours" in confirmed.text
    assert _identity(db, "ana.work@example.org").proof.value == "verified"
    client.cookies.clear()
    assert _sign_in_links_to(client, db, "ana.work@example.org") == 1
    _as(client, make.customer_session(ana))
    spent = client.get(urlparse(link).path, params={"token": _token(link)})
    assert spent.status_code == 404 and "not valid any more" in spent.text  # once only


def test_another_customer_signed_in_cannot_confirm_it(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    ana, bo = make.customer("ana@example.com", name="Ana"), make.customer("bo@example.com", name="Bo")
    _add(client, agent, ana, "bo.private@example.net")
    link = _link(_mail(db, "address_confirmation")[0]["text"])

    _as(client, make.customer_session(bo))
    refused = _confirm(client, link)

    assert refused.status_code == 403
    assert _identity(db, "bo.private@example.net").proof.value == "pending"


def test_a_customer_staff_made_proves_their_first_address_by_the_round_trip(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    opened = client.post(
        "/api/v1/cases",
        headers=agent.headers,
        json={
            "subject": "Called about a refund",
            "body": "Noted on the phone.",
            "channel": "phone",
            "customer": {"email": "new.person@example.com", "name": "New Person"},
        },
    )
    assert opened.status_code == 201, opened.text
    assert _identity(db, "new.person@example.com").proof.value == "claimed"

    assert _sign_in_links_to(client, db, "new.person@example.com") == 1
    token = _token(_link(_mail(db, "magic_link", "new.person@example.com")[0]["text"]))
    assert client.post("/api/v1/auth/magic-link/redeem", json={"token": token}).status_code == 200

    assert _identity(db, "new.person@example.com").proof.value == "verified"


def test_only_a_supervisor_vouches_for_an_address_and_says_why(client: TestClient, make: Factory, db: Database) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    caller = make.customer("caller@example.com", name="Cleo")
    identity_id = next(
        i["id"]
        for i in _add(client, agent, caller, "cleo@home.example").json()["identities"]
        if i["value"] == "cleo@home.example"
    )
    vouch = f"/api/v1/customers/{caller.id}/identities/{identity_id}/vouch"

    by_agent = client.post(vouch, headers=agent.headers, json={"reason": "Trust me."})
    blank = client.post(vouch, headers=supervisor.headers, json={"reason": "   "})
    vouched = client.post(vouch, headers=supervisor.headers, json={"reason": "Cleo read it out on a call I took."})

    assert "supervisor" in problem_of(by_agent, 403)["detail"]
    assert "reason" in problem_of(blank, 422)["detail"]
    assert vouched.status_code == 200, vouched.text
    [mine] = [i for i in vouched.json()["identities"] if i["id"] == identity_id]
    assert mine["proof"] == "verified"
    assert mine["vouched_by"] == supervisor.id and mine["vouch_reason"] == "Cleo read it out on a call I took."
    assert _sign_in_links_to(client, db, "cleo@home.example") == 1
    again = client.post(vouch, headers=supervisor.headers, json={"reason": "Again."})
    assert problem_of(again, 409)


def test_removing_an_address_tells_every_address_she_had(client: TestClient, make: Factory, db: Database) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    ana = make.customer("ana@example.com", name="Ana")
    added = _add(client, agent, ana, "+44 20 7946 0000", kind="phone")
    phone = next(i for i in added.json()["identities"] if i["kind"] == "phone")
    assert [n["to"] for n in _mail(db, "address_notice")] == ["ana@example.com"]  # a number added: told too
    first = next(i for i in added.json()["identities"] if i["value"] == "ana@example.com")

    removed = client.delete(f"/api/v1/customers/{ana.id}/identities/{first['id']}", headers=agent.headers)

    assert removed.status_code == 200, removed.text
    assert [i["id"] for i in removed.json()["identities"]] == [phone["id"]]
    last = _mail(db, "address_notice")[-1]
    assert last["to"] == "ana@example.com" and "ana@example.com was removed" in last["text"]
    only = client.delete(f"/api/v1/customers/{ana.id}/identities/{phone['id']}", headers=agent.headers)
    assert "only identity" in problem_of(only, 409)["detail"]


# ---------------------------------------------------------------- organizations


def test_moving_a_customer_into_an_organization_is_a_supervisors_call(client: TestClient, make: Factory) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    supervisor = make.staff(Role.SUPERVISOR, team=team, password=None)
    org = make.organization("Acme", domain="acme.example")
    customer = make.customer("casey@example.com")

    by_agent = client.patch(f"/api/v1/customers/{customer.id}", headers=agent.headers, json={"organization_id": org.id})
    by_lead = client.patch(
        f"/api/v1/customers/{customer.id}", headers=supervisor.headers, json={"organization_id": org.id}
    )

    assert problem_of(by_agent, 403)
    assert by_lead.status_code == 200 and by_lead.json()["organization"]["id"] == org.id


def test_a_customer_joins_an_organization_by_a_proven_address_on_its_domain_not_a_typed_one(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    org = make.organization("Acme", domain="acme.example")
    casey = make.customer("casey@example.com")

    _add(client, agent, casey, "casey@acme.example")
    assert client.get(f"/api/v1/customers/{casey.id}", headers=agent.headers).json()["organization"] is None

    _as(client, make.customer_session(casey))
    assert _confirm(client, _link(_mail(db, "address_confirmation")[0]["text"])).status_code == 200

    me = client.get(f"/api/v1/customers/{casey.id}", headers=agent.headers).json()
    assert me["organization"] is not None and me["organization"]["id"] == org.id


def test_staff_send_a_pending_address_its_confirmation_again_and_only_a_pending_one(
    client: TestClient, make: Factory, db: Database
) -> None:
    agent = make.staff(Role.AGENT, team=make.team(), password=None)
    ana = make.customer("ana@example.com", name="Ana")
    identities = _add(client, agent, ana, "ana.work@example.org").json()["identities"]
    pending = next(i["id"] for i in identities if i["value"] == "ana.work@example.org")
    claimed = next(i["id"] for i in identities if i["value"] == "ana@example.com")
    base = f"/api/v1/customers/{ana.id}/identities"

    again = client.post(f"{base}/{pending}/confirmation", headers=agent.headers)
    needless = client.post(f"{base}/{claimed}/confirmation", headers=agent.headers)

    assert again.status_code == 202 and "ana.work@example.org" in again.json()["detail"]
    assert "needs no confirmation" in problem_of(needless, 409)["detail"]
    first, second = (_link(m["text"]) for m in _mail(db, "address_confirmation"))
    assert first != second
    _as(client, make.customer_session(ana))
    assert _confirm(client, second).status_code == 200
    assert _identity(db, "ana.work@example.org").proof.value == "verified"


def test_replies_never_go_to_an_address_staff_added_and_nobody_confirmed(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    ana = make.customer("ana@example.com", name="Ana")
    owner = make.staff(Role.AGENT, team=team, password=None)
    case = make.case(ana, team=team, owner=owner, subject="My card was charged twice")
    assert _add(client, owner, ana, "mallory@evil.example").status_code == 201
    with db.unit_of_work() as s:  # Ana's own address bounced once: the added one is the only deliverable one
        mine = s.scalar(select(CustomerIdentity).where(CustomerIdentity.value == "ana@example.com"))
        assert mine is not None
        mine.undeliverable_since = mine.created_at

    answered = client.post(
        f"/api/v1/cases/{case.id}/replies", headers=owner.headers, json={"body": "We have refunded the charge."}
    )

    assert answered.status_code == 201, answered.text
    with db.unit_of_work(write=False) as s:
        recipients = {m.recipient for m in s.scalars(select(OutboundMail).where(OutboundMail.purpose == "reply"))}
    assert "mallory@evil.example" not in recipients
    assert recipients == {"ana@example.com"}
