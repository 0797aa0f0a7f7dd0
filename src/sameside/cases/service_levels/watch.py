"""The worker's watch: tell the owner and the team's supervisors before a target falls due, record each breach.

Both happen once per target: a target is marked when warned (`warned_at`)
and when breached (`breached_at`), so a round reads only targets that have
newly come near or gone past their due time — one index range each
(`ix_service_targets_warn`, `ix_service_targets_breach`), usually empty.
Locked with SKIP LOCKED on PostgreSQL so two workers never tell twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases.models import Case
from sameside.cases.service_levels import rules
from sameside.cases.service_levels.models import ServiceTarget
from sameside.cases.service_levels.rules import TargetKind
from sameside.kit import clock
from sameside.kit.actors import SystemActor
from sameside.kit.events import publish
from sameside.staff import notifications

WATCHER = SystemActor("service levels")
_warn_before = timedelta(minutes=30)


def configure(*, warn_minutes: int) -> None:
    """How long before a due time the owner and supervisors are warned (`wiring`, from settings)."""
    global _warn_before
    _warn_before = timedelta(minutes=warn_minutes)


def watch(session: Session, now: datetime | None = None, *, batch: int = 200) -> int:
    """One round: warnings for targets due within the warning time, breaches for those past due; returns how many."""
    now = now or clock.now()
    done = 0
    while True:
        coming = session.scalars(
            select(ServiceTarget)
            .where(ServiceTarget.warned_at.is_(None), ServiceTarget.due_at <= now + _warn_before)
            .order_by(ServiceTarget.due_at, ServiceTarget.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        done += _warn(session, coming, now)
        if len(coming) < batch:
            break
    while True:
        late = session.scalars(
            select(ServiceTarget)
            .where(ServiceTarget.breached_at.is_(None), ServiceTarget.due_at <= now)
            .order_by(ServiceTarget.due_at, ServiceTarget.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        done += _breach(session, late, now)
        if len(late) < batch:
            return done


def _cases(session: Session, targets: Sequence[ServiceTarget]) -> dict[int, Case]:
    ids = {t.case_id for t in targets}
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))} if ids else {}


def _told(session: Session, case: Case) -> list[int | None]:
    supervisors = notifications.supervisors_of(session, team_id=case.team_id) if case.team_id else []
    return [case.owner_id, *(s.id for s in supervisors)]


def _warn(session: Session, targets: Sequence[ServiceTarget], now: datetime) -> int:
    cases = _cases(session, targets)
    for target in targets:
        target.warned_at = now
        case = cases[target.case_id]
        if target.due_at is None or target.due_at <= now:
            continue  # already late when first seen: the breach says it
        words = rules.KIND_WORDS[TargetKind(target.kind)]
        label = rules.due_words(target.due_at, now)
        notifications.notify(
            session,
            _told(session, case),
            kind="service_level_due",
            text=f"#{case.id}: the {words} is {label.text if label else 'due'} — “{case.subject[:120]}”",
            case_id=case.id,
            data={"target": target.kind.value, "due_at": target.due_at.isoformat()},
        )
    session.flush()
    return len(targets)


def _breach(session: Session, targets: Sequence[ServiceTarget], now: datetime) -> int:
    cases = _cases(session, targets)
    for target in targets:
        assert target.due_at is not None
        target.breached_at = target.due_at
        target.warned_at = target.warned_at or now
        case = cases[target.case_id]
        words = rules.KIND_WORDS[TargetKind(target.kind)]
        timeline.add_event(
            session,
            case,
            WATCHER,
            events.ServiceLevelBreached(
                target=target.kind.value, due_at=target.due_at, target_minutes=target.target_minutes
            ),
            at=now,
        )
        notifications.notify(
            session,
            _told(session, case),
            kind="service_level_missed",
            text=f"#{case.id}: the {words} was due {target.due_at:%d %b %H:%M} UTC and is overdue"
            f" — “{case.subject[:120]}”",
            case_id=case.id,
            data={"target": target.kind.value, "due_at": target.due_at.isoformat()},
        )
        publish(session.info, "case.note", case_id=case.id)
    session.flush()
    return len(targets)
