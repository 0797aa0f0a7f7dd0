"""Changing the coach: a team's own rules (admins), built-in ones switched off and on, and what became of advice.

Recording what became of advice never refuses: the reply it rides on is sent either way (the coach never
blocks sending), so unknown rule names are dropped rather than refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.coach import builtin, queries, rules
from sameside.coach.models import AdviceEvent, CoachRule
from sameside.coach.rules import Kind
from sameside.kit import clock, languages
from sameside.kit.actors import StaffActor
from sameside.kit.errors import Conflict, Invalid

SHOWN_MAX = 50
"""At most this many rules are recorded for one reply (the names come from the page)."""


def _row(session: Session, slug: str) -> CoachRule | None:
    return session.scalar(select(CoachRule).where(CoachRule.slug == slug))


def add_rule(
    session: Session,
    actor: StaffActor,
    *,
    kind: Kind,
    language: str,
    words: str,
    is_regex: bool,
    why: str,
    suggestion: str,
    slug: str | None = None,
) -> queries.RuleView:
    """A team's own rule, checked from now on. `words` is a regular expression or phrases one a line."""
    rules.check_may_change(actor)
    language = languages.clean_language(language)
    pattern = rules.pattern_from(words, regex=is_regex)
    why = rules.clean_text(why, "why it reads badly", rules.WHY_MAX)
    suggestion = rules.clean_text(suggestion, "a suggestion", rules.SUGGESTION_MAX)
    slug = rules.clean_slug(slug) if slug else rules.slug_for(words)
    if slug in builtin.BY_SLUG or _row(session, slug) is not None:
        raise Conflict(f"There is a rule called {slug!r} already; give this one another name.")
    row = CoachRule(
        slug=slug,
        builtin=False,
        kind=kind,
        language=language,
        pattern=pattern,
        source=words.strip(),
        is_regex=is_regex,
        why=why,
        suggestion=suggestion,
        enabled=True,
        changed_by=actor.staff_id,
        changed_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return queries.rule(session, slug)


def change_rule(
    session: Session,
    actor: StaffActor,
    slug: str,
    *,
    enabled: bool | None = None,
    kind: Kind | None = None,
    language: str | None = None,
    words: str | None = None,
    is_regex: bool | None = None,
    why: str | None = None,
    suggestion: str | None = None,
) -> queries.RuleView:
    """Switch a rule off or on; a team's own may also be reworded. A built-in rule's words are the code's."""
    rules.check_may_change(actor)
    queries.rule(session, slug)  # a 404 for a name that is nowhere
    row = _row(session, slug)
    if slug in builtin.BY_SLUG:
        if any(v is not None for v in (kind, language, words, is_regex, why, suggestion)):
            raise Invalid("A built-in rule can only be switched off or on; add your own rule to say it differently.")
        if enabled is None:
            return queries.rule(session, slug)
        shipped = builtin.BY_SLUG[slug]
        if row is None:
            row = CoachRule(
                slug=slug,
                builtin=True,
                kind=shipped.kind,
                language=shipped.language,
                pattern="",
                source="",
                is_regex=True,
                why="",
                suggestion="",
            )
            session.add(row)
        row.enabled = enabled
    else:
        assert row is not None
        if words is not None or is_regex is not None:
            regex = row.is_regex if is_regex is None else is_regex
            source = row.source if words is None else words
            row.pattern, row.source, row.is_regex = rules.pattern_from(source, regex=regex), source.strip(), regex
        if kind is not None:
            row.kind = kind
        if language is not None:
            row.language = languages.clean_language(language)
        if why is not None:
            row.why = rules.clean_text(why, "why it reads badly", rules.WHY_MAX)
        if suggestion is not None:
            row.suggestion = rules.clean_text(suggestion, "a suggestion", rules.SUGGESTION_MAX)
        if enabled is not None:
            row.enabled = enabled
    row.changed_by, row.changed_at = actor.staff_id, clock.now()
    session.flush()
    return queries.rule(session, slug)


def record_sent(
    session: Session,
    actor: StaffActor,
    case_id: int,
    text: str,
    *,
    language: str | None,
    shown: list[str],
    used: list[str],
) -> dict[str, rules.Outcome]:
    """What became of each advice shown while this reply was written, checked against the text as sent."""
    in_force = queries.in_force(session)
    known = {r.slug: r for r in in_force}
    shown = [s for s in dict.fromkeys(shown) if s in known][:SHOWN_MAX]
    if not shown:
        return {}
    language = rules.base_language(language)
    final = rules.check(text, in_force, language)
    outcomes = rules.outcomes(shown, used, final)
    now = clock.now()
    for slug, outcome in outcomes.items():
        session.add(
            AdviceEvent(
                rule=slug,
                kind=known[slug].kind,
                language=language,
                outcome=outcome,
                case_id=case_id,
                staff_id=actor.staff_id,
                at=now,
            )
        )
    return outcomes
