"""The one question every non-essential sender asks (`ask`), the policy's settings, and customers' choices.

Never commits. `ask` writes what it decided for a non-essential message
(sent or held, and why) in the caller's transaction, so a message that is
then not sent after all (the caller rolls back) leaves no record either.

Two senders asking for one customer at the same moment: `ask` locks the
customer's row first (PostgreSQL; SQLite has one writer at a time anyway),
so the second counts the first and the cap holds exactly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.contact import rules
from sameside.contact.models import SETTINGS_ID, ContactChoice, ContactRecord, ContactSettings
from sameside.contact.rules import Need, Policy, Verdict
from sameside.customers.models import Customer
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, StaffActor
from sameside.kit.errors import Forbidden, NotFound
from sameside.staff.rules import require_admin

DEFAULTS = Policy()


def policy(session: Session) -> Policy:
    """The policy that applies: the admin's saved one, else the defaults."""
    row = session.get(ContactSettings, SETTINGS_ID)
    if row is None:
        return DEFAULTS
    return Policy(
        cap=row.cap,
        period_days=row.period_days,
        survey_interval_days=row.survey_interval_days,
        survey_delay_minutes=row.survey_delay_minutes,
        surveys_on=row.surveys_on,
        stored=True,
    )


def change_policy(session: Session, actor: Actor, changed: Policy) -> Policy:
    """An admin sets the policy (every field at once); refused when a value is out of its bounds."""
    require_admin(actor)
    rules.check(changed)
    row = session.get(ContactSettings, SETTINGS_ID, with_for_update=True)
    if row is None:
        row = ContactSettings(id=SETTINGS_ID)
        session.add(row)
    row.cap, row.period_days = changed.cap, changed.period_days
    row.survey_interval_days, row.survey_delay_minutes = changed.survey_interval_days, changed.survey_delay_minutes
    row.surveys_on = changed.surveys_on
    row.updated_by = actor.staff_id if isinstance(actor, StaffActor) else None
    row.updated_at = clock.now()
    session.flush()
    return replace(changed, stored=True)


def ask(
    session: Session, customer_id: int, purpose: str, *, case_id: int | None = None, now: datetime | None = None
) -> Verdict:
    """May a message for `purpose` go to this customer now? Essential ones always may, unrecorded.

    A non-essential one is recorded either way: sent (it counts toward the
    cap from now on) or held with the reason, which the caller also shows
    where people will look (the case's timeline).
    """
    if rules.classify(purpose) is Need.ESSENTIAL:
        return Verdict(True, Need.ESSENTIAL)
    now = now or clock.now()
    applies = policy(session)
    session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update())
    verdict = rules.decide(purpose, sent_in_period(session, customer_id, applies, now=now), applies)
    session.add(
        ContactRecord(
            customer_id=customer_id,
            case_id=case_id,
            purpose=purpose,
            allowed=verdict.allowed,
            reason=verdict.reason,
            created_at=now,
        )
    )
    session.flush()
    return verdict


def sent_in_period(session: Session, customer_id: int, applies: Policy, *, now: datetime) -> int:
    """Non-essential messages that went to the customer within the policy's period (one index range)."""
    since = now - timedelta(days=applies.period_days)
    return (
        session.scalar(
            select(func.count())
            .select_from(ContactRecord)
            .where(
                ContactRecord.customer_id == customer_id,
                ContactRecord.allowed.is_(True),
                ContactRecord.created_at > since,
            )
        )
        or 0
    )


def wants_surveys(session: Session, customer_id: int) -> bool:
    choice = session.get(ContactChoice, customer_id)
    return choice is None or not choice.no_surveys


def choose_surveys(session: Session, actor: Actor, customer_id: int, *, wanted: bool) -> None:
    """The customer (or staff on their word) says whether they will take a survey after a case is solved."""
    if isinstance(actor, CustomerActor) and actor.customer_id != customer_id:
        raise Forbidden("You may change only your own choices.")
    if session.get(Customer, customer_id) is None:
        raise NotFound("There is no such customer.")
    choice = session.get(ContactChoice, customer_id, with_for_update=True)
    if choice is None:
        choice = ContactChoice(customer_id=customer_id)
        session.add(choice)
    choice.no_surveys = not wanted
    choice.updated_at = clock.now()
    session.flush()
