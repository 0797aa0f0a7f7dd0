"""The admin centre's business pages over HTTP: saved settings and branding show where customers look."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.db.engine import Database
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from tests.factories import Factory
from tests.web.test_desk import signed_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def settings_form(csrf: str, **changes: str) -> dict[str, str]:
    fields = {
        "csrf": csrf,
        "timezone": "Europe/Berlin",
        "mon_opens": "09:00",
        "mon_closes": "17:00",
        "support_phone": "+49 30 1234 5678",
        "reply_target_hours": "4",
        "tier_cap_minutes": "20",
        "callback_minutes": "30",
        "chat_greeting": "Hi from Acme.",
    }
    return fields | changes


def admin(client: TestClient, db: Database, make: Factory) -> str:
    return signed_in(client, db, make.staff(Role.ADMIN, password=None))


def test_saved_hours_and_phone_show_in_the_portal(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    saved = client.post("/desk/admin/business", data=settings_form(csrf))
    assert saved.status_code == 200 and 'value="+49 30 1234 5678"' in saved.text
    added = client.post(
        "/desk/admin/business/holidays", data={"csrf": csrf, "holiday_day": "2026-12-25", "holiday_name": "Christmas"}
    )
    assert added.status_code == 200 and "Christmas" in added.text
    client.cookies.clear()
    customer = make.customer()
    portal = client.get("/portal", headers=make.customer_session(customer))
    assert "+49 30 1234 5678" in portal.text


def test_a_refusal_is_beside_the_form_with_what_was_typed(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    refused = client.post(
        "/desk/admin/business", data=settings_form(csrf, timezone="Mars/Olympus", chat_greeting="Kept")
    )
    assert refused.status_code == 422
    assert 'id="settings-error"' in refused.text and "not a time zone" in refused.text
    assert 'value="Mars/Olympus"' in refused.text and "Kept</textarea>" in refused.text
    words = client.post("/desk/admin/business", data=settings_form(csrf, tier_cap_minutes="lots"))
    assert words.status_code == 422 and "not a whole number" in words.text


def test_a_low_contrast_colour_is_refused_with_the_reason(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    refused = client.post(
        "/desk/admin/branding", data={"csrf": csrf, "company_name": "Acme", "primary_colour": "#ffdd00"}
    )
    assert refused.status_code == 422 and 'id="brand-error"' in refused.text
    assert "WCAG AA asks for at least 4.5:1" in refused.text and 'value="#ffdd00"' in refused.text


def test_branding_shows_in_the_portal_and_no_vendor_line(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    saved = client.post(
        "/desk/admin/branding", data={"csrf": csrf, "company_name": "Acme Outdoors", "primary_colour": "#1f5fbf"}
    )
    assert saved.status_code == 200
    logo = client.post("/desk/admin/branding/logo", data={"csrf": csrf}, files={"logo": ("logo.png", PNG, "image/png")})
    assert logo.status_code == 200
    src = re.search(r'src="(/brand/logo/[0-9a-f]{64})"', logo.text)
    assert src is not None
    served = client.get(src.group(1))
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"]
    client.cookies.clear()
    customer = make.customer()
    for path in ("/portal", "/portal/new", "/help"):
        shown = client.get(path, headers=make.customer_session(customer))
        assert shown.status_code == 200, path
        sheet = re.search(r'href="(/brand/colours\.css\?v=[0-9a-f]+)"', shown.text)
        assert "Acme Outdoors" in shown.text and sheet is not None, path
        assert "--accent: #1f5fbf" in client.get(sheet.group(1)).text, path
        assert "Sameside" not in shown.text, path
    widget = client.get("/widget.js")
    assert '"name": "Acme Outdoors"' in widget.text and '"primary": "#1f5fbf"' in widget.text


def test_a_logo_is_judged_by_its_bytes_not_its_name(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    exe = client.post(
        "/desk/admin/branding/logo",
        data={"csrf": csrf},
        files={"logo": ("logo.png", b"MZ\x90\x00" + b"\x00" * 300, "image/png")},
    )
    assert exe.status_code == 422 and "PNG, JPEG or WebP" in exe.text and 'id="logo-error"' in exe.text
    svg = client.post(
        "/desk/admin/branding/logo",
        data={"csrf": csrf},
        files={"logo": ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")},
    )
    assert svg.status_code == 422 and "SVG" in svg.text
    forged = client.post(
        "/desk/admin/branding/logo", data={"csrf": "nope"}, files={"logo": ("l.png", PNG, "image/png")}
    )
    assert forged.status_code == 403


def test_a_sent_email_carries_the_company_name(client: TestClient, db: Database, make: Factory) -> None:
    csrf = admin(client, db, make)
    client.post("/desk/admin/branding", data={"csrf": csrf, "company_name": "Acme Outdoors"})
    team = make.team()
    agent = make.staff(team=team, password=None)
    case = make.case(team=team, owner=agent)
    agent_csrf = signed_in(client, db, agent)
    client.post(f"/desk/cases/{case.id}/reply", data={"csrf": agent_csrf, "body": "Your parcel is on its way."})
    with db.unit_of_work(write=False) as s:
        raw = [m.raw for m in s.scalars(select(OutboundMail))]
    assert raw and any(b" at Acme Outdoors" in r for r in raw)


def test_an_inbound_address_with_a_team_and_the_widget_snippet(client: TestClient, db: Database, make: Factory) -> None:
    team = make.team(name="Billing")
    csrf = admin(client, db, make)
    added = client.post(
        "/desk/admin/channels/addresses", data={"csrf": csrf, "address": "Billing@Acme.test", "team_id": str(team.id)}
    )
    assert added.status_code == 200 and "billing@acme.test" in added.text
    assert f'<option value="{team.id}" selected>Billing</option>' in added.text
    assert "&lt;script src=&#34;http://testserver/widget.js&#34; defer&gt;&lt;/script&gt;" in added.text
    again = client.post("/desk/admin/channels/addresses", data={"csrf": csrf, "address": "billing@acme.test"})
    assert again.status_code == 409 and 'id="address-error"' in again.text


def test_only_admins_reach_the_pages(client: TestClient, db: Database, make: Factory) -> None:
    signed_in(client, db, make.staff(Role.SUPERVISOR, password=None))
    for path in ("/desk/admin/business", "/desk/admin/branding", "/desk/admin/channels"):
        assert client.get(path).status_code == 403
