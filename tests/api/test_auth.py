"""Signing in: staff passwords and sessions, CSRF, API tokens, customers' magic links; and what bodies may say."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from sameside.app import create_app
from sameside.config import Settings
from sameside.db.engine import Database
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from sameside.staff.models import Staff
from tests.factories import PASSWORD, Factory, Person
from tests.support import mail_text
from tests.web.sign_in_forms import presession_of, work_off_sign_in_links

SESSION_COOKIE = "sameside_session"
SIGN_IN = "/api/v1/auth/sign-in"
MAGIC_LINK = "/api/v1/auth/magic-link"
REDEEM = "/api/v1/auth/magic-link/redeem"


# A real Argon2id hash of PASSWORD with small cost parameters: verification reads the cost from
# the hash, so signing in stays a real password check but takes milliseconds, not a quarter second.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def _staff_who_can_sign_in(make: Factory, role: Role = Role.AGENT, **kwargs: Any) -> Person:
    person = make.staff(role, password=None, **kwargs)
    with make.db.unit_of_work() as s:
        staff = s.get(Staff, person.id)
        assert staff is not None
        staff.password_hash = _CHEAP_HASH
    return person


def _set_cookies(response: Any) -> dict[str, str]:
    """Each Set-Cookie header of a response, by cookie name."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0].strip()
        found[name] = header
    return found


def _attributes(set_cookie: str) -> dict[str, str]:
    parts = [p.strip() for p in set_cookie.split(";")[1:]]
    return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}


def _cookie_value(response: Any, name: str = SESSION_COOKIE) -> str:
    header = _set_cookies(response)[name]
    return header.split(";", 1)[0].split("=", 1)[1].strip('"')


def _session_headers(client: TestClient, response: Any) -> dict[str, str]:
    """Explicit cookie + CSRF headers from a sign-in response; the client's own cookie jar is emptied."""
    assert response.status_code == 200, response.text
    client.cookies.clear()
    return {"Cookie": f"{SESSION_COOKIE}={_cookie_value(response)}", "X-CSRF-Token": response.json()["csrf_token"]}


def _sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post(SIGN_IN, json={"email": email, "password": password})


def _asked(client: TestClient, *, json: dict[str, str]) -> Any:
    """Ask for a sign-in link, then let the worker do its part at once (on the same, maybe frozen, clock)."""
    answer = client.post(MAGIC_LINK, json=json)
    work_off_sign_in_links(client)
    return answer


def _magic_jobs(db: Database) -> list[dict[str, Any]]:
    """The sign-in emails queued so far: to whom, for which customer, with which link."""
    with db.unit_of_work(write=False) as s:
        mails = s.scalars(select(OutboundMail).where(OutboundMail.purpose == "magic_link").order_by(OutboundMail.id))
        return [
            {"to": m.recipient, "customer_id": m.customer_id, "link": _link_in(mail_text(m.raw or b""))} for m in mails
        ]


def _link_in(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, text
    return match.group(0)


def _token_of(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def _customer_signed_in(client: TestClient, db: Database, email: str) -> dict[str, str]:
    """Sign a customer in the way they do it: ask for a link, follow it."""
    assert _asked(client, json={"email": email}).status_code == 202
    link = _magic_jobs(db)[-1]["link"]
    return _session_headers(client, client.post(REDEEM, json={"token": _token_of(link)}))


@pytest.fixture
def limited(db: Database, settings: Settings) -> Iterator[TestClient]:
    """The app with a sign-in limit of 3 attempts per window."""
    app = create_app(settings.model_copy(update={"login_attempts_per_window": 3}), database=db)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# ---------------------------------------------------------------- staff sign-in


def test_staff_sign_in_sets_an_httponly_samesite_session_cookie(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.SUPERVISOR, email="sam@desk.example")

    response = _sign_in(client, "Sam@Desk.Example")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "staff"
    assert body["id"] == staff.id
    assert body["role"] == "supervisor"
    assert len(body["csrf_token"]) >= 20
    session = _attributes(_set_cookies(response)[SESSION_COOKIE])
    assert "httponly" in session
    assert session.get("samesite", "").lower() in ("lax", "strict")
    assert session.get("path") == "/"
    assert body["csrf_token"] not in _set_cookies(response)[SESSION_COOKIE]
    # The cookie is the session: with it alone a read works.
    client.cookies.clear()
    me = client.get("/api/v1/staff/me", headers={"Cookie": f"{SESSION_COOKIE}={_cookie_value(response)}"})
    assert me.status_code == 200
    assert me.json()["id"] == staff.id


def test_wrong_password_and_unknown_email_get_the_identical_answer(client: TestClient, make: Factory) -> None:
    _staff_who_can_sign_in(make, email="pat@desk.example")

    wrong = _sign_in(client, "pat@desk.example", "not the password")
    unknown = _sign_in(client, "nobody@desk.example", "not the password")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == unknown.headers["content-type"]
    assert SESSION_COOKIE not in _set_cookies(wrong)
    assert SESSION_COOKIE not in _set_cookies(unknown)


def test_deactivated_staff_cannot_sign_in_nor_use_their_session_or_token(client: TestClient, make: Factory) -> None:
    admin = make.staff(Role.ADMIN, password=None)
    leaver = _staff_who_can_sign_in(make, email="leaver@desk.example")
    session = _session_headers(client, _sign_in(client, leaver.email))
    assert client.get("/api/v1/staff/me", headers=leaver.headers).status_code == 200

    off = client.patch(f"/api/v1/staff/{leaver.id}", headers=admin.headers, json={"is_active": False})
    assert off.status_code == 200, off.text

    refused = _sign_in(client, leaver.email)
    assert refused.status_code == 401
    assert refused.json() == _sign_in(client, leaver.email, "a wrong password").json()
    assert SESSION_COOKIE not in _set_cookies(refused)
    assert client.get("/api/v1/staff/me", headers=session).status_code == 401
    assert client.get("/api/v1/staff/me", headers=leaver.headers).status_code == 401


def test_sign_in_is_rate_limited_with_retry_after(limited: TestClient, make: Factory, settings: Settings) -> None:
    staff = _staff_who_can_sign_in(make, email="rosa@desk.example")

    for _ in range(3):
        assert _sign_in(limited, staff.email, "guess guess guess").status_code == 401

    blocked = _sign_in(limited, staff.email)  # even the right password, once over the limit
    assert blocked.status_code == 429, blocked.text
    retry_after = int(blocked.headers["retry-after"])
    assert 0 < retry_after <= settings.login_window_seconds
    assert blocked.json()["status"] == 429
    assert SESSION_COOKIE not in _set_cookies(blocked)


def test_magic_link_requests_are_rate_limited_too(limited: TestClient, make: Factory, db: Database) -> None:
    make.customer("flood@example.com")
    for _ in range(3):
        assert _asked(limited, json={"email": "flood@example.com"}).status_code == 202
    blocked = _asked(limited, json={"email": "flood@example.com"})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert len(_magic_jobs(db)) == 3  # no mail for the refused request


# ---------------------------------------------------------------- CSRF and tokens


def test_cookie_writes_need_the_sessions_csrf_token(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, email="cleo@desk.example")
    first = _session_headers(client, _sign_in(client, staff.email))
    second = _session_headers(client, _sign_in(client, staff.email))  # another browser: its own CSRF token
    cookie = {"Cookie": first["Cookie"]}

    def names() -> list[str]:
        listed = client.get("/api/v1/tokens", headers=cookie)  # a read needs no CSRF token
        assert listed.status_code == 200, listed.text
        return [t["name"] for t in listed.json()]

    for headers in (cookie, {**cookie, "X-CSRF-Token": "wrong"}, {**cookie, "X-CSRF-Token": second["X-CSRF-Token"]}):
        refused = client.post("/api/v1/tokens", headers=headers, json={"name": "from the browser"})
        assert refused.status_code == 403, refused.text
    assert "from the browser" not in names()

    made = client.post("/api/v1/tokens", headers=first, json={"name": "from the browser"})
    assert made.status_code == 201, made.text
    assert names().count("from the browser") == 1


def test_bearer_tokens_need_no_csrf_token(client: TestClient, make: Factory) -> None:
    staff = make.staff(password=None)
    assert "X-CSRF-Token" not in staff.headers
    made = client.post("/api/v1/tokens", headers=staff.headers, json={"name": "ci"})
    assert made.status_code == 201, made.text


def test_a_revoked_token_stops_working_at_once(client: TestClient, make: Factory) -> None:
    staff = make.staff(password=None)
    created = client.post("/api/v1/tokens", headers=staff.headers, json={"name": "integration"}).json()
    token = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/staff/me", headers=token).status_code == 200

    revoked = client.delete(f"/api/v1/tokens/{created['id']}", headers=staff.headers)

    assert revoked.status_code == 204
    assert client.get("/api/v1/staff/me", headers=token).status_code == 401
    assert client.post("/api/v1/tokens", headers=token, json={"name": "sneaky"}).status_code == 401
    listed = {t["id"]: t for t in client.get("/api/v1/tokens", headers=staff.headers).json()}
    assert listed[created["id"]]["revoked_at"] is not None
    # The other token of the same person still works.
    assert client.get("/api/v1/staff/me", headers=staff.headers).status_code == 200


def test_a_tokens_secret_is_shown_only_when_it_is_created(client: TestClient, make: Factory) -> None:
    staff = make.staff(password=None)
    created = client.post("/api/v1/tokens", headers=staff.headers, json={"name": "reporting"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith(created.json()["hint"])

    listed = client.get("/api/v1/tokens", headers=staff.headers)

    assert listed.status_code == 200
    mine = [t for t in listed.json() if t["id"] == created.json()["id"]]
    assert len(mine) == 1
    assert "token" not in mine[0]
    assert secret not in listed.text
    assert len(mine[0]["hint"]) < len(secret) // 2


def test_sign_out_ends_the_session_on_the_server(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, email="otto@desk.example")
    session = _session_headers(client, _sign_in(client, staff.email))
    assert client.get("/api/v1/staff/me", headers=session).status_code == 200

    out = client.post("/api/v1/auth/sign-out", headers=session)

    assert out.status_code == 204
    cleared = _attributes(_set_cookies(out)[SESSION_COOKIE])
    assert cleared.get("max-age") == "0" or "expires" in cleared
    client.cookies.clear()
    # The old cookie, replayed, is worth nothing now.
    assert client.get("/api/v1/staff/me", headers=session).status_code == 401
    assert client.post("/api/v1/tokens", headers=session, json={"name": "after"}).status_code == 401


# ---------------------------------------------------------------- magic links


def test_a_magic_link_is_asked_for_the_same_way_whether_or_not_the_address_is_known(
    client: TestClient, make: Factory, db: Database
) -> None:
    customer = make.customer("ana.silva@example.com", name="Ana Silva")

    known = _asked(client, json={"email": "Ana.Silva@Example.com"})
    unknown = _asked(client, json={"email": "stranger@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    jobs = _magic_jobs(db)
    assert len(jobs) == 1, jobs  # mail only for the known address
    assert jobs[0]["to"] == "ana.silva@example.com"
    assert jobs[0]["customer_id"] == customer.id
    assert jobs[0]["link"].startswith("http://testserver/auth/magic?token=")

    signed_in = client.post(REDEEM, json={"token": _token_of(jobs[0]["link"])})

    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["kind"] == "customer"
    assert signed_in.json()["id"] == customer.id
    assert "httponly" in _attributes(_set_cookies(signed_in)[SESSION_COOKIE])
    headers = _session_headers(client, signed_in)
    me = client.get("/api/v1/customers/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["name"] == "Ana Silva"

    again = client.post(REDEEM, json={"token": _token_of(jobs[0]["link"])})
    assert again.status_code == 401
    assert SESSION_COOKIE not in _set_cookies(again)


def test_an_expired_magic_link_does_not_sign_in(
    client: TestClient, make: Factory, db: Database, settings: Settings
) -> None:
    make.customer("late@example.com")
    sent = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
    with clock.frozen(sent):
        for _ in range(2):
            assert _asked(client, json={"email": "late@example.com"}).status_code == 202
    in_time, too_late = (_token_of(j["link"]) for j in _magic_jobs(db))

    with clock.frozen(sent + timedelta(minutes=settings.magic_link_minutes - 1)):
        assert client.post(REDEEM, json={"token": in_time}).status_code == 200
    client.cookies.clear()
    with clock.frozen(sent + timedelta(minutes=settings.magic_link_minutes + 1)):
        expired = client.post(REDEEM, json={"token": too_late})
    assert expired.status_code == 401
    assert SESSION_COOKIE not in _set_cookies(expired)


def test_an_unknown_magic_link_token_fails_like_a_used_one(client: TestClient) -> None:
    response = client.post(REDEEM, json={"token": "made-up-token"})
    assert response.status_code == 401
    assert SESSION_COOKIE not in _set_cookies(response)


def test_the_magic_link_landing_page_asks_for_a_click_before_spending_the_link(
    client: TestClient, make: Factory, db: Database
) -> None:
    make.customer("scan@example.com")
    _asked(client, json={"email": "scan@example.com"})
    link = _magic_jobs(db)[0]["link"]
    token = _token_of(link)

    for _ in range(2):  # a mail scanner opens the link first; then the person does
        landing = client.get(urlparse(link).path, params={"token": token})
        assert landing.status_code == 200
        assert landing.headers["content-type"].startswith("text/html")
        assert 'action="/auth/magic"' in landing.text
        assert token in landing.text
        assert "<button" in landing.text
        assert SESSION_COOKIE not in _set_cookies(landing)

    spent = client.post(
        "/auth/magic", data={"token": token, "presession": presession_of(landing)}, follow_redirects=False
    )
    assert spent.status_code == 303
    assert spent.headers["location"] == "/portal"  # straight to their cases
    assert SESSION_COOKIE in _set_cookies(spent)
    home = client.get("/")
    assert "Signed in as" in home.text
    client.cookies.clear()

    again = client.get(urlparse(link).path, params={"token": token})  # the page again, in a new browser
    replay = client.post(
        "/auth/magic", data={"token": token, "presession": presession_of(again)}, follow_redirects=False
    )
    assert replay.status_code == 401
    assert SESSION_COOKIE not in _set_cookies(replay)


# ---------------------------------------------------------------- what a signed-in customer sees


def test_a_signed_in_customer_sees_only_their_cases_and_never_internal_notes(
    client: TestClient, make: Factory, db: Database
) -> None:
    team = make.team()
    agent = make.staff(Role.AGENT, team=team, password=None)
    mine = make.customer("me@example.com", name="Mia")
    theirs = make.case(make.customer(), team=team)
    case = make.case(mine, team=team).id
    other_of_mine = make.case(mine).id
    note = "Customer sounds upset; refund approved by Jo."
    staff_calls = [
        ("POST", f"/api/v1/cases/{case}/notes", {"body": note}),
        ("PUT", f"/api/v1/cases/{case}/owner", {"owner_id": agent.id}),
        ("PATCH", f"/api/v1/cases/{case}", {"priority": "urgent", "tags": ["vip-escalation"]}),
        ("POST", f"/api/v1/cases/{case}/replies", {"body": "Your refund is on its way.", "status": "resolved"}),
    ]
    for method, path, body in staff_calls:
        done = client.request(method, path, headers=agent.headers, json=body)
        assert done.status_code in (200, 201), done.text
    staff_view = client.get(f"/api/v1/cases/{case}", headers=agent.headers).json()
    assert any(e["kind"] == "note" for e in staff_view["timeline"])  # the note is there, for staff

    headers = _customer_signed_in(client, db, "me@example.com")

    listed = client.get("/api/v1/cases", headers=headers)
    assert listed.status_code == 200
    assert {c["number"] for c in listed.json()["items"]} == {case, other_of_mine}
    assert client.get(f"/api/v1/cases/{theirs.id}", headers=headers).status_code == 404

    detail = client.get(f"/api/v1/cases/{case}", headers=headers)
    assert detail.status_code == 200
    timeline = detail.json()["timeline"]
    assert [e["body"] for e in timeline if e["kind"] == "message"] == [
        "It was due on Monday.",
        "Your refund is on its way.",
    ]
    assert all(e["kind"] != "note" for e in timeline)
    assert all(e["public"] for e in timeline)
    internal = {"assigned", "priority_changed", "tagged"}
    assert not [e["event"] for e in timeline if e["event"] in internal]
    assert note not in detail.text
    assert all(e["author"]["id"] is None for e in timeline if e["author"]["kind"] == "staff")


# ---------------------------------------------------------------- bodies say only what they may


def test_an_unknown_field_is_refused_and_changes_nothing(client: TestClient, make: Factory, db: Database) -> None:
    make.customer("eve@example.com", name="Eve")
    headers = _customer_signed_in(client, db, "eve@example.com")

    sneaky = client.post(
        "/api/v1/cases", headers=headers, json={"subject": "Hi", "body": "Close it for me", "status": "closed"}
    )
    assert sneaky.status_code == 422, sneaky.text
    assert "status" in sneaky.json()["detail"]
    assert client.get("/api/v1/cases", headers=headers).json()["items"] == []

    promoted = client.patch("/api/v1/customers/me", headers=headers, json={"name": "Eve Admin", "role": "admin"})
    assert promoted.status_code == 422, promoted.text
    assert "role" in promoted.json()["detail"]
    assert client.get("/api/v1/customers/me", headers=headers).json()["name"] == "Eve"

    # Customers cannot set tier or organization through `me` either.
    tier = client.patch("/api/v1/customers/me", headers=headers, json={"tier": "enterprise"})
    assert tier.status_code == 422
    assert client.get("/api/v1/customers/me", headers=headers).json()["tier"] == "standard"


def test_staff_bodies_refuse_unknown_fields_too(client: TestClient, make: Factory) -> None:
    agent = make.staff(password=None)
    sneaky = client.post(
        "/api/v1/cases",
        headers=agent.headers,
        json={
            "customer": {"email": "x@example.com"},
            "subject": "Hi",
            "body": "Hello",
            "channel": "email",
            "owner_id": agent.id,
        },
    )
    assert sneaky.status_code == 422
    assert client.get("/api/v1/cases", headers=agent.headers).json()["items"] == []


# ---------------------------------------------------------------- list parameters


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_an_unknown_sort_key_names_the_allowed_ones(client: TestClient, make: Factory) -> None:
    agent = make.staff(password=None)
    response = client.get("/api/v1/cases", headers=agent.headers, params={"sort": "priority"})
    assert response.status_code in (400, 422), response.text
    detail = response.json()["detail"]
    for allowed in ("-created", "created", "-updated", "updated"):
        assert allowed in detail


def test_a_cursor_pages_and_a_tampered_cursor_is_a_400(client: TestClient, make: Factory) -> None:
    agent = make.staff(password=None)
    numbers = [make.case().id for _ in range(3)]
    for sort in ("-created", "-updated"):
        first = client.get("/api/v1/cases", headers=agent.headers, params={"limit": 2, "sort": sort}).json()
        rest = client.get(
            "/api/v1/cases", headers=agent.headers, params={"limit": 2, "sort": sort, "cursor": first["next_cursor"]}
        ).json()
        paged = [c["number"] for c in first["items"] + rest["items"]]
        assert sorted(paged) == sorted(numbers), sort
        assert rest["next_cursor"] is None

    tampered: list[tuple[str, Any]] = [  # (sort, what the cursor decodes to; a str is sent as it is)
        ("-created", "not a cursor!"),
        ("-created", {"id": 5}),
        ("-created", ["5"]),
        ("-created", [True]),
        ("-created", [1, 2]),
        ("-created", [10**30]),  # an id no column can hold
        ("-updated", [5]),
        ("-updated", ["yesterday", 5]),
        ("-updated", ["2030-01-01T00:00:00", 5]),  # no time zone
        ("-updated", ["2030-01-01T00:00:00+00:00", 10**30]),
        ("-updated", ["0001-01-01T00:00:00+01:00", 5]),  # before year 1 once in UTC
    ]
    problems = []
    for sort, value in tampered:
        cursor = value if isinstance(value, str) else _b64(value)
        response = client.get("/api/v1/cases", headers=agent.headers, params={"sort": sort, "cursor": cursor})
        if response.status_code != 400:
            problems.append(f"  sort={sort} cursor={value!r}: {response.status_code} {response.text[:100]}")
    assert not problems, "tampered cursors not refused with 400:\n" + "\n".join(problems)


def test_other_list_parameters_are_checked(client: TestClient, make: Factory) -> None:
    agent = make.staff(password=None)
    assert client.get("/api/v1/cases", headers=agent.headers, params={"limit": 201}).status_code == 422
    assert client.get("/api/v1/cases", headers=agent.headers, params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/cases", headers=agent.headers, params={"owner": "bob"}).status_code == 422
    assert client.get("/api/v1/cases", headers=agent.headers, params={"status": "lost"}).status_code == 422


def test_one_address_receives_a_handful_of_sign_in_links_an_hour_however_often_asked(
    client: TestClient, make: Factory, db: Database
) -> None:
    make.customer("ana.silva@example.com", name="Ana Silva")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for minute in range(8):  # within the per-process rate limit, which alone let 120 an hour through
        with clock.frozen(start + timedelta(minutes=5 * minute)):
            answer = _asked(client, json={"email": "ana.silva@example.com"})
        assert answer.status_code == 202  # the same answer every time: nothing to learn from it
    assert len(_magic_jobs(db)) == 5  # within the hour: five links, not eight
    with clock.frozen(start + timedelta(hours=2)):
        _asked(client, json={"email": "ana.silva@example.com"})
    assert len(_magic_jobs(db)) == 6  # an hour later she can have another
