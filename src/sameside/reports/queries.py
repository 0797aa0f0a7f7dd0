"""Reads for the headline figures: a day's facts from the source tables (for the rollup), and a period's rollups.

`day_facts` is the one place that reads cases, consults, callbacks, surveys,
grants and service targets for the figures; it runs for one UTC day at a
time, each read a range on an index of the time the fact happened, so its
cost is the day's activity, never the size of the desk. The reports page
and the API read only `report_days` (`period`): at most a row per team and
day, whatever the number of cases.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from sameside.callbacks.models import Callback, CallbackState
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.repeats.models import RepeatContact
from sameside.cases.repeats.rules import WINDOW as REPEAT_WINDOW
from sameside.cases.rules import EntryKind, EventType
from sameside.cases.service_levels.queries import attainment
from sameside.cases.signals import sentiment
from sameside.consults.models import Consult
from sameside.grants.models import Grant
from sameside.grants.rules import GrantState, Purpose
from sameside.reports import rules
from sameside.reports.models import NO_TEAM, ReportDay, ReportDayBuilt
from sameside.surveys.models import Survey

HISTORY_DAYS = 400
"""How far back the rollup goes: the longest period shown is 90 days; a year more for trends to come."""
CHUNK = 500


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _team(team_id: int | None) -> int:
    return NO_TEAM if team_id is None else int(team_id)


def day_facts(session: Session, day: date, now: datetime) -> dict[int, rules.Facts]:
    """What happened on `day` (UTC) to each team's cases, read from the source tables. Facts still to
    come (a consult due later today) are not counted yet; `now` decides which resolutions have settled."""
    start = day_start(day)
    end = start + timedelta(days=1)
    out: dict[int, rules.Facts] = {}

    def of(team_id: int | None) -> rules.Facts:
        return out.setdefault(_team(team_id), rules.Facts())

    for team_id, tier, created, replied in session.execute(
        select(Case.team_id, Case.customer_tier, Case.created_at, Case.first_human_reply_at).where(
            Case.first_human_reply_at >= start, Case.first_human_reply_at < end
        )
    ):
        if replied is None:
            continue
        waited = rules.bucket((replied - created).total_seconds() / 60)
        histogram = of(team_id).first_replies.setdefault(str(tier), {})
        histogram[waited] = histogram.get(waited, 0) + 1

    settled = now - REPEAT_WINDOW
    for team_id, resolved, first_time, came_back in session.execute(
        select(
            Case.team_id,
            func.count(),
            func.sum(case((and_(Case.came_back_at.is_(None), Case.resolved_at <= settled), 1), else_=0)),
            func.sum(case((Case.came_back_at.is_not(None), 1), else_=0)),
        )
        .where(Case.resolved_at >= start, Case.resolved_at < end)
        .group_by(Case.team_id)
    ):
        f = of(team_id)
        f.resolved, f.first_time, f.came_back = int(resolved), int(first_time or 0), int(came_back or 0)

    for team_id, opened, repeated in session.execute(
        select(Case.team_id, func.count(Case.id), func.count(RepeatContact.case_id))
        .select_from(Case)
        .outerjoin(RepeatContact, RepeatContact.case_id == Case.id)
        .where(Case.created_at >= start, Case.created_at < end)
        .group_by(Case.team_id)
    ):
        f = of(team_id)
        f.opened, f.repeats = int(opened), int(repeated or 0)

    for team_id, event, n in session.execute(
        select(Case.team_id, TimelineEntry.event, func.count())
        .select_from(Case)
        .join(TimelineEntry, TimelineEntry.case_id == Case.id)
        .where(
            Case.resolved_at >= start,
            Case.resolved_at < end,
            TimelineEntry.event.in_((EventType.TRANSFERRED, EventType.RESTATEMENT_DETECTED)),
        )
        .group_by(Case.team_id, TimelineEntry.event)
    ):
        f = of(team_id)
        if event == EventType.TRANSFERRED:
            f.transfers = int(n)
        else:
            f.restatements = int(n)

    on_time = and_(Consult.answered_at.is_not(None), Consult.answered_at <= Consult.due_at)
    for team_id, department_id, due, in_time in session.execute(
        select(Case.team_id, Consult.department_id, func.count(), func.sum(case((on_time, 1), else_=0)))
        .join(Case, Case.id == Consult.case_id)
        .where(
            Consult.due_at >= start,
            Consult.due_at < end,
            or_(Consult.answered_at.is_not(None), Consult.due_at <= now),
        )
        .group_by(Case.team_id, Consult.department_id)
    ):
        of(team_id).consults[int(department_id)] = [int(due), int(in_time or 0)]

    for team_id, due, done in session.execute(
        select(Case.team_id, func.count(), func.sum(case((Callback.state == CallbackState.DONE, 1), else_=0)))
        .join(Case, Case.id == Callback.case_id)
        .where(
            Callback.starts_at >= start,
            Callback.starts_at < end,
            Callback.state.in_((CallbackState.DONE, CallbackState.MISSED)),
        )
        .group_by(Case.team_id)
    ):
        f = of(team_id)
        f.callbacks_due, f.callbacks_on_time = int(due), int(done or 0)

    _surveys(session, start, end, of)

    for team_id, answers, satisfied, score_sum in session.execute(
        select(
            Survey.team_id,
            func.count(),
            func.sum(case((Survey.score >= rules.SATISFIED_FROM, 1), else_=0)),
            func.sum(Survey.score),
        )
        .where(Survey.answered_at >= start, Survey.answered_at < end, Survey.score.is_not(None))
        .group_by(Survey.team_id)
    ):
        f = of(team_id)
        f.answers, f.satisfied, f.score_sum = int(answers), int(satisfied or 0), int(score_sum or 0)

    for team_id, currency, purpose, amount in session.execute(
        select(Case.team_id, Grant.currency, Grant.purpose, func.sum(Grant.amount_minor))
        .join(Case, Case.id == Grant.case_id)
        .where(Grant.issued_at >= start, Grant.issued_at < end, Grant.state == GrantState.ISSUED)
        .group_by(Case.team_id, Grant.currency, Grant.purpose)
    ):
        pair = of(team_id).spend.setdefault(str(currency), [0, 0])
        pair[0 if purpose == Purpose.REMEDY else 1] += int(amount or 0)

    _tones(session, start, end, of)

    for line in attainment(session, since=start, until=end):
        f = of(line.team_id)
        f.targets_met += line.met
        f.targets_missed += line.missed
    return out


def _surveys(session: Session, start: datetime, end: datetime, of: Any) -> None:
    """Surveys sent on the day, and how many went to someone already sent one in the 30 days before."""
    window = timedelta(days=rules.SURVEY_WINDOW_DAYS)
    earlier: dict[int, list[datetime]] = {}
    today: list[tuple[int | None, int, datetime]] = []
    for team_id, customer_id, sent_at in session.execute(
        select(Survey.team_id, Survey.customer_id, Survey.sent_at)
        .where(Survey.sent_at >= start - window, Survey.sent_at < end)
        .order_by(Survey.sent_at)
    ):
        if sent_at is None:
            continue
        earlier.setdefault(customer_id, []).append(sent_at)
        if sent_at >= start:
            today.append((team_id, customer_id, sent_at))
    for team_id, customer_id, sent_at in today:
        f = of(team_id)
        f.surveys_sent += 1
        if any(sent_at - window <= t < sent_at for t in earlier[customer_id]):
            f.surveys_again += 1


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _tones(session: Session, start: datetime, end: datetime, of: Any) -> None:
    """Each case resolved on the day: the tone of the customer's first message beside their latest's."""
    last = {
        case_id: (team_id, tone)
        for case_id, team_id, tone in session.execute(
            select(Case.id, Case.team_id, Case.sentiment).where(
                Case.resolved_at >= start, Case.resolved_at < end, Case.sentiment.is_not(None)
            )
        )
    }
    ids = sorted(last)
    for chunk in _chunks(ids):
        firsts = (
            select(func.min(TimelineEntry.id))
            .where(
                TimelineEntry.case_id.in_(chunk),
                TimelineEntry.kind == EntryKind.MESSAGE,
                TimelineEntry.direction == "inbound",
                TimelineEntry.is_automatic.is_(False),
            )
            .group_by(TimelineEntry.case_id)
        )
        for case_id, body in session.execute(
            select(TimelineEntry.case_id, TimelineEntry.body).where(TimelineEntry.id.in_(firsts))
        ):
            team_id, tone = last[case_id]
            f = of(team_id)
            f.toned += 1
            f.first_tone_sum += sentiment.tone([body or ""])
            f.last_tone_sum += float(tone or 0.0)


# ---------------------------------------------------------------- the rollups


def first_day(session: Session, today: date) -> date:
    """The oldest day worth rolling up: the first case's, at most `HISTORY_DAYS` back."""
    oldest = session.scalar(select(func.min(Case.created_at)))  # one seek on ix_cases_created_at
    floor = today - timedelta(days=HISTORY_DAYS)
    return max(floor, oldest.date()) if oldest is not None else today


def built(session: Session, first: date, last: date) -> dict[date, datetime]:
    rows = session.execute(
        select(ReportDayBuilt.day, ReportDayBuilt.built_at).where(
            ReportDayBuilt.day >= first, ReportDayBuilt.day <= last
        )
    )
    return {day: at for day, at in rows}  # noqa: C416 (rows are Row objects)


def stale_days(session: Session, now: datetime) -> list[date]:
    """The days to roll up (again), oldest first; today last of all."""
    today = now.date()
    first = first_day(session, today)
    done = built(session, first, today)
    days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
    return [d for d in days if rules.stale(d, done.get(d), now)]


def period(session: Session, first: date, last: date, team_id: int | None = None) -> dict[date, rules.Facts]:
    """The rolled-up facts of each day in [first, last], summed over teams (or of one team; 0: no team)."""
    query = select(ReportDay).where(ReportDay.day >= first, ReportDay.day <= last)
    if team_id is not None:
        query = query.where(ReportDay.team_id == team_id)
    out: dict[date, rules.Facts] = {}
    for row in session.scalars(query):
        out.setdefault(row.day, rules.Facts()).add(as_facts(row))
    return out


def last_built(session: Session) -> datetime | None:
    return session.scalar(select(func.max(ReportDayBuilt.built_at)))


def as_facts(row: ReportDay) -> rules.Facts:
    return rules.Facts(
        first_replies={t: {int(k): int(v) for k, v in h.items()} for t, h in (row.first_replies or {}).items()},
        consults={int(k): [int(v[0]), int(v[1])] for k, v in (row.consults or {}).items()},
        spend={str(k): [int(v[0]), int(v[1])] for k, v in (row.spend or {}).items()},
        **{name: getattr(row, name) for name in rules.COUNTS},
    )


# ---------------------------------------------------------------- a period, for the page and the API


@dataclass(frozen=True)
class Point:
    first: date
    last: date
    figures: rules.Figures


@dataclass(frozen=True)
class Headline:
    """The headline figures of the `days` up to and including `last` (UTC), and their trend."""

    first: date
    last: date
    team_id: int | None
    figures: rules.Figures
    trend: tuple[Point, ...]
    as_of: datetime | None
    """When the newest rollup was read from the cases: the figures are as of then."""


def headline(session: Session, *, days: int, today: date, team_id: int | None = None) -> Headline:
    """Read at most a row per team and day: the cost is the period's length, never the number of cases."""
    first = today - timedelta(days=days - 1)
    by_day = period(session, first, today, team_id)
    trend = tuple(
        Point(a, b, rules.figures(rules.total(f for d, f in by_day.items() if a <= d <= b)))
        for a, b in rules.steps(first, today, days=days)
    )
    return Headline(
        first=first,
        last=today,
        team_id=team_id,
        figures=rules.figures(rules.total(by_day.values())),
        trend=trend,
        as_of=last_built(session),
    )
