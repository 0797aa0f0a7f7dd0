"""Reading the coach: the rules in force (built-in, less those switched off, and a team's own), each rule as the
rules page lists it, and per rule how often its advice was shown and taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sameside.coach import builtin, rules
from sameside.coach.models import AdviceEvent, CoachRule
from sameside.coach.rules import Advice, Kind, Outcome, Rule
from sameside.kit.actors import StaffActor
from sameside.kit.errors import NotFound


@dataclass(frozen=True)
class RuleView:
    """A rule as the rules page and the API list it."""

    slug: str
    kind: Kind
    language: str
    why: str
    suggestion: str
    builtin: bool
    enabled: bool
    is_regex: bool
    source: str
    """The regular expression, or the phrases one a line (a built-in rule: its pattern)."""
    changed_at: datetime | None = None


@dataclass(frozen=True)
class RuleStats:
    rule: str
    kind: Kind
    shown: int
    taken: int
    used: int
    """Taken by "Use this"; the rest of `taken` were reworded by the agent."""

    @property
    def taken_share(self) -> float | None:
        return self.taken / self.shown if self.shown else None


def _rows(session: Session) -> list[CoachRule]:
    return list(session.scalars(select(CoachRule).order_by(CoachRule.id)))


def in_force(session: Session) -> tuple[Rule, ...]:
    """Every rule the coach checks now, built-in first, in one stable order (the compiled pattern is cached on it)."""
    rows = _rows(session)
    off = {r.slug for r in rows if r.builtin and not r.enabled}
    own = tuple(
        Rule(r.slug, r.kind, r.language, r.pattern, r.why, r.suggestion, builtin=False)
        for r in rows
        if not r.builtin and r.enabled
    )
    return tuple(r for r in builtin.BUILT_IN if r.slug not in off) + own


def check(session: Session, text: str, language: str | None) -> list[Advice]:
    """The coach's advice on `text`, by the rules in force for its language."""
    return rules.check(text, in_force(session), language)


def _view_of_row(row: CoachRule) -> RuleView:
    return RuleView(
        row.slug,
        row.kind,
        row.language,
        row.why,
        row.suggestion,
        builtin=False,
        enabled=row.enabled,
        is_regex=row.is_regex,
        source=row.source,
        changed_at=row.changed_at,
    )


def _view_of_builtin(rule: Rule, switch: CoachRule | None) -> RuleView:
    return RuleView(
        rule.slug,
        rule.kind,
        rule.language,
        rule.why,
        rule.suggestion,
        builtin=True,
        enabled=switch.enabled if switch else True,
        is_regex=True,
        source=rule.pattern,
        changed_at=switch.changed_at if switch else None,
    )


def listed(session: Session, *, language: str | None = None, kind: Kind | None = None) -> list[RuleView]:
    """Every rule, on or off: built-in ones first (by language, as shipped), then a team's own in the order added."""
    rows = _rows(session)
    switches = {r.slug: r for r in rows if r.builtin}
    views = [_view_of_builtin(r, switches.get(r.slug)) for r in builtin.BUILT_IN]
    views += [_view_of_row(r) for r in rows if not r.builtin]
    return [v for v in views if (language is None or v.language == language) and (kind is None or v.kind is kind)]


def rule(session: Session, slug: str) -> RuleView:
    found = next((v for v in listed(session) if v.slug == slug), None)
    if found is None:
        raise NotFound(f"There is no coach rule {slug!r}.")
    return found


def stats(session: Session, actor: StaffActor, *, since: datetime | None = None) -> list[RuleStats]:
    """Per rule, how often its advice was shown on a sent reply and how often it was taken; most shown first."""
    rules.check_may_see_stats(actor)
    taken = func.sum(case((AdviceEvent.outcome != Outcome.KEPT, 1), else_=0))
    used = func.sum(case((AdviceEvent.outcome == Outcome.USED, 1), else_=0))
    query = select(AdviceEvent.rule, AdviceEvent.kind, func.count(), taken, used).group_by(
        AdviceEvent.rule, AdviceEvent.kind
    )
    if since is not None:
        query = query.where(AdviceEvent.at >= since)
    found = [
        RuleStats(slug, kind, int(shown), int(took or 0), int(clicked or 0))
        for slug, kind, shown, took, clicked in session.execute(query)
    ]
    return sorted(found, key=lambda s: (-s.shown, s.rule))
