"""IMAP mailboxes and the SLA policy kept in the database: in the admin centre, in the API, and where they apply."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from sameside.business import queries
from sameside.business import service as business
from sameside.cases.models import Case
from sameside.cases.rules import Priority
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import Targets
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role, StaffActor, SystemActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.mail.blobs import BlobStore
from sameside.mail.models import OutboundMail
from sameside.mailboxes.filing import Intake
from tests.factories import Factory
from tests.web.test_desk import signed_in

ADMIN = SystemActor("tests")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
BOX = {"host": "imap.example.com", "port": 993, "ssl": True, "username": "help@example.com", "folder": "INBOX"}


def add_box(db: Database, name: str = "help", **fields: object) -> int:
    with db.unit_of_work() as s:
        return business.add_mailbox(s, ADMIN, name=name, password="s3cret", **(BOX | fields)).id


def test_a_mailbox_is_kept_and_its_password_never_shown(db: Database, make: Factory) -> None:
    team = make.team("billing", email="billing@desk.example")
    box = add_box(db, team_id=team.id)
    with db.unit_of_work(write=False) as s:
        [view] = queries.mailboxes(s)
        polled = queries.imap_mailboxes(s)
    assert (view.name, view.host, view.team_name) == ("help", "imap.example.com", team.name)
    assert not hasattr(view, "password")
    assert [(m.name, m.password, m.team) for m in polled] == [("help", "s3cret", "billing")]
    with db.unit_of_work() as s:
        business.change_mailbox(s, ADMIN, box, password="", folder="Support", team_id=None)
    with db.unit_of_work(write=False) as s:
        [kept] = queries.imap_mailboxes(s)
    assert (kept.password, kept.folder, kept.team) == ("s3cret", "Support", None)  # empty keeps the password
    with db.unit_of_work() as s:
        business.remove_mailbox(s, ADMIN, box)
    with db.unit_of_work(write=False) as s:
        assert queries.mailboxes(s) == []


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": "has space"}, "not a mailbox name"),
        ({"host": "imap example"}, "not a host name"),
        ({"port": 70000}, "The port must be between 1 and 65535"),
        ({"after": "burn"}, "marked seen, deleted, or moved"),
        ({"password": ""}, "Give the mailbox's password"),
    ],
)
def test_a_bad_mailbox_is_refused_with_its_reason(db: Database, changes: dict[str, object], words: str) -> None:
    fields: dict[str, object] = {"name": "help", "password": "p"} | BOX | changes
    with pytest.raises(Invalid, match=words), db.unit_of_work() as s:
        business.add_mailbox(s, ADMIN, **fields)  # type: ignore[arg-type]


def test_a_mailbox_name_is_unique_here_and_beside_the_environments(db: Database, make: Factory) -> None:
    add_box(db)
    with pytest.raises(Conflict), db.unit_of_work() as s:
        business.add_mailbox(s, ADMIN, name="help", password="p", **BOX)
    with pytest.raises(Conflict), db.unit_of_work() as s:
        business.add_mailbox(s, ADMIN, name="sales", password="p", reserved=frozenset({"sales"}), **BOX)
    agent = make.staff(Role.AGENT)
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        business.add_mailbox(s, StaffActor(agent.id, Role.AGENT), name="x", password="p", **BOX)


def due(db: Database, number: int) -> datetime | None:
    with db.unit_of_work(write=False) as s:
        case = s.get(Case, number)
        assert case is not None
        return case.due_at


def test_the_sla_policy_sets_the_first_reply_target_of_teams_without_their_own(db: Database, make: Factory) -> None:
    team, own = make.team(), make.team()
    with db.unit_of_work() as s:
        service_levels.set_default_targets(
            s, ADMIN, {Priority.NORMAL: Targets(first_reply=30, next_reply=60, resolution=600)}
        )
        service_levels.set_policy(
            s,
            ADMIN,
            s.merge(own),
            timezone=None,
            week=None,
            holidays=[],
            targets={Priority.NORMAL: Targets(120, 120, 600)},
        )
    with clock.frozen(MONDAY):
        first, second = make.case(team=team), make.case(team=own)
    assert due(db, first.id) == MONDAY + timedelta(minutes=30)
    assert due(db, second.id) == MONDAY + timedelta(minutes=120)  # its own targets, the business's hours
    with db.unit_of_work(write=False) as s:
        assert not service_levels.policy_for(s, own.id).own_calendar
        assert (
            service_levels.defaults_for(s).targets[Priority.URGENT]
            == service_levels.stored_targets(business.current(s))[Priority.URGENT]
        )  # type: ignore[index]
    with db.unit_of_work() as s:
        service_levels.set_default_targets(s, ADMIN, None)  # derived from the reply target again
    with clock.frozen(MONDAY):
        third = make.case(team=team)
    assert due(db, third.id) == MONDAY + timedelta(hours=8)


def test_a_bad_sla_target_is_refused_and_only_admins_set_the_policy(db: Database, make: Factory) -> None:
    with pytest.raises(Invalid, match="normal first reply target"), db.unit_of_work() as s:
        service_levels.set_default_targets(s, ADMIN, {Priority.NORMAL: Targets(0, 60, 600)})
    lead = make.staff(Role.SUPERVISOR)
    with pytest.raises(Forbidden), db.unit_of_work() as s:
        service_levels.set_default_targets(s, StaffActor(lead.id, Role.SUPERVISOR), None)


def test_filing_reads_the_business_settings_once_per_batch(db: Database, make: Factory, tmp_path: object) -> None:
    team = make.team("sales")
    with db.unit_of_work() as s:
        business.add_address(s, ADMIN, "sales@acme.example", team.id)
        business.save_branding(s, ADMIN, company_name="Acme", primary=None, accent=None)
    intake = Intake(db, BlobStore(tmp_path / "blobs"))  # type: ignore[operator]
    for n in range(5):
        intake.receive(
            f"From: c{n}@example.com\r\nTo: sales@acme.example\r\nSubject: Q{n}\r\nMessage-ID: <q{n}@example.com>\r\n"
            f"\r\nHello {n}\r\n".encode(),
            source="smtp",
        )
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        outcomes = intake.process_pending()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(outcomes) == 5 and all(o.case_id for o in outcomes)
    assert sum("FROM business_settings" in s for s in statements) == 1
    assert sum("FROM inbound_addresses" in s for s in statements) == 1
    with db.unit_of_work(write=False) as s:
        assert {c.team_id for c in s.query(Case)} == {team.id}


# ---------------------------------------------------------------- the admin centre


def test_an_admin_adds_edits_tests_and_removes_a_mailbox(client: TestClient, db: Database, make: Factory) -> None:
    csrf = signed_in(client, db, make.staff(Role.ADMIN, password=None))
    form = {"csrf": csrf, "name": "help", "host": "127.0.0.1", "port": "9", "username": "u", "password": "hunter22"}
    added = client.post("/desk/admin/channels/mailboxes", data=form | {"folder": "INBOX", "after": "seen"})
    assert added.status_code == 200 and "Saved" in added.text
    page = client.get("/desk/admin/channels")
    assert "127.0.0.1:9" in page.text and "hunter22" not in page.text
    refused = client.post("/desk/admin/channels/mailboxes", data=form | {"name": "other", "after": "burn"})
    assert refused.status_code == 422 and 'id="mailbox-error"' in refused.text and 'value="other"' in refused.text
    with db.unit_of_work(write=False) as s:
        [box] = queries.mailboxes(s)
    tested = client.post(f"/desk/admin/channels/mailboxes/{box.id}/test", data={"csrf": csrf})
    assert tested.status_code == 200 and "refused the connection" in tested.text
    client.post(f"/desk/admin/channels/mailboxes/{box.id}", data={"csrf": csrf, "remove": "1"})
    with db.unit_of_work(write=False) as s:
        assert queries.mailboxes(s) == []


def test_an_admin_sets_the_sla_policy_in_the_browser(client: TestClient, db: Database, make: Factory) -> None:
    csrf = signed_in(client, db, make.staff(Role.ADMIN, password=None))
    page = client.get("/desk/admin/service-levels")
    assert page.status_code == 200 and "derived from the reply target" in page.text
    form = {f"{p.value}_{k}": "600" for p in Priority for k in ("first_reply", "next_reply", "resolution")}
    saved = client.post("/desk/admin/service-levels", data=form | {"csrf": csrf, "normal_first_reply": "45"})
    assert saved.status_code == 200
    with db.unit_of_work(write=False) as s:
        assert service_levels.defaults_for(s).targets[Priority.NORMAL].first_reply == 45
    bad = client.post("/desk/admin/service-levels", data=form | {"csrf": csrf, "low_resolution": "soon"})
    assert bad.status_code == 422 and "whole number of minutes" in bad.text


# ---------------------------------------------------------------- the API


def test_the_api_reads_and_changes_the_business(client: TestClient, db: Database, make: Factory) -> None:
    headers = make.staff(Role.ADMIN).headers
    team = make.team("billing", email="billing@desk.example")
    settings = {
        "week": {"mon": [["08:00", "16:00"]]},
        "timezone": "Europe/Berlin",
        "support_phone": "+49 30 1234 5678",
        "reply_target_hours": 4,
        "tier_cap_minutes": 20,
        "callback_minutes": 30,
        "chat_greeting": "Hi.",
    }
    put = client.put("/api/v1/business/settings", json=settings, headers=headers)
    assert put.status_code == 200 and put.json()["stored"] and put.json()["week"] == {"mon": [["08:00", "16:00"]]}
    bad = client.put("/api/v1/business/branding", json={"primary_colour": "#ffff00"}, headers=headers)
    assert bad.status_code == 422 and "contrast" in bad.json()["detail"]
    logo = client.put("/api/v1/business/logo", files={"logo": ("x.png", PNG, "image/png")}, headers=headers)
    assert logo.status_code == 200 and logo.json()["logo_url"].startswith("/brand/logo/")
    svg = client.put("/api/v1/business/logo", files={"logo": ("x.svg", b"<svg/>", "image/svg+xml")}, headers=headers)
    assert svg.status_code == 422
    holiday = client.post("/api/v1/business/holidays", json={"day": "2026-12-25", "name": "Xmas"}, headers=headers)
    assert holiday.status_code == 201 and holiday.json()["holidays"] == [{"day": "2026-12-25", "name": "Xmas"}]
    box = client.post(
        "/api/v1/business/mailboxes",
        json={"name": "billing", "host": "imap.example.com", "username": "b", "password": "pw", "team_id": team.id},
        headers=headers,
    )
    assert box.status_code == 201 and "password" not in box.json() and box.json()["team_name"] == team.name
    address = client.post("/api/v1/business/inbound-addresses", json={"address": "Bills@Acme.example"}, headers=headers)
    assert address.status_code == 201 and address.json()["address"] == "bills@acme.example"
    policy = client.put(
        "/api/v1/business/service-levels",
        json={"targets": {"urgent": {"first_reply_minutes": 15, "next_reply_minutes": 30, "resolution_minutes": 240}}},
        headers=headers,
    )
    assert policy.status_code == 200 and policy.json()["stored"]
    urgent = next(t for t in policy.json()["targets"] if t["priority"] == "urgent")
    assert (urgent["first_reply_minutes"], urgent["resolution_minutes"]) == (15, 240)


def test_customer_mail_ends_with_the_company_not_the_product(client: TestClient, db: Database, make: Factory) -> None:
    with db.unit_of_work() as s:
        business.save_branding(s, ADMIN, company_name="Acme Outdoors", primary="#1f5fbf", accent=None)
    team = make.team()
    agent = make.staff(team=team, password=None)
    case = make.case(team=team, owner=agent)
    csrf = signed_in(client, db, agent)
    client.post(f"/desk/cases/{case.id}/reply", data={"csrf": csrf, "body": "Your parcel is on its way."})
    with db.unit_of_work(write=False) as s:
        [raw] = [m.raw for m in s.scalars(select(OutboundMail)) if m.raw]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert text.replace("\r\n", "\n").rstrip().endswith("\n-- \nAcme Outdoors")
    assert "Acme Outdoors" in html and "border-top:2px solid #1f5fbf" in html
    assert b"Sameside" not in raw


def test_titles_name_the_company_for_customers_and_the_product_for_staff(
    client: TestClient, db: Database, make: Factory
) -> None:
    with db.unit_of_work() as s:
        business.save_branding(s, ADMIN, company_name="Acme Outdoors", primary=None, accent=None)
    signed_in(client, db, make.staff(Role.ADMIN, password=None))
    assert "<title>Branding · Admin centre · Sameside</title>" in client.get("/desk/admin/branding").text
    client.cookies.clear()
    customer = make.customer()
    portal = client.get("/portal/new", headers=make.customer_session(customer)).text
    assert "<title>New request · Acme Outdoors</title>" in portal
    assert "<title>Sameside</title>" in client.get("/").text  # the server's own front page
