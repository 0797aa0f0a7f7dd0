"""Every endpoint, walked with every role.

The list of endpoints comes from the app's own OpenAPI document, so a new
endpoint fails `test_every_endpoint_has_an_expectation` until someone says
here who may call it. Each call uses a valid body, so an allowed call really
succeeds and a refused one is refused for who is asking, not for its input:

- 401: nobody is signed in (the public auth endpoints excepted);
- 403: signed in, but the wrong kind of user or role for this action;
- 404: the case or customer exists but is not theirs (the same as missing,
  so numbers cannot be probed): a customer's, or a restricted team's case;
- 403 on a case staff may read but not change: every staff member reads
  every case (a restricted team's excepted); changing it stays with its
  team, its owner and supervisors;
- 2xx: allowed (the exact success status is asserted).
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from sameside.auth import service as auth_service
from sameside.business import service as business_service
from sameside.callbacks import service as callback_service
from sameside.callbacks.models import Callback
from sameside.cases import service as case_service
from sameside.cases.access import case_for
from sameside.cases.links import service as case_links
from sameside.consults import service as consult_service
from sameside.customers import service as customer_service
from sameside.customers.models import Customer
from sameside.customers.rules import IdentityKind
from sameside.grants import service as grant_service
from sameside.grants.rules import GrantKind, Money, Purpose
from sameside.kit import signing
from sameside.kit.actors import CustomerActor, Role, StaffActor
from sameside.kit.hours import parse_hours
from sameside.knowledge import service as knowledge_service
from sameside.knowledge.rules import Visibility
from sameside.mail.models import Attachment, InboundMail, InboundState
from sameside.mailboxes.store import receive
from sameside.offers import service as offer_service
from sameside.offers.rules import OptionSpec
from sameside.staff import invitations
from sameside.staff import notifications as notice_service
from sameside.staff.models import Department, Staff, Team
from sameside.webhooks import service as webhook_service
from tests.factories import PASSWORD, SYSTEM, Factory, Person
from tests.feedback.seed import complaint_for, first_message
from tests.incidents.seed import incident_path
from tests.saved_replies.seed import shared_reply
from tests.surveys.seed import answerable_survey

ROLES = (
    "anonymous",
    "customer",  # the customer whose case it is
    "other_customer",  # another customer: the case is not theirs
    "team_agent",  # agent in the case's team
    "other_agent",  # agent of another team
    "back_office",  # agent role, a department, no team
    "supervisor",  # of another team: supervisors see every case
    "admin",
)

_seq = itertools.count(1)
GRANT = {"kind": "voucher", "purpose": "goodwill", "amount_minor": 2000, "currency": "EUR", "reason": "Late"}


def _n() -> int:
    return next(_seq)


@dataclass(frozen=True)
class Call:
    path: str
    json: Any = None
    files: Any = None
    """Multipart parts; `json` then holds the form's fields."""


@dataclass
class World:
    """Teams, people and a customer, created once per test."""

    client: TestClient
    make: Factory
    team: Team  # the case's team
    spare_team: Team
    department: Department
    customer: Customer
    customer_email: str
    other_customer: Customer
    staff: dict[str, Person]
    colleague: Person
    victim: Person
    signer: Person | None = None  # a staff member with a password (hashing one is slow, so only when needed)

    def headers(self, role: str) -> dict[str, str]:
        """Fresh credentials for `role` (a customer's session is new each call, as a sign-out may end it)."""
        if role == "anonymous":
            return {}
        if role == "colleague":
            return dict(self.colleague.headers)
        if role in ("customer", "other_customer"):
            return self.make.customer_session(self.customer if role == "customer" else self.other_customer)
        return dict(self.staff[role].headers)

    def staff_id(self, role: str) -> int | None:
        person = self.staff.get(role)
        return person.id if person else None

    # ---- things some calls use up: made fresh for every call

    def case(self, *, owner: Person | None = None) -> int:
        return self.make.case(self.customer, team=self.team, owner=owner).id

    def resolved_case(self, *, owner: Person | None = None) -> int:
        number = self.case(owner=owner)
        with self.make.db.unit_of_work() as s:
            case_service.resolve(s, SYSTEM, case_for(s, SYSTEM, number))
        return number

    def magic_token(self) -> str:
        with self.make.db.unit_of_work() as s:
            customer = s.get(Customer, self.customer.id)
            assert customer is not None
            return auth_service.issue_magic_link(s, customer, minutes=30)

    def inbound_id(self) -> int:
        """A message that could not be read, waiting in quarantine."""
        with self.make.db.unit_of_work() as s:
            received = receive(s, f"not mail {_n()}".encode(), source="smtp")
            row = s.get(InboundMail, received.inbound_id)
            assert row is not None
            row.state, row.reason = InboundState.QUARANTINED, "Unreadable: no header block"
            return received.inbound_id

    def attachment_link(self) -> str:
        """A signed download link for an attachment on a case, as the timeline hands them out."""
        state = self.client.app.state  # type: ignore[attr-defined]
        number = self.case()
        sha = state.blobs.put(b"%PDF-1.4 receipt")
        with self.make.db.unit_of_work() as s:
            row = Attachment(
                sha256=sha, size=16, filename="receipt.pdf", content_type="application/pdf", case_id=number
            )
            s.add(row)
            s.flush()
            attachment_id = row.id
        expires = int(time.time()) + 600
        signature = signing.sign(state.link_key, "attachment", attachment_id, expires)
        return f"/api/v1/attachments/{attachment_id}/download?expires={expires}&signature={signature}"

    def consult_id(self) -> int:
        """An open consult to the department, on a fresh case."""
        number = self.case()
        with self.make.db.unit_of_work() as s:
            department = s.get(Department, self.department.id)
            assert department is not None
            consult = consult_service.ask(
                s,
                SYSTEM,
                case_for(s, SYSTEM, number),
                department,
                "Has it shipped?",
                parse_hours("Mon-Sun 00:00-23:59", "UTC"),
            )
            return consult.id

    def feedback_id(self) -> int:
        """A complaint about the department, marked on a fresh case of the team."""
        return complaint_for(self.make.db, self.case(), self.department.id)

    def team_agent_notification_id(self) -> int:
        """A notification for the team agent: only they may mark it read."""
        with self.make.db.unit_of_work() as s:
            [row] = notice_service.notify(s, [self.staff["team_agent"].id], kind="test", text="Look at this")
            return row.id

    def team_agent_token_id(self) -> int:
        with self.make.db.unit_of_work() as s:
            staff = s.get(Staff, self.staff["team_agent"].id)
            assert staff is not None
            token, _ = auth_service.create_api_token(s, SYSTEM, staff, "spare")
            return token.id

    def grant_id(self, *, issued: bool = False) -> int:
        """A grant on a fresh case of the team: asked of a supervisor (no budget), or issued by an admin's approval."""
        number = self.case()
        with self.make.db.unit_of_work() as s:
            agent = StaffActor(self.staff["team_agent"].id, Role.AGENT, self.team.id)
            terms = (GrantKind.VOUCHER, Purpose.GOODWILL, Money(2000, "EUR"), "Late twice")
            grant = grant_service.make(s, agent, case_for(s, SYSTEM, number), *terms)
            if issued:
                admin = StaffActor(self.staff["admin"].id, Role.ADMIN)
                grant_service.review(s, admin, grant.id, approve=True, reason="Fair")
            return grant.id

    def callback_id(self) -> int:
        """A call booked on a fresh case of the customer's, at the first free time."""
        number = self.case()
        policy = self.client.app.state.callback_policy  # type: ignore[attr-defined]
        with self.make.db.unit_of_work() as s:
            slot = callback_service.free_slots(s, policy)[0]
            return callback_service.book(
                s, SYSTEM, case_for(s, SYSTEM, number), policy, starts_at=slot, phone="+442079460018"
            ).id

    def other_free_time(self, callback_id: int) -> str:
        policy = self.client.app.state.callback_policy  # type: ignore[attr-defined]
        with self.make.db.unit_of_work(write=False) as s:
            booked = s.get(Callback, callback_id)
            assert booked is not None
            return next(t for t in callback_service.free_slots(s, policy) if t != booked.starts_at).isoformat()

    def offer(self) -> tuple[int, int]:
        """An open offer on a fresh case of the customer's: (its id, its first option's id)."""
        number = self.case()
        with self.make.db.unit_of_work() as s:
            agent = StaffActor(self.staff["team_agent"].id, Role.AGENT, self.team.id)
            made = offer_service.make(
                s,
                agent,
                case_for(s, SYSTEM, number),
                [OptionSpec("Repair"), OptionSpec("Exchange")],
                links=lambda offer, option: f"http://testserver/offers/{offer.id}",
            )
            return made.id, made.options[0].id


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


def _build_world(client: TestClient, make: Factory, *, signer: bool = False) -> World:
    team, other_team, spare_team = make.team(), make.team(), make.team()
    department = make.department()
    email = f"casey-{_n()}@example.com"
    staff = {
        "team_agent": make.staff(Role.AGENT, team=team, password=None),
        "other_agent": make.staff(Role.AGENT, team=other_team, password=None),
        "back_office": make.staff(Role.AGENT, department=department, password=None),
        "supervisor": make.staff(Role.SUPERVISOR, team=other_team, password=None),
        "admin": make.staff(Role.ADMIN, password=None),
    }
    return World(
        client=client,
        make=make,
        team=team,
        spare_team=spare_team,
        department=department,
        customer=make.customer(email, name="Casey Owner"),
        customer_email=email,
        other_customer=make.customer(name="Olive Other"),
        staff=staff,
        colleague=make.staff(Role.AGENT, team=team, password=None),
        victim=make.staff(Role.AGENT, team=spare_team, password=None),
        signer=_staff_who_can_sign_in(make, team=spare_team) if signer else None,
    )


# ---------------------------------------------------------------- what each call looks like


def _open_case_body(w: World, role: str) -> dict[str, Any]:
    if role in ("customer", "other_customer"):
        return {"subject": "Where is my order?", "body": "It has been a week."}
    return {
        "customer": {"email": f"walk-in-{_n()}@example.com", "name": "Walk In"},
        "subject": "Phoned about a refund",
        "body": "Wants the second charge back.",
        "channel": "phone",
    }


def _owner_body(w: World, role: str) -> dict[str, Any]:
    # Staff take the case themselves; others name the team agent, a valid owner.
    return {"owner_id": w.staff_id(role) or w.staff["team_agent"].id}


Prepare = Callable[[World, str], Call]


def _on_case(suffix: str, body: Callable[[World, str], Any] | None = None, *, resolved: bool = False) -> Prepare:
    def prepare(w: World, role: str) -> Call:
        number = w.resolved_case() if resolved else w.case()
        return Call(f"/api/v1/cases/{number}{suffix}", body(w, role) if body else None)

    return prepare


def _pending_identity(w: World) -> int:
    """A fresh address an agent added to the customer: pending until confirmed or vouched for."""
    with w.make.db.unit_of_work() as s:
        customer = s.get(Customer, w.customer.id)
        assert customer is not None
        agent = StaffActor(w.staff["team_agent"].id, Role.AGENT)
        return customer_service.add_identity(s, agent, customer, IdentityKind.EMAIL, f"added-{_n()}@example.com").id


def _choice(offer: tuple[int, int]) -> Call:
    offer_id, option_id = offer
    return Call(f"/api/v1/offers/{offer_id}/choice", {"option_id": option_id})


def _fixed(path: str, body: Callable[[World, str], Any] | None = None) -> Prepare:
    def prepare(w: World, role: str) -> Call:
        return Call(path.format(w=w), body(w, role) if body else None)

    return prepare


def _on_article(suffix: str, body: Callable[[World, str], Any] | None = None) -> Prepare:
    """A published public article, fresh for each call."""

    def prepare(w: World, role: str) -> Call:
        with w.make.db.unit_of_work() as s:
            writer = StaffActor(w.staff["admin"].id, Role.ADMIN)
            made = knowledge_service.create(
                s, writer, title="Returns", body="Within 30 days.", visibility=Visibility.PUBLIC, publish=True
            )
        return Call(f"/api/v1/knowledge/articles/{made.id}{suffix}", body(w, role) if body else None)

    return prepare


def _merge_pair(owner_of_duplicate: str | None = None) -> Prepare:
    """A duplicate and the customer's other case, fresh, in the team; the duplicate `colleague`'s if asked."""

    def prepare(w: World, role: str) -> Call:
        duplicate = w.case(owner=w.colleague if owner_of_duplicate == "colleague" else None)
        return Call(f"/api/v1/cases/{duplicate}/merge", {"into": w.case()})

    return prepare


def _linked_pair(w: World, *, owner: Person | None = None) -> tuple[int, int]:
    a, b = w.case(owner=owner), w.case()
    with w.make.db.unit_of_work() as s:
        case_links.link(s, SYSTEM, case_for(s, SYSTEM, a), case_for(s, SYSTEM, b))
    return a, b


def _split(number: int, message_id: int) -> Call:
    return Call(f"/api/v1/cases/{number}/split", {"message_id": message_id})


def _with_second_message(w: World, *, owner: Person | None = None) -> tuple[int, int]:
    """A fresh case with a later message of its customer's: (its number, that message's id)."""
    number = w.case(owner=owner)
    with w.make.db.unit_of_work() as s:
        case = case_for(s, SYSTEM, number)
        entry = case_service.receive_message(s, CustomerActor(w.customer.id, None), case, "And another thing.")
        return number, entry.id


CALL = {"direction": "inbound", "outcome": "answered", "duration_seconds": 270, "notes": "Wants a refund."}


def _caller_case_body(w: World, role: str) -> dict[str, Any]:
    return {
        "customer_id": w.customer.id,
        "team_id": w.team.id,
        "subject": "Phoned about a refund",
        "problem": "Wants the second charge back.",
        "call": dict(CALL),
    }


def _on_callback(suffix: str, body: Callable[[World, str, int], Any] | None = None) -> Prepare:
    """A call booked on a fresh case of the customer's, in the team."""

    def prepare(w: World, role: str) -> Call:
        callback_id = w.callback_id()
        return Call(f"/api/v1/callbacks/{callback_id}{suffix}", body(w, role, callback_id) if body else None)

    return prepare


def _with_files(on_case: Prepare) -> Prepare:
    """The same call as multipart form fields, with a small PNG."""

    def prepare(w: World, role: str) -> Call:
        call = on_case(w, role)
        return Call(call.path, call.json, files=[("files", ("label.png", b"\x89PNG\r\n\x1a\n0000", "image/png"))])

    return prepare


def _feedback_mark(w: World, number: int) -> Call:
    body = {"entry_id": first_message(w.make.db, number), "kind": "complaint", "department_id": w.department.id}
    return Call(f"/api/v1/cases/{number}/feedback", body)


def _invitation(w: World) -> int:
    with w.make.db.unit_of_work() as s:
        address = f"invited{_n()}@desk.example"
        return invitations.invite(s, SYSTEM, email=address, name="Invited", role=Role.AGENT).invitation.id


def _on_saved_reply(suffix: str, body: Callable[[World, str], Any] | None = None) -> Prepare:
    """A shared saved reply for every team, fresh for each call."""

    def prepare(w: World, role: str) -> Call:
        reply_id = shared_reply(w.make.db, w.staff["admin"].id)
        return Call(f"/api/v1/saved-replies/{reply_id}{suffix}", body(w, role) if body else None)

    return prepare


def _holiday(w: World) -> str:
    """A fresh business holiday, to remove."""
    day = date(2040, 1, 1) + timedelta(days=_n())
    with w.make.db.unit_of_work() as s:
        business_service.add_holiday(s, SYSTEM, day, "Walk day")
    return day.isoformat()


def _inbound_address(w: World) -> int:
    with w.make.db.unit_of_work() as s:
        return business_service.add_address(s, SYSTEM, f"walk{_n()}@desk.example", None).id


def _mailbox_body(w: World, role: str) -> dict[str, Any]:
    return {"name": f"walk-{_n()}", "host": "127.0.0.1", "port": 9, "ssl": False, "username": "u", "password": "p"}


def _mailbox(w: World) -> int:
    """A stored mailbox on a loopback port nothing listens on: its test fails fast, and says so."""
    with w.make.db.unit_of_work() as s:
        body = _mailbox_body(w, "admin")
        return business_service.add_mailbox(s, SYSTEM, name=body.pop("name"), password=body.pop("password"), **body).id


def _webhook(w: World) -> int:
    """A fresh webhook to an address that is never reached in the walk (nothing delivers here)."""
    with w.make.db.unit_of_work() as s:
        admin = StaffActor(w.staff["admin"].id, Role.ADMIN)
        hook, _ = webhook_service.subscribe(s, admin, url="https://hooks.example.com/walk", events=["case.created"])
        return hook.id


def _webhook_delivery(w: World) -> str:
    """A fresh webhook with one delivery (a test message): the path of its redelivery."""
    webhook_id = _webhook(w)
    with w.make.db.unit_of_work() as s:
        delivery_id = webhook_service.ping(s, StaffActor(w.staff["admin"].id, Role.ADMIN), webhook_id)
    return f"/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"


def _allowed_host(w: World) -> str:
    host = f"walk{_n()}.internal"
    with w.make.db.unit_of_work() as s:
        webhook_service.allow_host(s, StaffActor(w.staff["admin"].id, Role.ADMIN), host)
    return host


BUSINESS_SETTINGS = {
    "week": {"mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]]},
    "timezone": "Europe/Berlin",
    "support_phone": "+49 30 1234 5678",
    "reply_target_hours": 4,
    "tier_cap_minutes": 30,
    "callback_minutes": 30,
    "chat_greeting": "Hello from the walk.",
}


ADMINS_ONLY = (401, 403, 403, 403, 403, 403, 403, 200)


# The expected status per role, in the order of ROLES:
#   anonymous, customer, other_customer, team_agent, other_agent, back_office, supervisor, admin
EXPECTED: dict[tuple[str, str], tuple[Prepare, tuple[int, ...]]] = {
    # --- signing in and out: public
    ("POST", "/api/v1/auth/sign-in"): (
        _fixed(
            "/api/v1/auth/sign-in", lambda w, r: {"email": w.signer.email if w.signer else "", "password": PASSWORD}
        ),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/auth/sign-out"): (  # idempotent: signing out when not signed in just clears cookies
        _fixed("/api/v1/auth/sign-out"),
        (204, 204, 204, 204, 204, 204, 204, 204),
    ),
    ("POST", "/api/v1/auth/magic-link"): (
        _fixed("/api/v1/auth/magic-link", lambda w, r: {"email": w.customer_email}),
        (202, 202, 202, 202, 202, 202, 202, 202),
    ),
    ("POST", "/api/v1/auth/magic-link/redeem"): (
        _fixed("/api/v1/auth/magic-link/redeem", lambda w, r: {"token": w.magic_token()}),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    # --- API tokens: staff manage their own; admins may revoke anyone's. The token here is the team agent's.
    ("GET", "/api/v1/tokens"): (_fixed("/api/v1/tokens"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/tokens"): (
        _fixed("/api/v1/tokens", lambda w, r: {"name": f"walk {_n()}"}),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("DELETE", "/api/v1/tokens/{token_id}"): (
        lambda w, r: Call(f"/api/v1/tokens/{w.team_agent_token_id()}"),
        (401, 403, 403, 204, 404, 404, 404, 204),
    ),
    # --- cases (the case is in the team agent's team, unowned, opened by `customer`)
    ("POST", "/api/v1/cases"): (
        _fixed("/api/v1/cases", _open_case_body),
        (401, 201, 201, 201, 201, 201, 201, 201),
    ),
    ("GET", "/api/v1/cases"): (_fixed("/api/v1/cases"), (401, 200, 200, 200, 200, 200, 200, 200)),
    # Take next serves the caller's team, then cases with no team ("Needs a team"): one waits for everyone.
    ("POST", "/api/v1/cases/next"): (
        lambda w, r: (w.case(), w.make.case(w.customer), Call("/api/v1/cases/next"))[2],
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/cases/{number}"): (_on_case(""), (401, 200, 404, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/v1/cases/{number}"): (
        _on_case("", lambda w, r: {"priority": "high", "tags": ["walk"]}),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/cases/{number}/replies"): (
        _on_case("/replies", lambda w, r: {"body": "Thanks, looking into it."}),
        (401, 201, 404, 201, 403, 403, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/notes"): (
        _on_case("/notes", lambda w, r: {"body": "Checked the courier's tracking."}),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/replies/with-files"): (
        _with_files(_on_case("/replies/with-files", lambda w, r: {"body": "The label is attached."})),
        (401, 201, 404, 201, 403, 403, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/notes/with-files"): (
        _with_files(_on_case("/notes/with-files", lambda w, r: {"body": "The courier's photo."})),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("PUT", "/api/v1/cases/{number}/owner"): (
        _on_case("/owner", _owner_body),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("PUT", "/api/v1/cases/{number}/status"): (
        _on_case("/status", lambda w, r: {"status": "open"}),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/cases/{number}/resolve"): (_on_case("/resolve"), (401, 403, 403, 200, 403, 403, 200, 200)),
    ("POST", "/api/v1/cases/{number}/reopen"): (
        _on_case("/reopen", resolved=True),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    # --- transfers (P2) and consults (P4): staff work; the department answers its own consults
    ("POST", "/api/v1/cases/{number}/transfer"): (
        _on_case(
            "/transfer",
            lambda w, r: {
                "team_id": w.spare_team.id,
                "brief": {"problem": "Charged twice", "tried": "Checked", "promised": "Nothing yet", "feeling": "Calm"},
            },
        ),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/cases/{number}/consults"): (
        _on_case("/consults", lambda w, r: {"department_id": w.department.id, "question": "Has it shipped?"}),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/departments/{department_id}/consults"): (
        _fixed("/api/v1/departments/{w.department.id}/consults"),
        (401, 403, 403, 403, 403, 200, 200, 200),
    ),
    ("POST", "/api/v1/consults/{consult_id}/answer"): (
        lambda w, r: Call(f"/api/v1/consults/{w.consult_id()}/answer", {"answer": "It shipped today."}),
        (401, 403, 403, 403, 403, 200, 200, 200),
    ),
    # --- escalation (P3): whoever sees the case may ask for someone senior; it stays with its owner
    ("POST", "/api/v1/cases/{number}/escalation"): (
        _on_case("/escalation", lambda w, r: {"reason": "The customer wants someone senior to look."}),
        (401, 201, 404, 201, 403, 403, 201, 201),
    ),
    # --- grants (P5): staff who may work the case grant on their own budget; supervisors of the case's
    # team (admins: all) answer requests above budget; admins set budgets and ceilings.
    ("POST", "/api/v1/cases/{number}/grants"): (
        _on_case("/grants", lambda w, r: dict(GRANT)),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/cases/{number}/grants"): (_on_case("/grants"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/customers/{customer_id}/grants"): (
        _fixed("/api/v1/customers/{w.customer.id}/grants"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/grants/requested"): (
        _fixed("/api/v1/grants/requested"),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/grants/{grant_id}/review"): (  # the supervisor here is another team's
        lambda w, r: Call(f"/api/v1/grants/{w.grant_id()}/review", {"verdict": "approve", "reason": "Fair"}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/grants/{grant_id}/reversal"): (
        lambda w, r: Call(f"/api/v1/grants/{w.grant_id(issued=True)}/reversal", {"reason": "Sent twice"}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/budgets/me"): (_fixed("/api/v1/budgets/me"), (401, 403, 403, 204, 204, 204, 204, 204)),
    ("PUT", "/api/v1/budgets"): (
        _fixed("/api/v1/budgets", lambda w, r: {"role": "agent", "amount_minor": 10000, "currency": "EUR"}),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("PUT", "/api/v1/grant-ceilings/{kind}"): (
        _fixed("/api/v1/grant-ceilings/voucher", lambda w, r: {"currency": "EUR", "max_minor": 100000}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    # --- merged, linked and split cases: staff who may change the case; a merge needs both cases
    ("GET", "/api/v1/cases/{number}/links"): (_on_case("/links"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/cases/{number}/repeats"): (_on_case("/repeats"), (401, 403, 403, 200, 200, 200, 200, 200)),
    # --- surveys and the contact policy (P10): a case's survey for whoever sees the case; the rest for supervisors
    ("GET", "/api/v1/cases/{number}/surveys"): (_on_case("/surveys"), (401, 200, 404, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/surveys/{survey_id}/answer"): (
        lambda w, r: Call(f"/api/v1/surveys/{answerable_survey(w.make, w.case())}/answer", {"score": 4}),
        (401, 200, 404, 403, 403, 403, 403, 403),
    ),
    ("GET", "/api/v1/surveys"): (_fixed("/api/v1/surveys?state=answered"), (401, 403, 403, 403, 403, 403, 200, 200)),
    ("GET", "/api/v1/surveys/figures"): (_fixed("/api/v1/surveys/figures"), (401, 403, 403, 403, 403, 403, 200, 200)),
    ("GET", "/api/v1/contact-policy"): (_fixed("/api/v1/contact-policy"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("PUT", "/api/v1/contact-policy"): (
        _fixed(
            "/api/v1/contact-policy",
            lambda w, r: {"cap": 2, "period_days": 7, "survey_interval_days": 30, "survey_delay_minutes": 60},
        ),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/contact-policy/records"): (
        _fixed("/api/v1/contact-policy/records"),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/cases/{number}/merge"): (_merge_pair(), (401, 403, 403, 200, 403, 403, 200, 200)),
    ("POST", "/api/v1/cases/{number}/links"): (
        _on_case("/links", lambda w, r: {"case": w.case()}),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("DELETE", "/api/v1/cases/{number}/links/{other}"): (
        lambda w, r: Call("/api/v1/cases/{}/links/{}".format(*_linked_pair(w))),
        (401, 403, 403, 204, 403, 403, 204, 204),
    ),
    ("POST", "/api/v1/cases/{number}/split"): (
        lambda w, r: _split(*_with_second_message(w)),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    # --- phone calls: staff find callers and open their cases; calls are written down by who may work the
    # case, and its booked calls taken and settled by them; the customer moves or cancels their own
    ("GET", "/api/v1/callers"): (_fixed("/api/v1/callers?q=casey"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/caller-cases"): (
        _fixed("/api/v1/caller-cases", _caller_case_body),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("GET", "/api/v1/cases/{number}/calls"): (_on_case("/calls"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/cases/{number}/calls"): (
        _on_case("/calls", lambda w, r: dict(CALL)),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/callbacks"): (_fixed("/api/v1/callbacks"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/callbacks/slots"): (_fixed("/api/v1/callbacks/slots"), (401, 200, 200, 200, 200, 200, 200, 200)),
    ("PUT", "/api/v1/callbacks/{callback_id}/assignee"): (
        _on_callback("/assignee", lambda w, r, c: {"assignee_id": w.staff_id(r) or w.staff["team_agent"].id}),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/callbacks/{callback_id}/outcome"): (
        _on_callback("/outcome", lambda w, r, c: {"outcome": "answered", "duration_seconds": 240}),
        (401, 403, 403, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/callbacks/{callback_id}/cancel"): (
        _on_callback("/cancel"),
        (401, 200, 404, 200, 403, 403, 200, 200),
    ),
    ("POST", "/api/v1/callbacks/{callback_id}/move"): (
        _on_callback("/move", lambda w, r, c: {"starts_at": w.other_free_time(c)}),
        (401, 200, 404, 200, 403, 403, 200, 200),
    ),
    # --- offers (P6) and decisions (P7): made by staff who may work the case; answered by its customer
    ("POST", "/api/v1/cases/{number}/offers"): (
        _on_case("/offers", lambda w, r: {"options": [{"label": "Repair"}, {"label": "Exchange"}]}),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/cases/{number}/offers"): (_on_case("/offers"), (401, 200, 404, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/offers/{offer_id}/choice"): (
        lambda w, r: _choice(w.offer()),
        (401, 200, 404, 403, 403, 403, 403, 403),
    ),
    ("POST", "/api/v1/offers/{offer_id}/counter"): (
        lambda w, r: Call(f"/api/v1/offers/{w.offer()[0]}/counter", {"text": "A loan kettle meanwhile"}),
        (401, 200, 404, 403, 403, 403, 403, 403),
    ),
    ("POST", "/api/v1/cases/{number}/decisions"): (  # the owner or a supervisor; the case here has no owner
        _on_case(
            "/decisions",
            lambda w, r: {"customer_text": "We cannot refund twice.", "rationale": "Refunded", "policy": "R 1"},
        ),
        (401, 403, 403, 403, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/cases/{number}/decisions"): (_on_case("/decisions"), (401, 200, 404, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/reports/remedies"): (
        _fixed("/api/v1/reports/remedies"),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("GET", "/api/v1/reports/remedies.csv"): (
        _fixed("/api/v1/reports/remedies.csv?group=agent"),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    # The headline figures are for supervisors and admins, like the reports page.
    ("GET", "/api/v1/reports/headline"): (_fixed("/api/v1/reports/headline"), (401, 403, 403, 403, 403, 403, 200, 200)),
    ("GET", "/api/v1/reports/headline.csv"): (
        _fixed("/api/v1/reports/headline.csv?days=7"),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    # --- service levels: every staff member may read a team's policy and the attainment; a supervisor of
    # the team (here: another team's) or an admin changes it
    ("GET", "/api/v1/teams/{team_id}/service-levels"): (
        _fixed("/api/v1/teams/{w.team.id}/service-levels"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PUT", "/api/v1/teams/{team_id}/service-levels"): (
        _fixed(
            "/api/v1/teams/{w.team.id}/service-levels",
            lambda w, r: {
                "timezone": "Europe/Berlin",
                "week": {"mon": [{"opens": "09:00", "closes": "17:00"}]},
                "holidays": [],
                "targets": {
                    "normal": {"first_reply_minutes": 60, "next_reply_minutes": 240, "resolution_minutes": 2880}
                },
            },
        ),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/reports/service-levels"): (
        _fixed("/api/v1/reports/service-levels"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    # --- how staff want to be told: their own preferences
    ("GET", "/api/v1/notifications/preferences"): (
        _fixed("/api/v1/notifications/preferences"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PUT", "/api/v1/notifications/preferences"): (
        _fixed("/api/v1/notifications/preferences", lambda w, r: {"email_kinds": []}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    # --- search: staff, over what each may read
    ("GET", "/api/v1/search"): (_fixed("/api/v1/search?q=refund"), (401, 403, 403, 200, 200, 200, 200, 200)),
    # --- reports: whether the queue is fair is every staff member's business, never a customer's
    ("GET", "/api/v1/reports/wait-parity"): (
        _fixed("/api/v1/reports/wait-parity"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/reports/first-contact"): (
        _fixed("/api/v1/reports/first-contact"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    # --- notifications: staff, their own only (someone else's looks missing)
    ("GET", "/api/v1/notifications"): (_fixed("/api/v1/notifications"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/notifications/read-all"): (
        _fixed("/api/v1/notifications/read-all"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/notifications/{notification_id}/read"): (
        lambda w, r: Call(f"/api/v1/notifications/{w.team_agent_notification_id()}/read"),
        (401, 403, 403, 200, 404, 404, 404, 404),
    ),
    # --- customers: `me` is for customers; a customer by id is for staff or that customer
    ("GET", "/api/v1/customers"): (  # finding a customer by address, number or name: staff only
        _fixed("/api/v1/customers?q=casey"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/customers/me"): (_fixed("/api/v1/customers/me"), (401, 200, 200, 403, 403, 403, 403, 403)),
    ("PATCH", "/api/v1/customers/me"): (
        _fixed("/api/v1/customers/me", lambda w, r: {"language": "de", "timezone": "Europe/Berlin"}),
        (401, 200, 200, 403, 403, 403, 403, 403),
    ),
    ("GET", "/api/v1/customers/{customer_id}"): (
        _fixed("/api/v1/customers/{w.customer.id}"),
        (401, 200, 404, 200, 200, 200, 200, 200),
    ),
    ("PATCH", "/api/v1/customers/{customer_id}"): (  # staff only (customers use `me`; tier is staff's call)
        _fixed("/api/v1/customers/{w.customer.id}", lambda w, r: {"language": "fr"}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/customers/{customer_id}/identities"): (
        _fixed(
            "/api/v1/customers/{w.customer.id}/identities",
            lambda w, r: {"kind": "email", "value": f"second-{_n()}@example.com"},
        ),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("DELETE", "/api/v1/customers/{customer_id}/identities/{identity_id}"): (
        lambda w, r: Call(f"/api/v1/customers/{w.customer.id}/identities/{_pending_identity(w)}"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/customers/{customer_id}/identities/{identity_id}/confirmation"): (
        lambda w, r: Call(f"/api/v1/customers/{w.customer.id}/identities/{_pending_identity(w)}/confirmation"),
        (401, 403, 403, 202, 202, 202, 202, 202),
    ),
    ("POST", "/api/v1/customers/{customer_id}/identities/{identity_id}/vouch"): (  # a supervisor's word
        lambda w, r: Call(
            f"/api/v1/customers/{w.customer.id}/identities/{_pending_identity(w)}/vouch",
            {"reason": "She read it out to me on a call from her number on file."},
        ),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("GET", "/api/v1/customers/{customer_id}/cases"): (
        _fixed("/api/v1/customers/{w.customer.id}/cases"),
        (401, 200, 404, 200, 200, 200, 200, 200),
    ),
    # Organizations decide a customer's tier and, by email domain, who joins them and so who
    # sees organization-shared cases: structure, like teams, so admins only (the route is tagged admin).
    ("POST", "/api/v1/organizations"): (
        _fixed("/api/v1/organizations", lambda w, r: {"name": f"Org {_n()}", "domain": f"org{_n()}.example"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    # --- staff, teams, departments: any staff reads; admins change
    ("GET", "/api/v1/staff"): (_fixed("/api/v1/staff"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/staff"): (
        _fixed("/api/v1/staff", lambda w, r: {"email": f"new{_n()}@desk.example", "name": "New", "role": "agent"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/staff/me"): (_fixed("/api/v1/staff/me"), (401, 403, 403, 200, 200, 200, 200, 200)),
    # --- where channels lead, "Needs a team", chats, presence: staff read; admins change the structure
    ("GET", "/api/v1/channel-teams"): (_fixed("/api/v1/channel-teams"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("PUT", "/api/v1/channel-teams/{channel}"): (
        _fixed("/api/v1/channel-teams/portal", lambda w, r: {"team_id": w.spare_team.id}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/needs-a-team"): (_fixed("/api/v1/needs-a-team"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/chats/count"): (_fixed("/api/v1/chats/count"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/staff/me/presence"): (
        _fixed("/api/v1/staff/me/presence"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PUT", "/api/v1/staff/me/presence"): (
        _fixed("/api/v1/staff/me/presence", lambda w, r: {"presence": "away"}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PUT", "/api/v1/staff/{staff_id}/chat-capacity"): (
        _fixed("/api/v1/staff/{w.victim.id}/chat-capacity", lambda w, r: {"chat_capacity": 2}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/staff/{staff_id}"): (
        _fixed("/api/v1/staff/{w.victim.id}"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PATCH", "/api/v1/staff/{staff_id}"): (
        _fixed("/api/v1/staff/{w.victim.id}", lambda w, r: {"name": f"Renamed {_n()}"}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    # --- staff invitations and deactivation: admins only
    ("GET", "/api/v1/staff/invitations"): (
        _fixed("/api/v1/staff/invitations"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/staff/invitations"): (
        _fixed("/api/v1/staff/invitations", lambda w, r: {"email": f"invited{_n()}@desk.example", "name": "Invited"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("POST", "/api/v1/staff/invitations/{invitation_id}/resend"): (
        lambda w, r: Call(f"/api/v1/staff/invitations/{_invitation(w)}/resend"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("DELETE", "/api/v1/staff/invitations/{invitation_id}"): (
        lambda w, r: Call(f"/api/v1/staff/invitations/{_invitation(w)}"),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("POST", "/api/v1/staff/{staff_id}/deactivate"): (
        lambda w, r: Call(f"/api/v1/staff/{w.make.staff(Role.AGENT, password=None).id}/deactivate"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/staff/{staff_id}/reactivate"): (
        lambda w, r: Call(f"/api/v1/staff/{w.victim.id}/reactivate"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/teams"): (_fixed("/api/v1/teams"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/teams"): (
        _fixed("/api/v1/teams", lambda w, r: {"slug": f"walk-{_n()}", "name": "Walk"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("PATCH", "/api/v1/teams/{team_id}"): (
        _fixed("/api/v1/teams/{w.spare_team.id}", lambda w, r: {"name": f"Spare {_n()}"}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/departments"): (_fixed("/api/v1/departments"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/departments"): (
        _fixed("/api/v1/departments", lambda w, r: {"slug": f"dept-walk-{_n()}", "name": "Walk"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    # --- mail: what came in, quarantine and reprocessing are for admins
    ("GET", "/api/v1/admin/mail"): (_fixed("/api/v1/admin/mail"), (401, 403, 403, 403, 403, 403, 403, 200)),
    # --- the audit log: admins read it; nobody changes it
    ("GET", "/api/v1/audit"): (_fixed("/api/v1/audit"), (401, 403, 403, 403, 403, 403, 403, 200)),
    # --- the business's own settings, branding, SLA policy, inbound addresses and mailboxes: admins only
    ("GET", "/api/v1/business"): (_fixed("/api/v1/business"), ADMINS_ONLY),
    ("PUT", "/api/v1/business/settings"): (
        _fixed("/api/v1/business/settings", lambda w, r: BUSINESS_SETTINGS),
        ADMINS_ONLY,
    ),
    ("PUT", "/api/v1/business/branding"): (
        _fixed("/api/v1/business/branding", lambda w, r: {"company_name": "Acme", "primary_colour": "#1f5fbf"}),
        ADMINS_ONLY,
    ),
    # Sent without a file (the walk sends JSON): an admin is told what is missing; nobody else gets that far.
    ("PUT", "/api/v1/business/logo"): (_fixed("/api/v1/business/logo"), (401, 403, 403, 403, 403, 403, 403, 422)),
    ("DELETE", "/api/v1/business/logo"): (_fixed("/api/v1/business/logo"), ADMINS_ONLY),
    ("POST", "/api/v1/business/holidays"): (
        _fixed(
            "/api/v1/business/holidays",
            lambda w, r: {"day": (date(2045, 1, 1) + timedelta(days=_n())).isoformat(), "name": "Walk day"},
        ),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("DELETE", "/api/v1/business/holidays/{day}"): (
        lambda w, r: Call(f"/api/v1/business/holidays/{_holiday(w)}"),
        ADMINS_ONLY,
    ),
    ("GET", "/api/v1/business/service-levels"): (_fixed("/api/v1/business/service-levels"), ADMINS_ONLY),
    ("PUT", "/api/v1/business/service-levels"): (
        _fixed("/api/v1/business/service-levels", lambda w, r: {"targets": None}),
        ADMINS_ONLY,
    ),
    ("GET", "/api/v1/business/inbound-addresses"): (_fixed("/api/v1/business/inbound-addresses"), ADMINS_ONLY),
    ("POST", "/api/v1/business/inbound-addresses"): (
        _fixed("/api/v1/business/inbound-addresses", lambda w, r: {"address": f"in{_n()}@desk.example"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("PATCH", "/api/v1/business/inbound-addresses/{address_id}"): (
        lambda w, r: Call(f"/api/v1/business/inbound-addresses/{_inbound_address(w)}", {"team_id": w.team.id}),
        ADMINS_ONLY,
    ),
    ("DELETE", "/api/v1/business/inbound-addresses/{address_id}"): (
        lambda w, r: Call(f"/api/v1/business/inbound-addresses/{_inbound_address(w)}"),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("GET", "/api/v1/business/mailboxes"): (_fixed("/api/v1/business/mailboxes"), ADMINS_ONLY),
    ("POST", "/api/v1/business/mailboxes"): (
        _fixed("/api/v1/business/mailboxes", _mailbox_body),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("PATCH", "/api/v1/business/mailboxes/{mailbox_id}"): (
        lambda w, r: Call(f"/api/v1/business/mailboxes/{_mailbox(w)}", {"folder": "Archive", "password": "new"}),
        ADMINS_ONLY,
    ),
    ("DELETE", "/api/v1/business/mailboxes/{mailbox_id}"): (
        lambda w, r: Call(f"/api/v1/business/mailboxes/{_mailbox(w)}"),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("POST", "/api/v1/business/mailboxes/{mailbox_id}/test"): (
        lambda w, r: Call(f"/api/v1/business/mailboxes/{_mailbox(w)}/test"),
        ADMINS_ONLY,
    ),
    # --- webhooks: admins only
    ("GET", "/api/v1/webhooks"): (_fixed("/api/v1/webhooks"), ADMINS_ONLY),
    ("POST", "/api/v1/webhooks"): (
        _fixed("/api/v1/webhooks", lambda w, r: {"url": "https://hooks.example.com/in", "events": ["case.created"]}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}"): (lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}"), ADMINS_ONLY),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): (
        lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}", {"description": "Walked"}),
        ADMINS_ONLY,
    ),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): (
        lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}"),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): (
        lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}/deliveries"),
        ADMINS_ONLY,
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/rotate-secret"): (
        lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}/rotate-secret"),
        ADMINS_ONLY,
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/test"): (
        lambda w, r: Call(f"/api/v1/webhooks/{_webhook(w)}/test"),
        (401, 403, 403, 403, 403, 403, 403, 202),
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): (
        lambda w, r: Call(_webhook_delivery(w)),
        (401, 403, 403, 403, 403, 403, 403, 202),
    ),
    ("GET", "/api/v1/webhooks/allowed-hosts"): (_fixed("/api/v1/webhooks/allowed-hosts"), ADMINS_ONLY),
    ("POST", "/api/v1/webhooks/allowed-hosts"): (
        _fixed("/api/v1/webhooks/allowed-hosts", lambda w, r: {"host": f"in{_n()}.internal"}),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("DELETE", "/api/v1/webhooks/allowed-hosts/{host}"): (
        lambda w, r: Call(f"/api/v1/webhooks/allowed-hosts/{_allowed_host(w)}"),
        (401, 403, 403, 403, 403, 403, 403, 204),
    ),
    ("GET", "/api/v1/admin/mail/{inbound_id}"): (
        lambda w, r: Call(f"/api/v1/admin/mail/{w.inbound_id()}"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/admin/mail/{inbound_id}/raw"): (
        lambda w, r: Call(f"/api/v1/admin/mail/{w.inbound_id()}/raw"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("POST", "/api/v1/admin/mail/{inbound_id}/reprocess"): (
        lambda w, r: Call(f"/api/v1/admin/mail/{w.inbound_id()}/reprocess"),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    # The signed link is the permission (it is handed out only with a case its holder may see).
    ("GET", "/api/v1/attachments/{attachment_id}/download"): (
        lambda w, r: Call(w.attachment_link()),
        (200, 200, 200, 200, 200, 200, 200, 200),
    ),
    ("PATCH", "/api/v1/departments/{department_id}"): (
        _fixed("/api/v1/departments/{w.department.id}", lambda w, r: {"service_level_hours": 12}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    # --- the knowledge base (P13): staff write; anyone reads and searches the public help centre
    ("GET", "/api/v1/knowledge/articles"): (_fixed("/api/v1/knowledge/articles"), (200,) * 8),
    ("POST", "/api/v1/knowledge/articles"): (
        _fixed("/api/v1/knowledge/articles", lambda w, r: {"title": "Returns", "body": "Within 30 days."}),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("GET", "/api/v1/knowledge/articles/{article_id}"): (_on_article(""), (200,) * 8),
    ("PATCH", "/api/v1/knowledge/articles/{article_id}"): (
        _on_article("", lambda w, r: {"body": "Within 60 days."}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("DELETE", "/api/v1/knowledge/articles/{article_id}"): (
        _on_article(""),
        (401, 403, 403, 403, 403, 403, 204, 204),
    ),
    ("POST", "/api/v1/knowledge/articles/{article_id}/publish"): (
        _on_article("/publish"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/knowledge/articles/{article_id}/unpublish"): (
        _on_article("/unpublish"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/knowledge/articles/{article_id}/revisions"): (
        _on_article("/revisions"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/knowledge/articles/{article_id}/cases"): (
        _on_article("/cases"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/knowledge/articles/{article_id}/still-wrote"): (
        _on_article("/still-wrote"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/knowledge/articles/{article_id}/reviewed"): (
        _on_article("/reviewed"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/knowledge/articles/{article_id}/uses"): (  # on a case of the team: staff read every case
        _on_article("/uses", lambda w, r: {"case_number": w.case()}),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("POST", "/api/v1/knowledge/articles/{article_id}/helped"): (_on_article("/helped", lambda w, r: {}), (201,) * 8),
    ("GET", "/api/v1/knowledge/search"): (_fixed("/api/v1/knowledge/search?q=returns"), (200,) * 8),
    # --- the language coach (P8): staff check and read the rules; admins change them; figures for supervisors
    ("POST", "/api/v1/coach/check"): (
        _fixed("/api/v1/coach/check", lambda w, r: {"text": "Sorry for the inconvenience."}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/coach/rules"): (_fixed("/api/v1/coach/rules"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/coach/rules"): (
        _fixed(
            "/api/v1/coach/rules",
            lambda w, r: {"kind": "jargon", "words": f"case ref {_n()}", "why": "Ours.", "suggestion": "your request"},
        ),
        (401, 403, 403, 403, 403, 403, 403, 201),
    ),
    ("PATCH", "/api/v1/coach/rules/{slug}"): (
        _fixed("/api/v1/coach/rules/sla", lambda w, r: {"enabled": True}),
        (401, 403, 403, 403, 403, 403, 403, 200),
    ),
    ("GET", "/api/v1/coach/stats"): (_fixed("/api/v1/coach/stats"), (401, 403, 403, 403, 403, 403, 200, 200)),
    # --- incidents (P11): staff read them; supervisors and admins declare, update and resolve
    ("GET", "/api/v1/incidents"): (_fixed("/api/v1/incidents"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/incidents"): (
        _fixed("/api/v1/incidents", lambda w, r: {"title": "Outage", "message": "Down.", "tags": ["walk"]}),
        (401, 403, 403, 403, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/incidents/{incident_id}"): (
        lambda w, r: Call(incident_path(w.make.db, w.staff["supervisor"].id)),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/incidents/{incident_id}/customers"): (
        lambda w, r: Call(incident_path(w.make.db, w.staff["supervisor"].id, "/customers")),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("GET", "/api/v1/incidents/{incident_id}/cases"): (
        lambda w, r: Call(incident_path(w.make.db, w.staff["supervisor"].id, "/cases")),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/incidents/{incident_id}/updates"): (
        lambda w, r: Call(incident_path(w.make.db, w.staff["supervisor"].id, "/updates"), {"body": "Found it."}),
        (401, 403, 403, 403, 403, 403, 201, 201),
    ),
    ("POST", "/api/v1/incidents/{incident_id}/resolve"): (
        lambda w, r: Call(incident_path(w.make.db, w.staff["supervisor"].id, "/resolve"), {"message": "Fixed."}),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    # --- saved replies: staff use the shared ones and keep their own; supervisors and admins keep shared ones
    ("GET", "/api/v1/saved-replies"): (
        _fixed("/api/v1/saved-replies?q=refund"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/saved-replies"): (
        _fixed("/api/v1/saved-replies", lambda w, r: {"title": "Mine", "body": "Hello {{ customer.first_name }}"}),
        (401, 403, 403, 201, 201, 201, 201, 201),
    ),
    ("GET", "/api/v1/saved-replies/{reply_id}"): (_on_saved_reply(""), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("PATCH", "/api/v1/saved-replies/{reply_id}"): (
        _on_saved_reply("", lambda w, r: {"title": "Refund sent"}),
        (401, 403, 403, 403, 403, 403, 200, 200),
    ),
    ("DELETE", "/api/v1/saved-replies/{reply_id}"): (_on_saved_reply(""), (401, 403, 403, 403, 403, 403, 204, 204)),
    ("GET", "/api/v1/saved-replies/{reply_id}/render"): (  # staff read every case
        lambda w, r: _on_saved_reply(f"/render?case={w.case()}")(w, r),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("POST", "/api/v1/saved-replies/{reply_id}/send"): (  # answering is the case's team's work
        _on_saved_reply("/send", lambda w, r: {"case_number": w.case()}),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    # --- feedback (P15): who works the case marks it; the department it concerns (or a supervisor) handles it
    ("POST", "/api/v1/cases/{number}/feedback"): (
        lambda w, r: _feedback_mark(w, w.case()),
        (401, 403, 403, 201, 403, 403, 201, 201),
    ),
    ("GET", "/api/v1/feedback"): (_fixed("/api/v1/feedback"), (401, 403, 403, 200, 200, 200, 200, 200)),
    ("POST", "/api/v1/feedback/{feedback_id}/acknowledge"): (
        lambda w, r: Call(f"/api/v1/feedback/{w.feedback_id()}/acknowledge"),
        (401, 403, 403, 403, 403, 200, 200, 200),
    ),
    ("POST", "/api/v1/feedback/{feedback_id}/answer"): (
        lambda w, r: Call(f"/api/v1/feedback/{w.feedback_id()}/answer", {"answer": "Refunded; sorry."}),
        (401, 403, 403, 403, 403, 200, 200, 200),
    ),
    ("GET", "/api/v1/departments/{department_id}/figures"): (
        _fixed("/api/v1/departments/{w.department.id}/figures"),
        (401, 403, 403, 403, 403, 200, 200, 200),
    ),
    ("GET", "/api/v1/staff/me/signature"): (
        _fixed("/api/v1/staff/me/signature"),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
    ("PUT", "/api/v1/staff/me/signature"): (
        _fixed("/api/v1/staff/me/signature", lambda w, r: {"signature": "Casey\nSupport"}),
        (401, 403, 403, 200, 200, 200, 200, 200),
    ),
}


# ---------------------------------------------------------------- helpers


def restrict(make: Factory, team: Team) -> None:
    """Make `team` a restricted one: its cases are read by its people, supervisors and those consulted."""
    with make.db.unit_of_work() as s:
        row = s.get(Team, team.id)
        assert row is not None
        row.restricted = True


def _endpoints(client: TestClient) -> set[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200, document.text
    return {
        (method.upper(), path)
        for path, operations in document.json()["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def _send(client: TestClient, method: str, call: Call, headers: dict[str, str]) -> Any:
    try:
        if call.files is not None:
            return client.request(method, call.path, headers=headers, data=call.json, files=call.files)
        if call.json is None:
            return client.request(method, call.path, headers=headers)
        return client.request(method, call.path, headers=headers, json=call.json)
    finally:
        client.cookies.clear()  # a sign-in's cookie must not leak into the next role's call


def _describe(method: str, call: Call, role: str, expected: int, response: Any) -> str:
    text = re.sub(r"\s+", " ", response.text)[:160]
    return f"  {method} {call.path} as {role}: expected {expected}, got {response.status_code} — {text}"


def _walk(world: World, table: dict[tuple[str, str], tuple[Prepare, tuple[int, ...]]], roles: tuple[str, ...]) -> None:
    mismatches: list[str] = []
    for (method, _template), (prepare, expected) in table.items():
        for role, want in zip(roles, expected, strict=True):
            call = prepare(world, role)
            response = _send(world.client, method, call, world.headers(role))
            if response.status_code != want:
                mismatches.append(_describe(method, call, role, want, response))
    assert not mismatches, f"{len(mismatches)} calls answered differently than expected:\n" + "\n".join(mismatches)


# ---------------------------------------------------------------- the walk


def test_every_endpoint_has_an_expectation(client: TestClient) -> None:
    endpoints = _endpoints(client)
    missing = sorted(endpoints - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - endpoints)
    assert not missing, f"endpoints with no access expectation in tests/api/test_access.py: {missing}"
    assert not stale, f"expectations for endpoints the API no longer has: {stale}"
    for _, expected in EXPECTED.values():
        assert len(expected) == len(ROLES)


def test_every_endpoint_with_every_role(client: TestClient, make: Factory) -> None:
    world = _build_world(client, make, signer=True)
    endpoints = _endpoints(client)
    _walk(world, {k: v for k, v in EXPECTED.items() if k in endpoints}, ROLES)


# A case in the team agent's team that a colleague owns: the team agent may read it and add
# notes, but changing it is the owner's or a supervisor's call.
COLLEAGUE_ROLES = ("team_agent", "colleague", "supervisor", "customer")


def _on_owned_case(suffix: str, body: Callable[[World, str], Any] | None = None, *, resolved: bool = False) -> Prepare:
    def prepare(w: World, role: str) -> Call:
        number = w.resolved_case(owner=w.colleague) if resolved else w.case(owner=w.colleague)
        return Call(f"/api/v1/cases/{number}{suffix}", body(w, role) if body else None)

    return prepare


#   team_agent (not the owner), colleague (the owner), supervisor, customer
OWNED_EXPECTED: dict[tuple[str, str], tuple[Prepare, tuple[int, ...]]] = {
    ("GET", "/api/v1/cases/{number}"): (_on_owned_case(""), (200, 200, 200, 200)),
    ("PATCH", "/api/v1/cases/{number}"): (
        _on_owned_case("", lambda w, r: {"priority": "urgent"}),
        (403, 200, 200, 403),
    ),
    ("POST", "/api/v1/cases/{number}/replies"): (
        _on_owned_case("/replies", lambda w, r: {"body": "An answer."}),
        (403, 201, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/notes"): (
        _on_owned_case("/notes", lambda w, r: {"body": "A hint for the owner."}),
        (201, 201, 201, 403),
    ),
    ("POST", "/api/v1/cases/{number}/replies/with-files"): (
        _with_files(_on_owned_case("/replies/with-files", lambda w, r: {"body": "An answer."})),
        (403, 201, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/notes/with-files"): (
        _with_files(_on_owned_case("/notes/with-files", lambda w, r: {"body": "A hint for the owner."})),
        (201, 201, 201, 403),
    ),
    # The team agent tries to take it, the owner gives it up, the supervisor hands it to the team agent.
    ("PUT", "/api/v1/cases/{number}/owner"): (
        _on_owned_case("/owner", lambda w, r: {"owner_id": None if r == "colleague" else w.staff["team_agent"].id}),
        (403, 200, 200, 403),
    ),
    ("PUT", "/api/v1/cases/{number}/status"): (
        _on_owned_case("/status", lambda w, r: {"status": "waiting_on_internal"}),
        (403, 200, 200, 403),
    ),
    ("POST", "/api/v1/cases/{number}/resolve"): (_on_owned_case("/resolve"), (403, 200, 200, 403)),
    ("POST", "/api/v1/cases/{number}/reopen"): (_on_owned_case("/reopen", resolved=True), (403, 200, 200, 403)),
    # Only the owner (or a supervisor) hands the case on; asking a department is the owner's work too.
    ("POST", "/api/v1/cases/{number}/transfer"): (
        _on_owned_case(
            "/transfer",
            lambda w, r: {
                "owner_id": w.staff["supervisor"].id,
                "brief": {"problem": "Charged twice", "tried": "Checked", "promised": "Nothing yet", "feeling": "Calm"},
            },
        ),
        (403, 200, 200, 403),
    ),
    # Asking for someone senior is not changing the case: a teammate may flag it too.
    ("POST", "/api/v1/cases/{number}/escalation"): (
        _on_owned_case("/escalation", lambda w, r: {"reason": "Needs a senior look."}),
        (201, 201, 201, 201),
    ),
    ("POST", "/api/v1/cases/{number}/consults"): (
        _on_owned_case("/consults", lambda w, r: {"department_id": w.department.id, "question": "Has it shipped?"}),
        (403, 201, 201, 403),
    ),
    ("POST", "/api/v1/cases/{number}/grants"): (
        _on_owned_case("/grants", lambda w, r: dict(GRANT)),
        (403, 201, 201, 403),
    ),
    ("GET", "/api/v1/cases/{number}/grants"): (_on_owned_case("/grants"), (200, 200, 200, 403)),
    ("POST", "/api/v1/cases/{number}/offers"): (
        _on_owned_case("/offers", lambda w, r: {"options": [{"label": "Repair"}, {"label": "Exchange"}]}),
        (403, 201, 201, 403),
    ),
    ("GET", "/api/v1/cases/{number}/offers"): (_on_owned_case("/offers"), (200, 200, 200, 200)),
    # The owner records the case's decision (or a supervisor); its customer reads what they were told.
    ("POST", "/api/v1/cases/{number}/decisions"): (
        _on_owned_case("/decisions", lambda w, r: {"customer_text": "No.", "rationale": "Policy", "policy": "R 1"}),
        (403, 201, 201, 403),
    ),
    ("GET", "/api/v1/cases/{number}/decisions"): (_on_owned_case("/decisions"), (200, 200, 200, 200)),
    # Writing a call down is like a note: a teammate who took the call writes it on a colleague's case.
    ("GET", "/api/v1/cases/{number}/calls"): (_on_owned_case("/calls"), (200, 200, 200, 403)),
    ("POST", "/api/v1/cases/{number}/calls"): (
        _on_owned_case("/calls", lambda w, r: dict(CALL)),
        (201, 201, 201, 403),
    ),
    # Merging closes the duplicate: its owner's call; linking only needs the team; a split changes the case.
    ("GET", "/api/v1/cases/{number}/links"): (_on_owned_case("/links"), (200, 200, 200, 403)),
    ("GET", "/api/v1/cases/{number}/surveys"): (_on_owned_case("/surveys"), (200, 200, 200, 200)),
    ("GET", "/api/v1/cases/{number}/repeats"): (_on_owned_case("/repeats"), (200, 200, 200, 403)),
    # Marking feedback is like a note: a teammate marks a message on a colleague's case.
    ("POST", "/api/v1/cases/{number}/feedback"): (
        lambda w, r: _feedback_mark(w, w.case(owner=w.colleague)),
        (201, 201, 201, 403),
    ),
    ("POST", "/api/v1/cases/{number}/merge"): (_merge_pair("colleague"), (403, 200, 200, 403)),
    ("POST", "/api/v1/cases/{number}/links"): (
        _on_owned_case("/links", lambda w, r: {"case": w.case()}),
        (201, 201, 201, 403),
    ),
    ("DELETE", "/api/v1/cases/{number}/links/{other}"): (
        lambda w, r: Call("/api/v1/cases/{}/links/{}".format(*_linked_pair(w, owner=w.colleague))),
        (204, 204, 204, 403),
    ),
    ("POST", "/api/v1/cases/{number}/split"): (
        lambda w, r: _split(*_with_second_message(w, owner=w.colleague)),
        (403, 201, 201, 403),
    ),
}


def test_an_agent_cannot_change_a_case_a_colleague_owns(client: TestClient, make: Factory) -> None:
    world = _build_world(client, make)
    case_routes = {e for e in _endpoints(client) if e[1].startswith("/api/v1/cases/{number}")}
    missing = sorted(case_routes - OWNED_EXPECTED.keys())
    assert not missing, f"case endpoints with no expectation for a colleague-owned case: {missing}"
    _walk(world, OWNED_EXPECTED, COLLEAGUE_ROLES)


# ---------------------------------------------------------------- what each role sees


def _numbers(client: TestClient, headers: dict[str, str], **params: Any) -> set[int]:
    response = client.get("/api/v1/cases", headers=headers, params={"limit": 200, **params})
    client.cookies.clear()
    assert response.status_code == 200, response.text
    return {item["number"] for item in response.json()["items"]}


def test_each_role_lists_and_reads_exactly_the_cases_it_may_see(client: TestClient, make: Factory) -> None:
    w = _build_world(client, make)
    agent = w.staff["team_agent"]
    make.organization("Globex", domain="globex.example")  # new customers at this domain join it
    alice = make.customer("alice@globex.example", name="Alice")
    bob = make.customer("bob@globex.example", name="Bob")
    foreign_team = make.team()

    in_team = w.case()
    other_team = make.case(w.other_customer, team=foreign_team).id
    owned_elsewhere = make.case(w.other_customer, team=foreign_team, owner=agent).id  # theirs, in another team
    untriaged = make.case(w.other_customer).id  # no team yet: any agent may pick it up
    alice_private = make.case(alice).id
    alice_shared = make.case(alice, shared=True).id
    everything = {in_team, other_team, owned_elsewhere, untriaged, alice_private, alice_shared}

    # Staff read every case (restricted teams' apart: tests/api/test_case_visibility.py).
    sees = {
        "team_agent": everything,
        "other_agent": everything,
        "back_office": everything,
        "supervisor": everything,
        "admin": everything,
        "customer": {in_team},
        "other_customer": {other_team, owned_elsewhere, untriaged},
    }
    problems: list[str] = []
    for role, visible in sees.items():
        listed = _numbers(client, w.headers(role))
        if listed != visible:
            problems.append(f"  {role} lists {sorted(listed)}, expected {sorted(visible)}")
        for number in sorted(everything):
            got = client.get(f"/api/v1/cases/{number}", headers=w.headers(role)).status_code
            client.cookies.clear()
            want = 200 if number in visible else 404
            if got != want:
                problems.append(f"  {role} reading case #{number}: expected {want}, got {got}")

    # Organization sharing: Bob sees Alice's shared case, not her private one nor her record.
    bob_headers = make.customer_session(bob)
    if (listed := _numbers(client, bob_headers)) != {alice_shared}:
        problems.append(f"  bob (same organization) lists {sorted(listed)}, expected [{alice_shared}]")
    for path in (
        f"/api/v1/cases/{alice_private}",
        f"/api/v1/customers/{alice.id}",
        f"/api/v1/customers/{alice.id}/cases",
    ):
        if (got := client.get(path, headers=bob_headers).status_code) != 404:
            problems.append(f"  bob (same organization) GET {path}: expected 404, got {got}")

    # Filters narrow what one may see; they never widen it.
    narrowed = [
        ("other_agent", {"team": w.team.id}, {in_team}),
        ("back_office", {"team": w.team.id}, {in_team}),
        ("team_agent", {"team": foreign_team.id}, {other_team, owned_elsewhere}),
        ("other_agent", {"owner": str(agent.id)}, {owned_elsewhere}),
        ("customer", {"customer": w.other_customer.id}, set()),
        ("customer", {"owner": "none"}, {in_team}),
        ("other_customer", {"owner": str(agent.id)}, {owned_elsewhere}),
    ]
    for role, params, visible in narrowed:
        if (listed := _numbers(client, w.headers(role), **params)) != visible:
            problems.append(f"  {role} filtering by {params} lists {sorted(listed)}, expected {sorted(visible)}")
    assert not problems, "visibility differs:\n" + "\n".join(problems)


def test_someone_elses_case_or_customer_looks_exactly_like_a_missing_one(client: TestClient, make: Factory) -> None:
    w = _build_world(client, make)
    restrict(make, w.team)  # staff outside a restricted team do not see its cases at all
    number = w.case()

    def same_answer(theirs: Any, missing: Any, their_id: int, missing_id: int) -> None:
        assert theirs.status_code == missing.status_code == 404, (theirs.text, missing.text)
        a, b = theirs.json(), missing.json()
        assert a.pop("detail").replace(str(their_id), "N") == b.pop("detail").replace(str(missing_id), "N")
        assert a == b

    for role in ("other_customer", "other_agent", "back_office"):
        for suffix in ("", "/replies"):
            method = "GET" if not suffix else "POST"
            body = {"json": {"body": "hello?"}} if suffix else {}
            theirs = client.request(method, f"/api/v1/cases/{number}{suffix}", headers=w.headers(role), **body)
            missing = client.request(method, f"/api/v1/cases/{number + 1000}{suffix}", headers=w.headers(role), **body)
            same_answer(theirs, missing, number, number + 1000)

    for suffix in ("", "/cases"):
        theirs = client.get(f"/api/v1/customers/{w.customer.id}{suffix}", headers=w.headers("other_customer"))
        missing = client.get(f"/api/v1/customers/{w.customer.id + 1000}{suffix}", headers=w.headers("other_customer"))
        same_answer(theirs, missing, w.customer.id, w.customer.id + 1000)


def test_a_refused_change_leaves_the_case_as_it_was(client: TestClient, make: Factory) -> None:
    w = _build_world(client, make)
    admin = w.staff["admin"].headers
    number = w.case()
    before = client.get(f"/api/v1/cases/{number}", headers=admin).json()
    attempts = [
        ("PATCH", "", {"priority": "urgent", "tags": ["meddled"]}),
        ("PUT", "/status", {"status": "waiting_on_internal"}),
        ("POST", "/resolve", None),
        ("POST", "/notes", {"body": "sneaky"}),
        ("POST", "/replies", {"body": "sneaky"}),
        ("PUT", "/owner", {"owner_id": w.staff["other_agent"].id}),
    ]
    problems = []
    for role in ("other_customer", "other_agent", "back_office", "customer"):
        for method, suffix, body in attempts:
            if role == "customer" and suffix == "/replies":
                continue  # the customer may write on their own case
            path = f"/api/v1/cases/{number}{suffix}"
            response = client.request(method, path, headers=w.headers(role), **({"json": body} if body else {}))
            if response.status_code not in (403, 404):
                problems.append(f"  {role} {method} {path}: {response.status_code} {response.text[:120]}")
    assert not problems, "refused changes were not refused:\n" + "\n".join(problems)
    after = client.get(f"/api/v1/cases/{number}", headers=admin).json()
    assert after == before
