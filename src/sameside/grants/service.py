"""Making grants, reviewing the ones above budget, reversing them, and setting budgets and ceilings.

A grant within the granter's budget is issued at once and counted against
it; above it (or in another currency, or with no budget at all), it becomes
a request to the supervisors of the case's team, inside the case: the owner
keeps the case and the customer is never re-queued. Whatever happens is on
the case's timeline, with the grant's stable id and state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session

from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases.access import scope_of
from sameside.cases.models import Case
from sameside.grants import rules
from sameside.grants.models import BudgetLimit, BudgetSpend, Grant, GrantCeiling
from sameside.grants.rules import GrantKind, GrantState, Money, Purpose
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Forbidden, Invalid, NotFound
from sameside.kit.events import publish
from sameside.staff import notifications
from sameside.staff.models import Staff


def make(
    session: Session, actor: Actor, case: Case, kind: GrantKind, purpose: Purpose, money: Money, reason: str
) -> Grant:
    """Grant `money` to the case's customer: issued now if the actor's budget allows, else asked of a supervisor."""
    case_rules.check_work(actor, scope_of(case), "make a grant on this case")
    if not isinstance(actor, StaffActor):
        raise Forbidden("Grants are made by a person, on their own budget.")
    return make_as(session, actor, case, kind, purpose, money, reason)


def make_as(
    session: Session, granter: StaffActor, case: Case, kind: GrantKind, purpose: Purpose, money: Money, reason: str
) -> Grant:
    """`make`, for someone whose right to grant on the case was settled earlier (an offer they made, now chosen)."""
    now = clock.now()
    grant = _asked(session, case, kind, purpose, money, reason, granter.staff_id, now)
    limit = budget_of(session, granter)
    if limit is not None and _spend(session, granter.staff_id, limit, money, now):
        grant.state, grant.from_budget, grant.issued_at = GrantState.ISSUED, True, now
        session.add(grant)
        session.flush()
        _record_issued(session, granter, case, grant, now)
    else:
        grant.state = GrantState.REQUESTED
        session.add(grant)
        session.flush()
        _ask_supervisors(session, granter, case, grant, _why_asked(session, granter, grant, limit, now), now)
    publish(session.info, "case.updated", case_id=case.id)
    return grant


def ask_unclaimed(
    session: Session,
    by: Actor,
    case: Case,
    kind: GrantKind,
    purpose: Purpose,
    money: Money,
    reason: str,
    *,
    why: str,
) -> Grant:
    """A grant no one's budget can carry (say who offered it and the case's owner have both left).

    It is `requested` of the supervisors of the case's team (admins when the
    team has none), inside the case, as a grant above budget is; `why` says
    on the case and in their notification why nobody's budget took it.
    `by` is who or what set it going (the offers software, for a choice).
    """
    now = clock.now()
    grant = _asked(session, case, kind, purpose, money, reason, None, now)
    grant.state = GrantState.REQUESTED
    session.add(grant)
    session.flush()
    _ask_supervisors(session, by, case, grant, why, now)
    publish(session.info, "case.updated", case_id=case.id)
    return grant


def _asked(
    session: Session,
    case: Case,
    kind: GrantKind,
    purpose: Purpose,
    money: Money,
    reason: str,
    requested_by: int | None,
    now: datetime,
) -> Grant:
    """A grant as asked for on `case`, not yet added: its reason tidied, refused when policy does not allow it."""
    reason = rules.clean_reason(reason)
    rules.check_policy(kind, money, ceiling_of(session, kind, money.currency))
    return Grant(
        case_id=case.id,
        customer_id=case.customer_id,
        kind=kind,
        purpose=purpose,
        amount_minor=money.amount_minor,
        currency=money.currency,
        reason=reason,
        requested_by=requested_by,
        requested_at=now,
    )


def review(
    session: Session,
    actor: Actor,
    grant_id: int,
    *,
    approve: bool,
    reason: str,
    amount_minor: int | None = None,
) -> Grant:
    """A supervisor's answer to a request: approve (the amount asked, or another) or decline, with a reason."""
    grant = _grant(session, grant_id, for_update=True)
    case = session.get(Case, grant.case_id)
    assert case is not None  # a grant is deleted with its case
    _check_reviewer(actor, case)
    assert isinstance(actor, StaffActor)
    reason = rules.clean_reason(reason, what="the reason for your answer")
    now = clock.now()
    if not approve:
        rules.check_turn(grant.state, GrantState.DECLINED)
        grant.state = GrantState.DECLINED
    else:
        rules.check_turn(grant.state, GrantState.APPROVED)
        if amount_minor is not None and amount_minor != grant.amount_minor:
            money = Money(amount_minor, grant.currency)
            if money.amount_minor == 0:
                raise Invalid("To grant nothing, decline the request with a reason.")
            rules.check_policy(grant.kind, money, ceiling_of(session, grant.kind, grant.currency))
            grant.asked_minor, grant.amount_minor = grant.amount_minor, amount_minor
        grant.state = GrantState.APPROVED
    grant.reviewed_by, grant.reviewed_at, grant.review_reason = actor.staff_id, now, reason
    # The answer is its own step on the record (who, when, approved or declined), so a system fulfilling
    # grants elsewhere can act on `approved`; as we carry approved grants out ourselves, issuing follows.
    timeline.add_event(
        session,
        case,
        actor,
        events.GrantReview(grant_id=grant.id, **_facts(grant), verdict=grant.state.value, reason=reason),
        at=now,
    )
    if grant.state is GrantState.APPROVED:
        _issue(session, actor, case, grant, now)
    answer = "approved" if approve else "declined"
    notifications.notify(
        session,
        [grant.requested_by, case.owner_id],
        kind="grant_reviewed",
        text=f"#{case.id}: your {_words(grant)} was {answer}: {reason}",
        case_id=case.id,
        data={"grant_id": grant.id},
    )
    publish(session.info, "case.updated", case_id=case.id)
    return grant


def reverse(session: Session, actor: Actor, grant_id: int, reason: str) -> Grant:
    """Undo an issued grant (a mistake, a chargeback): on the record; its budget is given back in the same period."""
    grant = _grant(session, grant_id, for_update=True)
    case = session.get(Case, grant.case_id)
    assert case is not None
    _check_reviewer(actor, case)
    assert isinstance(actor, StaffActor)
    reason = rules.clean_reason(reason, what="why it is reversed")
    rules.check_turn(grant.state, GrantState.REVERSED)
    now = clock.now()
    grant.state, grant.reversed_by, grant.reversed_at, grant.reversal_reason = (
        GrantState.REVERSED,
        actor.staff_id,
        now,
        reason,
    )
    counted_in = _period_of_spend(session, grant) if grant.from_budget else None
    if counted_in is not None:
        session.execute(
            update(BudgetSpend)
            .where(
                BudgetSpend.staff_id == grant.requested_by,
                BudgetSpend.currency == grant.currency,
                BudgetSpend.period_start == counted_in,
            )
            .values(spent_minor=BudgetSpend.spent_minor - grant.amount_minor)
            .execution_options(synchronize_session=False)
        )
    timeline.add_event(
        session,
        case,
        actor,
        events.GrantReview(grant_id=grant.id, **_facts(grant), verdict="reversed", reason=reason),
        at=now,
    )
    publish(session.info, "case.updated", case_id=case.id)
    return grant


# ---------------------------------------------------------------- budgets and policy


def budget_of(session: Session, actor: StaffActor) -> rules.BudgetLimit | None:
    """The budget that applies to `actor`: their own, their role's in their team, or their role's."""
    rows = session.scalars(
        select(BudgetLimit).where(
            (BudgetLimit.staff_id == actor.staff_id)
            | ((BudgetLimit.staff_id.is_(None)) & (BudgetLimit.role == actor.role))
        )
    ).all()
    return rules.budget_for(
        [
            rules.LimitRow(
                role=r.role.value if r.role else None,
                team_id=r.team_id,
                staff_id=r.staff_id,
                limit=rules.BudgetLimit(r.amount_minor, r.currency, r.period),
            )
            for r in rows
        ],
        staff_id=actor.staff_id,
        role=actor.role.value,
        team_id=actor.team_id,
    )


def spent(session: Session, staff_id: int, limit: rules.BudgetLimit, now: datetime | None = None) -> int:
    """What `staff_id` has granted from their budget in the current period."""
    start = rules.period_start(now or clock.now(), limit.period)
    value = session.scalar(
        select(BudgetSpend.spent_minor).where(
            BudgetSpend.staff_id == staff_id, BudgetSpend.period_start == start, BudgetSpend.currency == limit.currency
        )
    )
    return int(value or 0)


def set_budget(
    session: Session,
    actor: Actor,
    limit: rules.BudgetLimit,
    *,
    role: Role | None = None,
    team_id: int | None = None,
    staff_id: int | None = None,
) -> BudgetLimit:
    """Set the budget for a role (in one team, or everywhere) or for one person; replaces the one there was."""
    _require_admin(actor, "set budgets")
    if (staff_id is None) == (role is None):
        raise Invalid("A budget is for one person, or for a role (everywhere or in one team).")
    if staff_id is not None and team_id is not None:
        raise Invalid("A person's own budget applies in every team: leave the team out.")
    Money(limit.amount_minor, limit.currency)  # the same checks as any amount
    if staff_id is not None and session.get(Staff, staff_id) is None:
        raise NotFound(f"There is no staff member #{staff_id}.")
    row = session.scalar(
        select(BudgetLimit).where(
            _is(BudgetLimit.staff_id, staff_id), _is(BudgetLimit.role, role), _is(BudgetLimit.team_id, team_id)
        )
    )
    if row is None:
        row = BudgetLimit(role=role, team_id=team_id, staff_id=staff_id)
        session.add(row)
    row.amount_minor, row.currency, row.period = limit.amount_minor, limit.currency, limit.period
    session.flush()
    return row


def ceiling_of(session: Session, kind: GrantKind, currency: str) -> int | None:
    value = session.scalar(
        select(GrantCeiling.max_minor).where(GrantCeiling.kind == kind, GrantCeiling.currency == currency)
    )
    return int(value) if value is not None else None


def set_ceiling(session: Session, actor: Actor, kind: GrantKind, money: Money) -> GrantCeiling:
    """Policy: no single grant of `kind` above `money`, whoever makes or approves it."""
    _require_admin(actor, "set what policy allows")
    row = session.scalar(select(GrantCeiling).where(GrantCeiling.kind == kind, GrantCeiling.currency == money.currency))
    if row is None:
        row = GrantCeiling(kind=kind, currency=money.currency)
        session.add(row)
    row.max_minor = money.amount_minor
    session.flush()
    return row


# ---------------------------------------------------------------- inside


def _spend(session: Session, staff_id: int, limit: rules.BudgetLimit, money: Money, now: datetime) -> bool:
    """Count `money` against the budget if it fits, in one conditional UPDATE; True when it did."""
    if limit.currency != money.currency:
        return False
    start = rules.period_start(now, limit.period)
    values = {"staff_id": staff_id, "period_start": start, "currency": money.currency, "spent_minor": 0}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(BudgetSpend)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["staff_id", "period_start", "currency"])
    )
    counted = session.execute(
        update(BudgetSpend)
        .where(
            BudgetSpend.staff_id == staff_id,
            BudgetSpend.period_start == start,
            BudgetSpend.currency == money.currency,
            BudgetSpend.spent_minor + money.amount_minor <= limit.amount_minor,
        )
        .values(spent_minor=BudgetSpend.spent_minor + money.amount_minor)
        .execution_options(synchronize_session=False)
    )
    return bool(counted.rowcount)  # type: ignore[attr-defined]


def _period_of_spend(session: Session, grant: Grant) -> datetime | None:
    """The start of the budget period the grant was counted in (the granter's period setting may have changed)."""
    if grant.issued_at is None or grant.requested_by is None:
        return None
    return session.scalar(
        select(BudgetSpend.period_start)
        .where(
            BudgetSpend.staff_id == grant.requested_by,
            BudgetSpend.currency == grant.currency,
            BudgetSpend.period_start <= grant.issued_at,
        )
        .order_by(BudgetSpend.period_start.desc())
        .limit(1)
    )


def _issue(session: Session, actor: StaffActor, case: Case, grant: Grant, now: datetime) -> None:
    """Carry out an approved grant: the second step after the approval, on the record as its own."""
    rules.check_turn(grant.state, GrantState.ISSUED)
    session.flush()  # the approved state is written before it moves on
    grant.state, grant.issued_at = GrantState.ISSUED, now
    _record_issued(session, actor, case, grant, now)


def _record_issued(session: Session, actor: StaffActor, case: Case, grant: Grant, now: datetime) -> None:
    timeline.add_event(
        session,
        case,
        actor,
        events.GrantMade(grant_id=grant.id, **_facts(grant), state="issued"),
        at=now,
        body=customer_words(grant),
    )


def _why_asked(
    session: Session, granter: StaffActor, grant: Grant, limit: rules.BudgetLimit | None, now: datetime
) -> str:
    """Why the granter's budget did not carry the grant, in the words the supervisors read."""
    if limit is None:
        return "no budget is set for them"
    if limit.currency != grant.currency:
        return f"their budget is in {limit.currency}"
    left = max(0, limit.amount_minor - spent(session, granter.staff_id, limit, now))
    return f"{Money(left, limit.currency).words()} left of their budget this {limit.period.value}"


def _ask_supervisors(session: Session, actor: Actor, case: Case, grant: Grant, why: str, now: datetime) -> None:
    asker = actor.staff_id if isinstance(actor, StaffActor) else None
    supervisors = [s.id for s in notifications.supervisors_of(session, team_id=case.team_id) if s.id != asker]
    timeline.add_event(
        session,
        case,
        actor,
        events.GrantReview(grant_id=grant.id, **_facts(grant), verdict="requested", reason=grant.reason, why=why),
        at=now,
    )
    notifications.notify(
        session,
        supervisors,
        kind="grant_requested",
        text=f"#{case.id}: approve a {_words(grant)}? ({why}) — {grant.reason}",
        case_id=case.id,
        data={"grant_id": grant.id},
    )


def customer_words(grant: Grant) -> str:
    """What the customer reads on their timeline when a grant is issued."""
    money = Money(grant.amount_minor, grant.currency).words()
    return {
        GrantKind.REFUND: f"We have refunded {money} to you.",
        GrantKind.CREDIT: f"We have added a credit of {money} to your account.",
        GrantKind.REPLACEMENT: f"We are sending you a replacement (worth {money}) at no cost.",
        GrantKind.VOUCHER: f"We have sent you a voucher worth {money}.",
    }[grant.kind]


def _facts(grant: Grant) -> dict[str, object]:
    return {
        "grant": grant.kind.value,
        "purpose": grant.purpose.value,
        "amount_minor": grant.amount_minor,
        "currency": grant.currency,
    }


def _words(grant: Grant) -> str:
    return f"{grant.purpose.value} {grant.kind.value} of {Money(grant.amount_minor, grant.currency).words()}"


def _grant(session: Session, grant_id: int, *, for_update: bool) -> Grant:
    grant = session.get(Grant, grant_id, with_for_update=for_update)
    if grant is None:
        raise NotFound(f"There is no grant #{grant_id}.")
    return grant


def _check_reviewer(actor: Actor, case: Case) -> None:
    """Supervisors of the case's team answer for its grants; admins for any."""
    if not isinstance(actor, StaffActor) or not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("Only a supervisor may approve, decline or reverse a grant.")
    if actor.role is Role.SUPERVISOR and case.team_id is not None and actor.team_id not in (None, case.team_id):
        raise Forbidden("Only a supervisor of the case's team (or an admin) may answer for its grants.")


def _require_admin(actor: Actor, what: str) -> None:
    if not isinstance(actor, StaffActor) or not actor.at_least(Role.ADMIN):
        raise Forbidden(f"Only an admin may {what}.")


def _is(column: InstrumentedAttribute[Any], value: object) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value
