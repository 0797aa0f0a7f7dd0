"""The portal's smaller things: time zone and language from lists, times with time inputs, and calls booked
with the customer's number filled in, shown in their time zone, moved and cancelled."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.callbacks.models import Callback, CallbackState
from sameside.cases.models import TimelineEntry
from sameside.cases.rules import EventType
from sameside.customers import service as customer_service
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.web.portal_choices import LANGUAGES, zone_groups
from tests.factories import SYSTEM, Factory
from tests.web.test_portal import sign_in

MONDAY_MORNING = datetime(2031, 3, 3, 7, 0, tzinfo=UTC)
SLOT = re.compile(r'<option value="(\d{4}-\d\d-\d\dT[^"]+)">([^<]+)</option>')


def _customer(make: Factory, db: Database, *, timezone: str | None = None, phone: str | None = None) -> Customer:
    ana = make.customer("ana@example.com", name="Ana")
    with db.unit_of_work() as s:
        row = s.get(Customer, ana.id)
        assert row is not None
        if phone:
            customer_service.add_identity(s, SYSTEM, row, IdentityKind.PHONE, phone)
        if timezone:
            row.timezone = timezone
    return ana


def test_time_zone_and_language_are_chosen_from_lists(client: TestClient, make: Factory, db: Database) -> None:
    ana = _customer(make, db)
    csrf = sign_in(client, make, ana)
    form = client.get("/portal/preferences")
    assert form.status_code == 200
    assert '<optgroup label="Europe">' in form.text and '<option value="Europe/Berlin">Berlin</option>' in form.text
    assert '<option value="America/Argentina/Buenos_Aires">Buenos Aires, Argentina</option>' in form.text
    assert '<option value="de" lang="de">Deutsch — German</option>' in form.text
    assert form.text.count('type="time"') == 2

    saved = client.post(
        "/portal/preferences",
        data={
            "csrf": csrf,
            "language": "de-CH",
            "timezone": "Europe/Zurich",
            "contact_window_start": "08:30",
            "contact_window_end": "18:00",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    assert '<option value="Europe/Zurich" selected>' in saved.text
    assert '<option value="de-CH" lang="de-CH" selected>' in saved.text
    assert 'value="08:30"' in saved.text

    refused = client.post(
        "/portal/preferences",
        data={"csrf": csrf, "language": "de", "timezone": "Mars/Olympus", "contact_window_start": "08:30"},
    )
    assert refused.status_code == 422 and "not a known time zone" in refused.text
    # What they chose stays chosen, the unknown zone included, so they see what was refused.
    assert '<option value="de" lang="de" selected>' in refused.text
    assert '<option value="Mars/Olympus" selected>' in refused.text


def test_the_lists_cover_what_the_rules_accept() -> None:
    zones = [zone for _, places in zone_groups() for zone, _ in places]
    assert "UTC" in zones and "Europe/Berlin" in zones and "Asia/Kolkata" in zones
    assert len(zones) == len(set(zones)) > 300
    assert len({code for code, _ in LANGUAGES}) == len(LANGUAGES)


def test_a_call_is_booked_with_their_number_in_their_time_zone(client: TestClient, make: Factory, db: Database) -> None:
    make.staff(Role.AGENT, team=make.team(), password=None)
    ana = _customer(make, db, timezone="America/New_York", phone="+1 212 555 0100")
    number = make.case(ana).id
    with clock.frozen(MONDAY_MORNING):
        sign_in(client, make, ana)
        form = client.get(f"/portal/cases/{number}/callback")
    assert form.status_code == 200
    assert 'value="+12125550100"' in form.text  # the number we have for them, filled in
    assert "your time, America/New_York" in form.text
    value, label = SLOT.findall(form.text)[0]
    starts = datetime.fromisoformat(value)
    shown = starts.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    assert label.endswith(shown)
    assert '<optgroup label="Monday 03 March">' in form.text


def test_a_booked_call_is_moved_and_cancelled(client: TestClient, make: Factory, db: Database) -> None:
    make.staff(Role.AGENT, team=make.team(), password=None)
    ana = _customer(make, db, phone="+49 30 1234567")
    bo = make.customer("bo@example.com", name="Bo")
    number = make.case(ana).id
    with clock.frozen(MONDAY_MORNING):
        csrf = sign_in(client, make, ana)
        slots = [v for v, _ in SLOT.findall(client.get(f"/portal/cases/{number}/callback").text)]
        booked = client.post(
            f"/portal/cases/{number}/callback", data={"csrf": csrf, "slot": slots[0], "phone": "+49 30 1234567"}
        )
        assert booked.status_code == 200 and "Move or cancel" in booked.text
        with db.unit_of_work(write=False) as s:
            [call] = s.scalars(select(Callback)).all()
            call_id = call.id

        moving = client.get(f"/portal/cases/{number}/callback", params={"move": call_id})
        assert moving.status_code == 200 and "Pick another time" in moving.text
        moved = client.post(
            f"/portal/cases/{number}/callback", data={"csrf": csrf, "slot": slots[3], "callback": str(call_id)}
        )
        assert moved.status_code == 200
        with db.unit_of_work(write=False) as s:
            call = s.get(Callback, call_id)
            assert call is not None and call.starts_at == datetime.fromisoformat(slots[3])

        # Someone else's call looks missing; a time that is not one is refused where they acted.
        bo_csrf = sign_in(client, make, bo)
        theirs = client.post(f"/portal/callbacks/{call_id}/cancel", data={"csrf": bo_csrf, "case": str(number)})
        assert theirs.status_code == 404
        csrf = sign_in(client, make, ana)
        bad = client.post(
            f"/portal/cases/{number}/callback", data={"csrf": csrf, "slot": "soon", "callback": str(call_id)}
        )
        assert bad.status_code == 422 and "Pick a time from the list." in bad.text

        cancelled = client.post(f"/portal/callbacks/{call_id}/cancel", data={"csrf": csrf, "case": str(number)})
        assert cancelled.status_code == 200
        assert "We will call you" not in cancelled.text
        again = client.post(f"/portal/callbacks/{call_id}/cancel", data={"csrf": csrf, "case": str(number)})
        assert again.status_code == 409 and "cancelled" in again.text
    with db.unit_of_work(write=False) as s:
        call = s.get(Callback, call_id)
        assert call is not None and call.state is CallbackState.CANCELLED
        kinds = list(s.scalars(select(TimelineEntry.event).where(TimelineEntry.case_id == number)))
        assert kinds.count(EventType.CALLBACK_BOOKED) == 2 and EventType.CALLBACK_CANCELLED in kinds
