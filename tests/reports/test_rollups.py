"""The rolled-up figures equal the same figures recomputed directly from every row, on both databases."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.callbacks.models import Callback, CallbackState
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.repeats.models import RepeatContact
from sameside.cases.rules import EntryKind, EventType
from sameside.cases.service_levels.models import ServiceTarget
from sameside.cases.signals import sentiment
from sameside.consults.models import Consult
from sameside.grants.models import Grant
from sameside.grants.rules import GrantState, Purpose
from sameside.kit import clock
from sameside.reports import queries, rules, service
from sameside.surveys.models import Survey
from tests.factories import Factory
from tests.reports.support import history

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _in(at: datetime | None, since: datetime, until: datetime) -> bool:
    return at is not None and since <= at < until


def _nearest_rank(values: list[int], q: float) -> int | None:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1] if ordered else None


def _rows(session: Session, query: Any) -> list[Any]:
    """Rows judged one by one below, loosely typed: a recomputation, not product code."""
    return list(session.scalars(query))


def _direct(make: Factory, since: datetime, until: datetime, team_id: int | None) -> dict[str, object]:
    """Every figure the long way: each row read and judged on its own, no rollup."""

    def mine(team: int | None) -> bool:
        return team_id is None or (team or 0) == team_id

    with make.db.unit_of_work(write=False) as s:
        cases = {c.id: c for c in _rows(s, select(Case))}
        ours = {i for i, c in cases.items() if mine(c.team_id)}
        waits = [
            rules.bucket((c.first_human_reply_at - c.created_at).total_seconds() / 60)
            for c in cases.values()
            if c.id in ours and _in(c.first_human_reply_at, since, until)
        ]
        tiers: dict[str, list[int]] = {}
        for c in cases.values():
            if c.id in ours and _in(c.first_human_reply_at, since, until):
                tiers.setdefault(str(c.customer_tier), []).append(
                    rules.bucket((c.first_human_reply_at - c.created_at).total_seconds() / 60)
                )
        resolved = [c for c in cases.values() if c.id in ours and _in(c.resolved_at, since, until)]
        first_time = sum(1 for c in resolved if c.came_back_at is None and NOW - c.resolved_at >= timedelta(days=7))
        came_back = sum(1 for c in resolved if c.came_back_at is not None)
        opened = [c for c in cases.values() if c.id in ours and _in(c.created_at, since, until)]
        repeats = {r.case_id for r in _rows(s, select(RepeatContact))}
        events = list(_rows(s, select(TimelineEntry).where(TimelineEntry.kind == EntryKind.EVENT)))
        resolved_ids = {c.id for c in resolved}
        transfers = sum(1 for e in events if e.case_id in resolved_ids and e.event == EventType.TRANSFERRED)
        restated = sum(1 for e in events if e.case_id in resolved_ids and e.event == EventType.RESTATEMENT_DETECTED)
        consults = [
            c
            for c in _rows(s, select(Consult))
            if c.case_id in ours and _in(c.due_at, since, until) and (c.answered_at is not None or c.due_at <= NOW)
        ]
        callbacks = [
            c
            for c in _rows(s, select(Callback))
            if c.case_id in ours
            and _in(c.starts_at, since, until)
            and c.state in (CallbackState.DONE, CallbackState.MISSED)
        ]
        surveys = list(_rows(s, select(Survey)))
        sent = [v for v in surveys if mine(v.team_id) and _in(v.sent_at, since, until)]
        again = sum(
            1
            for v in sent
            if any(
                o.customer_id == v.customer_id and o.sent_at and v.sent_at - timedelta(days=30) <= o.sent_at < v.sent_at
                for o in surveys
            )
        )
        answered = [v for v in surveys if mine(v.team_id) and _in(v.answered_at, since, until) and v.score]
        spend: dict[str, list[int]] = {}
        for g in _rows(s, select(Grant)):
            if g.case_id in ours and g.state == GrantState.ISSUED and _in(g.issued_at, since, until):
                spend.setdefault(g.currency, [0, 0])[0 if g.purpose == Purpose.REMEDY else 1] += g.amount_minor
        firsts: dict[int, str] = {}
        for m in s.scalars(
            select(TimelineEntry).where(TimelineEntry.kind == EntryKind.MESSAGE).order_by(TimelineEntry.id)
        ):
            if m.direction == "inbound" and not m.is_automatic:
                firsts.setdefault(m.case_id, m.body or "")
        toned = [c for c in resolved if c.sentiment is not None and c.id in firsts]
        targets = list(_rows(s, select(ServiceTarget)))
        met = sum(
            1 for t in targets if mine(t.team_id) and t.met and t.breached_at is None and _in(t.ended_at, since, until)
        )
        missed = sum(1 for t in targets if mine(t.team_id) and _in(t.breached_at, since, until))
        p90s = {t: _nearest_rank(w, 0.9) for t, w in tiers.items() if len(w) >= rules.MIN_TIER_SAMPLES}
        return {
            "reply_p50_minutes": _nearest_rank(waits, 0.5),
            "reply_p90_minutes": _nearest_rank(waits, 0.9),
            "first_contact_resolution": first_time / (first_time + came_back) if first_time + came_back else None,
            "repeat_rate": sum(1 for c in opened if c.id in repeats) / len(opened) if opened else None,
            "transfers_per_case": transfers / len(resolved) if resolved else None,
            "restatements_per_transfer": restated / transfers if transfers else None,
            "consult_on_time": (
                sum(1 for c in consults if c.answered_at and c.answered_at <= c.due_at) / len(consults)
                if consults
                else None
            ),
            "callback_on_time": (
                sum(1 for c in callbacks if c.state == CallbackState.DONE) / len(callbacks) if callbacks else None
            ),
            "tier_p90_minutes": p90s,
            "surveys_per_customer": len(sent) / (len(sent) - again) if len(sent) > again else None,
            "csat": sum(1 for v in answered if v.score >= 4) / len(answered) if answered else None,
            "spend": sorted((c, r, g) for c, (r, g) in spend.items()),
            "first_tone": sum(sentiment.tone([firsts[c.id]]) for c in toned) / len(toned) if toned else None,
            "last_tone": sum(c.sentiment for c in toned) / len(toned) if toned else None,
            "service_level": met / (met + missed) if met + missed else None,
        }


def _rolled(make: Factory, first: datetime, last: datetime, team_id: int | None) -> dict[str, object]:
    with make.db.unit_of_work(write=False) as s:
        facts = rules.total(queries.period(s, first.date(), last.date(), team_id).values())
    f = rules.figures(facts)
    out = {name: getattr(f, name) for name in _FIGURES}
    out["spend"] = sorted((x.currency, x.remedy_minor, x.goodwill_minor) for x in f.spend)
    return out


_FIGURES = [
    "reply_p50_minutes",
    "reply_p90_minutes",
    "first_contact_resolution",
    "repeat_rate",
    "transfers_per_case",
    "restatements_per_transfer",
    "consult_on_time",
    "callback_on_time",
    "tier_p90_minutes",
    "surveys_per_customer",
    "csat",
    "first_tone",
    "last_tone",
    "service_level",
]


def _same(rolled: dict[str, object], direct: dict[str, object]) -> None:
    for name, value in direct.items():
        got = rolled[name]
        if isinstance(value, float):
            assert got is not None and abs(got - value) < 1e-9, (name, got, value)  # type: ignore[operator]
        else:
            assert got == value, (name, got, value)


def test_the_rolled_up_figures_are_the_figures_counted_row_by_row(make: Factory) -> None:
    history(make, NOW)
    with clock.frozen(NOW), make.db.unit_of_work() as s:
        built = service.roll_up(s, NOW)
    assert built >= 20  # every day since the first case, today included
    with make.db.unit_of_work(write=False) as s:
        teams = sorted({t for (t,) in s.execute(select(Case.team_id).distinct())}, key=lambda t: t or 0)
    today = datetime(NOW.year, NOW.month, NOW.day, tzinfo=UTC)
    for days in (7, 14, 30):
        first = today - timedelta(days=days - 1)
        for team_id in (None, *[t or 0 for t in teams]):
            direct = _direct(make, first, today + timedelta(days=1), team_id)
            _same(_rolled(make, first, today, team_id), direct)
    # Something was counted for each figure: a rollup of zeros would agree with an empty recomputation.
    whole = _direct(make, today - timedelta(days=29), today + timedelta(days=1), None)
    assert all(value not in (None, [], {}) for value in whole.values()), whole


def test_a_rolled_up_day_is_built_again_until_it_settles_then_left(make: Factory) -> None:
    history(make, NOW, cases=20, days=3)
    with make.db.unit_of_work() as s:
        assert service.roll_up(s, NOW) == 4
        assert service.roll_up(s, NOW) == 0
        # A minute later only today is read again; a quarter of an hour later the unsettled days too.
        assert queries.stale_days(s, NOW + timedelta(minutes=1)) == [NOW.date()]
        assert len(queries.stale_days(s, NOW + timedelta(minutes=15))) == 4
        # Built again twelve days on, the four days are final: never read again.
        later = NOW + timedelta(days=12)
        service.roll_up(s, later)
        stale = queries.stale_days(s, later + timedelta(days=1))
        assert stale and all(d > NOW.date() for d in stale)
