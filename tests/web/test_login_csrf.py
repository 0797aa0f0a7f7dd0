"""Login CSRF and sign-in timing: only our own forms sign a browser in; asking for a link costs the same for anyone.

Another site could post a hidden form to `/sign-in` or `/auth/magic` and sign
its visitor in to an account of its choosing. And a sign-in link request that
did more work for a customer than for a stranger told, by its timing, who is
a customer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sameside.auth import service as auth_service
from sameside.auth.service import SEND_SIGN_IN_LINK
from sameside.customers.models import Customer
from sameside.db.engine import Database
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.mail.models import OutboundMail
from tests.api.test_auth import _staff_who_can_sign_in
from tests.factories import PASSWORD, Factory
from tests.web.sign_in_forms import presession_of, sign_in_form

EVIL = "https://evil.example"


def _magic_token(make: Factory, db: Database, email: str) -> str:
    customer = make.customer(email)
    with db.unit_of_work() as s:
        row = s.get(Customer, customer.id)
        assert row is not None
        return auth_service.issue_magic_link(s, row, minutes=30)


def _session_set(response: Any) -> bool:
    return "sameside_session=" in " ".join(response.headers.get_list("set-cookie"))


# ---------------------------------------------------------------- staff sign-in form


def test_a_sign_in_posted_from_another_site_is_refused(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.AGENT, email="olga@desk.example")
    token = sign_in_form(client)  # even with a token that would pass

    posted = client.post(
        "/sign-in",
        data={"email": staff.email, "password": PASSWORD, "presession": token},
        headers={"Origin": EVIL},
        follow_redirects=False,
    )

    assert posted.status_code == 403
    assert "sent from another site (https://evil.example)" in posted.text
    assert 'role="alert"' in posted.text
    assert not _session_set(posted)


def test_a_sign_in_without_the_forms_token_is_refused_with_a_fresh_form(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.AGENT, email="pia@desk.example")

    bare = client.post("/sign-in", data={"email": staff.email, "password": PASSWORD}, follow_redirects=False)

    assert bare.status_code == 403
    assert "did not come from this site" in bare.text
    assert not _session_set(bare)
    again = client.post(
        "/sign-in",
        data={"email": staff.email, "password": PASSWORD, "presession": presession_of(bare)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert again.status_code == 303 and _session_set(again)


def test_a_token_from_another_browser_or_a_forged_one_does_not_pass(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.AGENT, email="quinn@desk.example")
    theirs = sign_in_form(client)  # the attacker's own browser, which got a real token
    client.cookies.clear()
    sign_in_form(client)  # the visitor's browser holds a token of its own
    for token in (theirs, theirs.rsplit(".", 1)[0] + ".forged"):
        posted = client.post(
            "/sign-in", data={"email": staff.email, "password": PASSWORD, "presession": token}, follow_redirects=False
        )
        assert posted.status_code == 403 and not _session_set(posted)


def test_a_form_left_open_past_its_time_asks_to_be_sent_again(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.AGENT, email="rosa@desk.example")
    token = sign_in_form(client)

    with clock.frozen(clock.now() + timedelta(hours=13)):
        late = client.post(
            "/sign-in", data={"email": staff.email, "password": PASSWORD, "presession": token}, follow_redirects=False
        )

    assert late.status_code == 403 and "had expired" in late.text


def test_the_front_pages_form_signs_in_from_this_site(client: TestClient, make: Factory) -> None:
    staff = _staff_who_can_sign_in(make, Role.AGENT, email="sven@desk.example")
    front = client.get("/")
    cookie = next(h for h in front.headers.get_list("set-cookie") if h.startswith("sameside_presession="))
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()

    posted = client.post(
        "/sign-in",
        data={"email": staff.email, "password": PASSWORD, "presession": presession_of(front)},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )

    assert posted.status_code == 303 and posted.headers["location"] == "/desk"


# ---------------------------------------------------------------- a customer's magic link


def test_a_magic_link_posted_from_another_site_signs_nobody_in_and_stays_usable(
    client: TestClient, make: Factory, db: Database
) -> None:
    token = _magic_token(make, db, "attacker@example.com")

    forged = client.post("/auth/magic", data={"token": token}, headers={"Origin": EVIL}, follow_redirects=False)
    unmarked = client.post("/auth/magic", data={"token": token}, follow_redirects=False)

    for refused in (forged, unmarked):
        assert refused.status_code == 403
        assert not _session_set(refused)
        # The refusal offers no button that would sign the visitor in with the other site's link.
        assert token not in refused.text
    assert "another site" in forged.text and "did not come from this site" in unmarked.text
    landing = client.get("/auth/magic", params={"token": token})  # its owner, on our page, still can
    used = client.post(
        "/auth/magic", data={"token": token, "presession": presession_of(landing)}, follow_redirects=False
    )
    assert used.status_code == 303 and _session_set(used)


# ---------------------------------------------------------------- asking for a link: the same work for anyone


def _counts(db: Database) -> tuple[int, int]:
    """(sign-in-link jobs, outbound mails) so far."""
    with db.unit_of_work(write=False) as s:
        jobs = s.scalar(select(func.count()).select_from(Job).where(Job.kind == SEND_SIGN_IN_LINK)) or 0
        mails = s.scalar(select(func.count()).select_from(OutboundMail)) or 0
        return jobs, mails


def test_asking_for_a_link_does_the_same_work_for_a_customer_and_a_stranger(
    client: TestClient, make: Factory, db: Database
) -> None:
    make.customer("ana@example.com")
    asks = [
        lambda: client.post("/api/v1/auth/magic-link", json={"email": "ana@example.com"}),
        lambda: client.post("/api/v1/auth/magic-link", json={"email": "stranger@example.com"}),
        lambda: client.post("/portal/link", data={"email": "ana@example.com"}),
        lambda: client.post("/portal/link", data={"email": "stranger@example.com"}),
    ]
    for ask in asks:
        before = _counts(db)
        answer = ask()
        assert answer.status_code in (200, 202)
        after = _counts(db)
        # Exactly one job and no mail on the request path, whoever the address belongs to.
        assert (after[0] - before[0], after[1] - before[1]) == (1, 0)
