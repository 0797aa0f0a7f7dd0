"""Reading the business's settings (cached by version) and changing them (admins only). Never commits.

`current(session)` is the one read. It costs one primary-key read of the settings row's `stamp` per
transaction (remembered on the session); the parsed settings are kept in process by that stamp, so a
change saved by any process is seen by every other one at its next transaction. Until an admin first
saves, nothing is stored and the environment's values (`configure`) apply.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.business import rules
from sameside.business.models import SETTINGS_ID, BusinessSettings, Holiday, InboundAddress, Mailbox
from sameside.business.rules import Business, Week
from sameside.kit import clock
from sameside.kit.actors import Actor, StaffActor
from sameside.kit.errors import Conflict, Invalid, NotFound
from sameside.kit.hours import zone_of
from sameside.staff.models import Team
from sameside.staff.rules import require_admin

if TYPE_CHECKING:
    from sameside.config import Settings
    from sameside.db.engine import Database

_MEMO = "sameside.business"
_environment = Business(
    week={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    timezone="UTC",
    holidays=(),
    support_phone=None,
    reply_target_hours=8,
    tier_cap_minutes=60,
    callback_minutes=30,
    chat_greeting="Hello! Ask us anything: a person from our team reads every message.",
)
_cache: dict[str, Business] = {}
_database: Database | None = None


def configure(settings: Settings) -> None:
    """The environment's values: what applies until an admin saves (`wiring` calls this at start-up)."""
    global _environment
    _environment = Business(
        week=rules.week_from_spec(settings.business_hours, settings.business_timezone),
        timezone=settings.business_timezone,
        holidays=(),
        support_phone=settings.support_phone,
        reply_target_hours=settings.reply_target_hours,
        tier_cap_minutes=settings.tier_cap_minutes,
        callback_minutes=settings.callback_minutes,
        chat_greeting=settings.chat_greeting,
        company_name=settings.mail_from_name if settings.mail_from_name != "Support" else None,
    )
    _cache.clear()


def use_database(database: Database) -> None:
    """Where `latest()` reads from, for the few readers that hold no session (the callback policy)."""
    global _database
    _database = database


def environment() -> Business:
    return _environment


def current(session: Session) -> Business:
    memo = session.info.get(_MEMO)
    if isinstance(memo, Business):
        return memo
    stamp = session.scalar(select(BusinessSettings.stamp).where(BusinessSettings.id == SETTINGS_ID))
    if stamp is None:
        found = _environment
    elif stamp in _cache:
        found = _cache[stamp]
    else:
        found = _load(session)
        _cache.clear()  # only the newest is ever asked for again
        _cache[stamp] = found
    session.info[_MEMO] = found
    return found


def pin(session: Session, found: Business) -> None:
    """Let `current(session)` answer `found` for this transaction without reading the row.

    For a batch that reads the settings once and runs each item in a transaction of its own (the mail intake):
    a change saved meanwhile applies from the next batch, a few seconds later at most."""
    session.info[_MEMO] = found


def latest() -> Business:
    """`current` through a short read of its own (the database `use_database` gave), else the environment's."""
    if _database is None:
        return _environment
    with _database.unit_of_work(write=False) as session:
        return current(session)


def _load(session: Session) -> Business:
    row = session.get(BusinessSettings, SETTINGS_ID, populate_existing=True)
    assert row is not None
    holidays = tuple((h.day, h.name) for h in session.scalars(select(Holiday).order_by(Holiday.day)))
    return Business(
        week=dict(row.week),
        timezone=row.timezone,
        holidays=holidays,
        support_phone=row.support_phone,
        reply_target_hours=row.reply_target_hours,
        tier_cap_minutes=row.tier_cap_minutes,
        callback_minutes=row.callback_minutes,
        chat_greeting=row.chat_greeting,
        company_name=row.company_name,
        primary_colour=row.primary_colour,
        accent_colour=row.accent_colour,
        logo_sha256=row.logo_sha256,
        logo_type=row.logo_type,
        service_targets=dict(row.service_targets) if row.service_targets else None,
        stamp=row.stamp,
    )


def _change(session: Session, actor: Actor, apply: Callable[[BusinessSettings], Any]) -> Business:
    """Change the row (made from what applies now if absent), give it a new stamp, and read it back."""
    require_admin(actor)
    row = session.get(BusinessSettings, SETTINGS_ID, with_for_update=True)
    if row is None:
        now = current(session)
        row = BusinessSettings(
            id=SETTINGS_ID,
            version=0,
            week=now.week,
            timezone=now.timezone,
            support_phone=now.support_phone,
            reply_target_hours=now.reply_target_hours,
            tier_cap_minutes=now.tier_cap_minutes,
            callback_minutes=now.callback_minutes,
            chat_greeting=now.chat_greeting,
            company_name=now.company_name,
        )
        session.add(row)
    apply(row)
    row.version = (row.version or 0) + 1
    row.stamp = uuid.uuid4().hex
    row.updated_at = clock.now()
    row.updated_by = actor.staff_id if isinstance(actor, StaffActor) else None
    session.flush()
    session.info.pop(_MEMO, None)
    return current(session)


def seed(session: Session, actor: Actor) -> bool:
    """Store what applies now (the environment's values, `configure`) as the business's own, unless something is
    stored already; True when it did. From then on they are changed in the admin centre, not the environment."""
    require_admin(actor)
    if session.get(BusinessSettings, SETTINGS_ID) is not None:
        return False
    _change(session, actor, lambda row: None)
    return True


ClocksChanged = Callable[[Session], None]
_clocks_changed: list[ClocksChanged] = []


def listen(*, clocks_changed: ClocksChanged) -> None:
    """Be told, in the same transaction, when hours, holidays or the default targets change (`wiring` registers
    the service levels, which retime the open cases); registering the same one again changes nothing."""
    if clocks_changed not in _clocks_changed:
        _clocks_changed.append(clocks_changed)


def _clocks_moved(session: Session) -> None:
    for listener in _clocks_changed:
        listener(session)


def save_settings(
    session: Session,
    actor: Actor,
    *,
    week: Week,
    timezone: str,
    support_phone: str | None,
    reply_target_hours: int,
    tier_cap_minutes: int,
    callback_minutes: int,
    chat_greeting: str,
) -> Business:
    """Replace the hours and the numbers the business promises; every bad value refused with its reason."""
    require_admin(actor)
    cleaned = rules.check_week(week)
    zone_of(timezone.strip())
    values = {
        "week": cleaned,
        "timezone": timezone.strip(),
        "support_phone": rules.check_phone(support_phone),
        "reply_target_hours": rules.check_number(reply_target_hours, "The reply target (hours)", 1, 24 * 14),
        "tier_cap_minutes": rules.check_number(tier_cap_minutes, "The tier cap (minutes)", 0, 24 * 60),
        "callback_minutes": rules.check_number(callback_minutes, "A callback slot (minutes)", 5, 240),
        "chat_greeting": rules.check_text(chat_greeting, "The chat greeting", 300),
    }

    def apply(row: BusinessSettings) -> None:
        for key, value in values.items():
            setattr(row, key, value)

    changed = _change(session, actor, apply)
    _clocks_moved(session)
    return changed


def add_holiday(session: Session, actor: Actor, day: date, name: str) -> Business:
    require_admin(actor)
    name = rules.check_text(name, "The holiday's name", 80)
    if session.scalar(select(Holiday.id).where(Holiday.day == day)) is not None:
        raise Conflict(f"{day.isoformat()} is already a holiday.")
    session.add(Holiday(day=day, name=name))
    changed = _change(session, actor, lambda row: None)
    _clocks_moved(session)
    return changed


def remove_holiday(session: Session, actor: Actor, day: date) -> Business:
    require_admin(actor)
    found = session.scalar(select(Holiday).where(Holiday.day == day))
    if found is None:
        raise NotFound(f"{day.isoformat()} is not a holiday.")
    session.delete(found)
    changed = _change(session, actor, lambda row: None)
    _clocks_moved(session)
    return changed


def save_branding(
    session: Session, actor: Actor, *, company_name: str | None, primary: str | None, accent: str | None
) -> Business:
    """The name and colours customers see; a colour white text cannot be read on is refused, with why."""
    require_admin(actor)
    name = rules.check_text(company_name or "", "The company name", 80, required=False) or None
    primary_colour = rules.check_colour(primary, "The primary colour")
    accent_colour = rules.check_colour(accent, "The accent colour")
    rules.check_palette(primary_colour, accent_colour)

    def apply(row: BusinessSettings) -> None:
        row.company_name, row.primary_colour, row.accent_colour = name, primary_colour, accent_colour

    return _change(session, actor, apply)


def set_logo(session: Session, actor: Actor, data: bytes, store: Callable[[bytes], str]) -> Business:
    """Check the logo's bytes, keep them through `store` (content-addressed: returns the hash), and use it."""
    require_admin(actor)
    kind = rules.sniff_image(data)
    digest = store(data)

    def apply(row: BusinessSettings) -> None:
        row.logo_sha256, row.logo_type = digest, kind

    return _change(session, actor, apply)


def save_service_targets(session: Session, actor: Actor, targets: dict[str, list[int]] | None) -> Business:
    """Store the default service-level policy, already checked by `cases.service_levels` (None: derived again)."""

    def apply(row: BusinessSettings) -> None:
        row.service_targets = targets

    changed = _change(session, actor, apply)
    _clocks_moved(session)
    return changed


def clear_logo(session: Session, actor: Actor) -> Business:
    def apply(row: BusinessSettings) -> None:
        row.logo_sha256 = row.logo_type = None

    return _change(session, actor, apply)


# ---------------------------------------------------------------- inbound addresses


def add_address(session: Session, actor: Actor, address: str, team_id: int | None) -> InboundAddress:
    require_admin(actor)
    cleaned = rules.check_address(address)
    if session.scalar(select(InboundAddress.id).where(InboundAddress.address == cleaned)) is not None:
        raise Conflict(f"{cleaned} is already an inbound address.")
    _check_team(session, team_id)
    row = InboundAddress(address=cleaned, team_id=team_id)
    session.add(row)
    session.flush()
    return row


def set_address_team(session: Session, actor: Actor, address_id: int, team_id: int | None) -> InboundAddress:
    require_admin(actor)
    row = session.get(InboundAddress, address_id)
    if row is None:
        raise NotFound("No such inbound address.")
    _check_team(session, team_id)
    row.team_id = team_id
    session.flush()
    return row


def remove_address(session: Session, actor: Actor, address_id: int) -> None:
    require_admin(actor)
    row = session.get(InboundAddress, address_id)
    if row is None:
        raise NotFound("No such inbound address.")
    session.delete(row)
    session.flush()


# ---------------------------------------------------------------- IMAP mailboxes


def add_mailbox(
    session: Session, actor: Actor, *, name: str, password: str, reserved: frozenset[str] = frozenset(), **fields: Any
) -> Mailbox:
    """A mailbox for the poller. `reserved`: names the environment's mailboxes already use (they key mail too).

    `fields`: host, port, ssl, username, folder, after, team_id."""
    require_admin(actor)
    cleaned = rules.check_mailbox_name(name)
    if cleaned in reserved or session.scalar(select(Mailbox.id).where(Mailbox.name == cleaned)) is not None:
        raise Conflict(f"A mailbox is already called {cleaned}.")
    team_id = fields.pop("team_id", None)
    _check_team(session, team_id)
    values = rules.mailbox_fields({"folder": "INBOX", "after": "seen", "ssl": True, "port": 993} | fields)
    for needed in ("host", "username"):
        if needed not in values:
            raise Invalid(f"Give the mailbox's {needed.replace('username', 'user name')}.")
    row = Mailbox(name=cleaned, password=_password(password), team_id=team_id, **values)
    session.add(row)
    session.flush()
    return row


def change_mailbox(
    session: Session, actor: Actor, mailbox_id: int, *, password: str | None = None, **fields: Any
) -> Mailbox:
    """Change what is given; a password left empty (or None) keeps the stored one. The name never changes."""
    require_admin(actor)
    row = session.get(Mailbox, mailbox_id)
    if row is None:
        raise NotFound("No such mailbox.")
    if "team_id" in fields:
        team_id = fields.pop("team_id")
        _check_team(session, team_id)
        row.team_id = team_id
    for key, value in rules.mailbox_fields(fields).items():
        setattr(row, key, value)
    if password:
        row.password = _password(password)
    row.updated_at = clock.now()
    session.flush()
    return row


def remove_mailbox(session: Session, actor: Actor, mailbox_id: int) -> None:
    """Stop polling it. What it brought in stays; the server's copy is not touched."""
    require_admin(actor)
    row = session.get(Mailbox, mailbox_id)
    if row is None:
        raise NotFound("No such mailbox.")
    session.delete(row)
    session.flush()


def _password(value: str) -> str:
    if not value or len(value) > 500 or "\r" in value or "\n" in value:
        raise Invalid("Give the mailbox's password (one line, at most 500 characters).")
    return value


def _check_team(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid("No such team.")


def with_environment(**changes: Any) -> None:
    """Tests and the demo: adjust what applies while nothing is stored."""
    global _environment
    _environment = replace(_environment, **changes)
