"""Keeping a case's service-level clocks, and editing a team's policy. Never commits.

`track` is called by the case verbs in the same transaction as every change
that moves a clock — a case opened, the customer writing, a person replying,
its status, priority or team changing — so `cases.due_at` is always true
when the change commits. The targets come from the case's team's policy, or
the defaults (`configure`) when the team has none. A policy, the business's
hours or holidays edited later retime the open cases they govern: the edit
enqueues `retime` in its own transaction, and the worker moves every open
clock in batches (`tasks.RETIME`), each from the time it has used so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.business import service as business
from sameside.business.rules import Business
from sameside.cases.models import Case
from sameside.cases.rules import Priority
from sameside.cases.service_levels import rules
from sameside.cases.service_levels.models import ServiceCalendar, ServicePolicy, ServiceTarget
from sameside.cases.service_levels.rules import Calendar, Clock, Happened, TargetKind, Targets
from sameside.jobs.service import enqueue
from sameside.kit import clock, hours
from sameside.kit.actors import Actor
from sameside.kit.hours import parse_hours
from sameside.staff.models import Team
from sameside.staff.rules import require_admin, require_team_lead


@dataclass(frozen=True)
class Defaults:
    """What a team without a policy of its own runs by (from settings: `reply_target_hours`, business hours)."""

    targets: dict[Priority, Targets] = field(default_factory=lambda: rules.default_targets(8))
    calendar: Calendar = field(
        default_factory=lambda: _calendar_from_spec("Mon-Fri 09:00-17:00", "UTC"),
    )


def _calendar_from_spec(spec: str, zone: str) -> Calendar:
    hours = parse_hours(spec, zone)
    return Calendar(hours.zone, {day: tuple(sorted(ranges)) for day, ranges in hours.ranges.items()})


_defaults = Defaults()


def configure(*, reply_target_hours: float, business_hours: str, business_timezone: str) -> None:
    """Set the defaults from settings (`wiring` does, at start-up)."""
    global _defaults
    _defaults = Defaults(
        rules.default_targets(reply_target_hours), _calendar_from_spec(business_hours, business_timezone)
    )


def defaults() -> Defaults:
    return _defaults


_from_business: tuple[Business, Defaults] | None = None


def defaults_for(session: Session) -> Defaults:
    """The defaults as the business's settings say now: hours, holidays and the reply target (`business`)."""
    global _from_business
    now = business.current(session)
    kept = _from_business
    if kept is not None and kept[0] is now:
        return kept[1]
    made = Defaults(
        stored_targets(now) or rules.default_targets(now.reply_target_hours),
        Calendar(
            now.hours.zone,
            {day: tuple(sorted(ranges)) for day, ranges in now.hours.ranges.items()},
            now.hours.holidays,
        ),
    )
    _from_business = (now, made)
    return made


def stored_targets(now: Business) -> dict[Priority, Targets] | None:
    """The business's default policy as stored (a priority it left out keeps the derived targets)."""
    if not now.service_targets:
        return None
    derived = rules.default_targets(now.reply_target_hours)
    return {
        p: Targets(*now.service_targets[p.value]) if p.value in now.service_targets else derived[p] for p in Priority
    }


def set_default_targets(session: Session, actor: Actor, targets: dict[Priority, Targets] | None) -> Defaults:
    """The policy every team without targets of its own runs by (admins); None derives it from the reply target
    again. Each bad value is refused with its reason; the open cases are retimed to it (`retime_soon`)."""
    require_admin(actor)
    stored: dict[str, list[int]] | None = None
    if targets is not None:
        stored = {}
        for priority, wanted in targets.items():
            for kind in TargetKind:
                rules.check_minutes(wanted.minutes(kind), f"The {priority.value} {rules.KIND_WORDS[kind]} target")
            stored[priority.value] = [wanted.first_reply, wanted.next_reply, wanted.resolution]
    business.save_service_targets(session, actor, stored)
    return defaults_for(session)


# ---------------------------------------------------------------- a team's policy


@dataclass(frozen=True)
class Policy:
    """A team's service levels as they apply: its own, or the defaults where it has none (`own` says)."""

    team_id: int
    calendar: Calendar
    targets: dict[Priority, Targets]
    own_calendar: bool
    own_targets: bool


def policy_for(session: Session, team_id: int | None) -> Policy:
    base = defaults_for(session)
    if team_id is None:
        return Policy(0, base.calendar, dict(base.targets), own_calendar=False, own_targets=False)
    stored = session.get(ServiceCalendar, team_id)
    rows = session.scalars(select(ServicePolicy).where(ServicePolicy.team_id == team_id)).all()
    targets = dict(base.targets)
    for row in rows:
        targets[row.priority] = Targets(row.first_reply_minutes, row.next_reply_minutes, row.resolution_minutes)
    return Policy(
        team_id,
        calendar_of(stored) if stored is not None else base.calendar,
        targets,
        own_calendar=stored is not None,
        own_targets=bool(rows),
    )


def calendar_of(row: ServiceCalendar) -> Calendar:
    return Calendar(
        hours.zone_of(row.timezone),
        hours.parse_week(row.week),
        rules.parse_holidays(list(row.holidays or [])),
    )


def set_policy(
    session: Session,
    actor: Actor,
    team: Team,
    *,
    timezone: str | None,
    week: dict[str, list[list[str]]] | None,
    holidays: Sequence[str | date],
    targets: dict[Priority, Targets] | None,
) -> Policy:
    """Replace a team's calendar and targets (an admin, or a supervisor of the team); every bad value is refused.

    A `week` of None: the team follows the business's hours and holidays (its own are dropped); `targets` of
    None: it runs by the business's default policy. Either way it follows later changes to those too."""
    require_team_lead(actor, team.id)
    now = clock.now()
    existing = {p.priority: p for p in session.scalars(select(ServicePolicy).where(ServicePolicy.team_id == team.id))}
    if targets is not None:
        for priority, wanted in targets.items():
            for kind in TargetKind:
                rules.check_minutes(wanted.minutes(kind), f"The {priority.value} {rules.KIND_WORDS[kind]} target")
    row = session.get(ServiceCalendar, team.id)
    if week is None:
        if row is not None:
            session.delete(row)
    else:
        zone = hours.zone_of((timezone or "").strip())
        parsed_week = hours.parse_week(week)
        days = rules.parse_holidays(list(holidays))  # type: ignore[arg-type]
        if row is None:
            row = ServiceCalendar(team_id=team.id)
            session.add(row)
        row.timezone = zone.key
        row.week = hours.week_out(parsed_week)
        row.holidays = sorted(d.isoformat() for d in days)
        row.updated_at = now
    if targets is None:
        for stale in existing.values():
            session.delete(stale)
        targets = {}
    for priority, wanted in targets.items():
        kept = existing.get(priority)
        if kept is None:
            kept = ServicePolicy(team_id=team.id, priority=priority)
            session.add(kept)
        policy = kept
        policy.first_reply_minutes = wanted.first_reply
        policy.next_reply_minutes = wanted.next_reply
        policy.resolution_minutes = wanted.resolution
        policy.updated_at = now
    session.flush()
    retime_soon(session, team.id)
    return policy_for(session, team.id)


# ---------------------------------------------------------------- retiming after an edit

RETIME = "service_levels.retime"
"""The job that moves open cases' clocks after an edit (`tasks.retime_open_cases`)."""
RETIME_BATCH = 200


def retime_soon(session: Session, team_id: int | None = None) -> None:
    """After a policy or the business's hours change: have the worker retime the open cases (one team's, or
    all), in the same transaction as the edit — so no open case keeps a due time the edit has made wrong."""
    if team_id is None:
        enqueue(session, RETIME)
    else:
        enqueue(session, RETIME, team_id=team_id)


def retime(session: Session, *, team_id: int | None, after: int = 0, limit: int = RETIME_BATCH) -> int | None:
    """Move the clocks of one batch of open cases with running targets (of `team_id`, or every team) to the
    policy as it is now; returns the last case number done when there may be more, else None."""
    open_cases = (
        select(Case)
        .where(
            Case.id > after,
            Case.id.in_(select(ServiceTarget.case_id).where(ServiceTarget.ended_at.is_(None))),
        )
        .order_by(Case.id)
        .limit(limit)
    )
    if team_id is not None:
        open_cases = open_cases.where(Case.team_id == team_id)
    batch = session.scalars(open_cases.with_for_update(skip_locked=True)).all()
    now = clock.now()
    for case in batch:
        track(session, case, happened=Happened.CHANGED, now=now)
    session.flush()
    return batch[-1].id if len(batch) == limit else None


# ---------------------------------------------------------------- a case's clocks


def track(session: Session, case: Case, *, happened: Happened = Happened.CHANGED, now: datetime | None = None) -> None:
    """Move the case's clocks for what just happened, and store its next due time on it.

    Call after the change (the case's status, team and priority as they are
    now). Cheap when nothing moves: one indexed read of the case's pending
    targets and its team's policy.
    """
    now = now or clock.now()
    pending = list(
        session.scalars(
            select(ServiceTarget).where(ServiceTarget.case_id == case.id, ServiceTarget.ended_at.is_(None))
        ).all()
    )
    policy = policy_for(session, case.team_id)
    policy = replace(policy, calendar=_closing_business_holidays(session, policy.calendar))
    calendars: dict[int | None, Calendar] = {case.team_id: policy.calendar}
    decided = rules.moves(
        case.status,
        first_replied=case.first_human_reply_at is not None,
        happened=happened,
        pending=frozenset(t.kind for t in pending),
    )
    targets = policy.targets.get(case.priority) or defaults_for(session).targets[case.priority]
    dues: dict[TargetKind, datetime | None] = {}
    for target in pending:
        if target.team_id != case.team_id:
            calendar = calendars.get(target.team_id) or _calendar_for_team(session, target.team_id)
            _stop(target, calendar, now)  # the time so far counts by the old team's calendar
            target.team_id = case.team_id
        calendar = policy.calendar
        if target.kind in decided.met or target.kind in decided.void:
            _end(target, calendar, now, met=target.kind in decided.met)
            continue
        target.target_minutes = targets.minutes(target.kind)
        _run(target, calendar, now, running=decided.running)
        dues[target.kind] = target.due_at
    for kind in decided.start:
        target = ServiceTarget(
            case_id=case.id,
            team_id=case.team_id,
            kind=kind,
            target_minutes=targets.minutes(kind),
            used_minutes=0.0,
            started_at=now,
        )
        _run(target, policy.calendar, now, running=decided.running)
        session.add(target)
        dues[kind] = target.due_at
    upcoming = rules.next_due(dues)
    case.due_at = upcoming.due_at if upcoming else None
    case.due_kind = upcoming.kind.value if upcoming else None


def _clock(target: ServiceTarget) -> Clock:
    return Clock(target.kind, target.target_minutes, target.used_minutes or 0.0, target.running_since)


def _store(target: ServiceTarget, moved: Clock) -> None:
    target.used_minutes = moved.used_minutes
    target.running_since = moved.running_since


def _stop(target: ServiceTarget, calendar: Calendar, now: datetime) -> None:
    _store(target, _clock(target).paused(calendar, now))


def _run(target: ServiceTarget, calendar: Calendar, now: datetime, *, running: bool) -> None:
    current = _clock(target)
    # Restarted from now each time it runs, so a changed target or calendar counts from here on.
    moved = current.paused(calendar, now)
    if running:
        moved = moved.resumed(now)
    _store(target, moved)
    target.due_at = moved.due(calendar)


def _end(target: ServiceTarget, calendar: Calendar, now: datetime, *, met: bool) -> None:
    current = _clock(target)
    if target.breached_at is None and current.missed(calendar, now):
        # Ended late, and the worker had not yet seen it: the breach is a fact all the same.
        target.breached_at = target.due_at or now
    _store(target, current.paused(calendar, now))
    target.ended_at = now
    target.met = met
    target.due_at = None


def _calendar_for_team(session: Session, team_id: int | None) -> Calendar:
    return _closing_business_holidays(session, policy_for(session, team_id).calendar)


def _closing_business_holidays(session: Session, calendar: Calendar) -> Calendar:
    """A team's own calendar keeps its holidays; the business's close every team's clocks too."""
    closed = defaults_for(session).calendar.holidays
    if closed <= calendar.holidays:
        return calendar
    return Calendar(calendar.zone, calendar.week, calendar.holidays | closed)
