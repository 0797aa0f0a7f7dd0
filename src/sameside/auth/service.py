"""Signing in and out, API tokens and magic links. Never commits.

Every token we hand out is 256 random bits; the database keeps only digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sameside.auth.errors import BadCredentials, BadMagicLink
from sameside.auth.models import ApiToken, InstanceSecret, MagicLink, SignInSession
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.queries import email_identity
from sameside.customers.rules import Proof, receives_sign_in_links
from sameside.customers.service import prove_identity
from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor, SystemActor
from sameside.kit.errors import Forbidden, Invalid, NotFound
from sameside.kit.secrets import digest, new_token
from sameside.mail import outbox
from sameside.staff.models import Staff
from sameside.staff.passwords import verify
from sameside.staff.queries import staff_by_email

TOKEN_PREFIX = "ss_"  # noqa: S105 (a prefix that makes leaked tokens easy to spot, not a secret)
# An API token's last use is recorded at most this often, so reads stay reads.
_LAST_USED_GRANULARITY = timedelta(hours=1)


@dataclass(frozen=True)
class IssuedSession:
    token: str
    csrf_token: str


@dataclass(frozen=True)
class ResolvedSession:
    actor: StaffActor | CustomerActor
    csrf_token: str


def staff_actor(staff: Staff) -> StaffActor:
    return StaffActor(staff.id, staff.role, staff.team_id, staff.department_id)


def customer_actor(customer: Customer) -> CustomerActor:
    return CustomerActor(customer.id, customer.organization_id)


def check_staff_password(session: Session, email: str, password: str) -> Staff:
    """The active staff member with these credentials, or BadCredentials.

    The answer and its cost are the same whether the account is missing,
    inactive or the password wrong.
    """
    staff = staff_by_email(session, email)
    ok = verify(staff.password_hash if staff else None, password)
    if staff is None or not ok or not staff.is_active:
        raise BadCredentials("The email or password is not correct.")
    return staff


def open_session(
    session: Session, *, staff: Staff | None = None, customer: Customer | None = None, days: int
) -> IssuedSession:
    token, csrf = new_token(), new_token()
    session.add(
        SignInSession(
            token_digest=digest(token),
            csrf_token=csrf,
            staff_id=staff.id if staff else None,
            customer_id=customer.id if customer else None,
            expires_at=clock.now() + timedelta(days=days),
        )
    )
    session.flush()
    return IssuedSession(token, csrf)


def close_session(session: Session, token: str) -> None:
    row = session.scalar(select(SignInSession).where(SignInSession.token_digest == digest(token)))
    if row is not None:
        session.delete(row)


def resolve_session(session: Session, token: str) -> ResolvedSession | None:
    """The actor behind a session cookie, if it is current and its holder still active."""
    row = session.scalar(select(SignInSession).where(SignInSession.token_digest == digest(token)))
    if row is None or row.expires_at <= clock.now():
        return None
    actor: StaffActor | CustomerActor
    if row.staff_id is not None:
        staff = session.get(Staff, row.staff_id)
        if staff is None or not staff.is_active:
            return None
        actor = staff_actor(staff)
    else:
        customer = session.get(Customer, row.customer_id)
        if customer is None:
            return None
        actor = customer_actor(customer)
    return ResolvedSession(actor, row.csrf_token)


def create_api_token(session: Session, actor: Actor, staff: Staff, name: str) -> tuple[ApiToken, str]:
    """A new token for `staff`; the plaintext is returned once and never stored."""
    _require_self_or_admin(actor, staff.id)
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise Invalid("A token name must be 1 to 100 characters.")
    plaintext = new_token(TOKEN_PREFIX)
    token = ApiToken(staff_id=staff.id, name=name, token_digest=digest(plaintext), hint=plaintext[:8])
    session.add(token)
    session.flush()
    return token, plaintext


def list_api_tokens(session: Session, actor: Actor, staff_id: int) -> Sequence[ApiToken]:
    _require_self_or_admin(actor, staff_id)
    return session.scalars(select(ApiToken).where(ApiToken.staff_id == staff_id).order_by(ApiToken.id)).all()


def revoke_api_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or not _is_self_or_admin(actor, token.staff_id):
        raise NotFound(f"There is no API token with id {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
    return token


@dataclass(frozen=True)
class ResolvedToken:
    actor: StaffActor
    use_is_stale: bool
    """True when the token's last use should be recorded (at most hourly, so reads stay reads)."""


def resolve_api_token(session: Session, plaintext: str) -> ResolvedToken | None:
    """The staff member behind a current API token, in one query."""
    row = session.execute(
        select(ApiToken.last_used_at, Staff)
        .join(Staff, Staff.id == ApiToken.staff_id)
        .where(ApiToken.token_digest == digest(plaintext), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.Staff.is_active:
        return None
    last = row.last_used_at
    return ResolvedToken(staff_actor(row.Staff), last is None or clock.now() - last > _LAST_USED_GRANULARITY)


def record_api_token_use(session: Session, plaintext: str) -> None:
    session.execute(update(ApiToken).where(ApiToken.token_digest == digest(plaintext)).values(last_used_at=clock.now()))


def issue_magic_link(
    session: Session, customer: Customer, *, minutes: int, identity: CustomerIdentity | None = None
) -> str:
    """A single-use sign-in token for `customer`, valid for `minutes`.

    `identity` is the address it will be mailed to: redeeming the link proves
    that address. A link printed for staff to pass on names none.
    """
    token = new_token()
    session.add(
        MagicLink(
            customer_id=customer.id,
            identity_id=identity.id if identity is not None else None,
            token_digest=digest(token),
            expires_at=clock.now() + timedelta(minutes=minutes),
        )
    )
    session.flush()
    return token


SIGN_IN_LINKS_PER_HOUR = 5
"""Sign-in links one address receives in an hour at most, whoever asks and from wherever (all processes)."""

SEND_SIGN_IN_LINK = "auth.send_sign_in_link"
"""The job that looks an address up and mails it a sign-in link (`auth.tasks`)."""


def ask_for_sign_in_link(session: Session, email: str) -> None:
    """The request path of a sign-in link: enqueue one job, the same for any address.

    Whether the address is a customer's, proven, or over its hourly cap is
    decided by the job (`request_magic_link`), off the request: a request for
    a customer and one for a stranger do the same work and take the same
    time, so neither the answer nor its timing tells who is a customer.
    """
    enqueue(session, SEND_SIGN_IN_LINK, email=email.strip().lower()[:320])


def request_magic_link(session: Session, email: str, *, link_base: str, minutes: int) -> None:
    """Email a sign-in link if a customer has this address and it is proven; silently nothing otherwise.

    Runs in the worker (`ask_for_sign_in_link` enqueues it). A pending address
    — one staff added and nobody confirmed — gets nothing: a link there could
    reach whoever typed it in (`customers.rules.receives_sign_in_links`).
    """
    identity = email_identity(session, email)
    if identity is None or not receives_sign_in_links(identity.kind, identity.proof):
        return
    customer = session.get(Customer, identity.customer_id)
    assert customer is not None  # FK with ON DELETE CASCADE
    address = identity.value
    if outbox.sent_last_hour(session, address, "magic_link") >= SIGN_IN_LINKS_PER_HOUR:
        # Enough links are on their way; more would only fill their inbox (or serve someone flooding it).
        return
    token = issue_magic_link(session, customer, minutes=minutes, identity=identity)
    cfg = outbox.config()
    outbox.queue(
        session,
        purpose="magic_link",
        envelope=outbox.Envelope(
            to_address=address,
            to_name=customer.name,
            from_name=cfg.from_name,
            from_address=cfg.from_address,
        ),
        subject="Your sign-in link",
        text=(
            f"Hello {customer.form_of_address or customer.name},\n\n"
            f"here is your link to sign in and see your cases:\n\n{link_base}?token={token}\n\n"
            f"It works once, within the next {minutes} minutes. If you did not ask for it, "
            "you can ignore this email: nothing happens without the link."
        ),
        customer_id=customer.id,
        automatic="auto-generated",
        sensitive=True,
        language=customer.language,
    )


def redeem_magic_link(session: Session, token: str) -> Customer:
    """Use a magic link once. Expired, used or unknown links fail alike.

    The address it was mailed to is proven by its use: a claimed one becomes verified.
    """
    link = session.scalar(select(MagicLink).where(MagicLink.token_digest == digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= clock.now():
        raise BadMagicLink("This sign-in link is not valid any more; ask for a new one.")
    # Conditional update: of two simultaneous redemptions only one matches.
    claimed = session.execute(
        update(MagicLink).where(MagicLink.id == link.id, MagicLink.used_at.is_(None)).values(used_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise BadMagicLink("This sign-in link is not valid any more; ask for a new one.")
    customer = session.get(Customer, link.customer_id)
    assert customer is not None  # FK with ON DELETE CASCADE
    if link.identity_id is not None:
        identity = session.get(CustomerIdentity, link.identity_id)
        if identity is not None and identity.proof is Proof.CLAIMED:
            prove_identity(session, identity)
    return customer


def _is_self_or_admin(actor: Actor, staff_id: int) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return isinstance(actor, StaffActor) and (actor.staff_id == staff_id or actor.role == "admin")


def _require_self_or_admin(actor: Actor, staff_id: int) -> None:
    if not _is_self_or_admin(actor, staff_id):
        raise Forbidden("Only the staff member themselves or an admin may manage these tokens.")


def instance_key(session: Session, name: str, *, configured: str | None = None) -> bytes:
    """A signing key: the configured one, else one this installation made once and keeps."""
    if configured:
        return configured.encode()
    found = session.get(InstanceSecret, name)
    if found is None:
        found = InstanceSecret(name=name, value=new_token())
        session.add(found)
        session.flush()
    return found.value.encode()
