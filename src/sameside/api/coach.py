"""The language coach (P8): advice on a reply as it is written, the rules (a team's own beside the built-in
ones), and how often each advice was taken."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from sameside.coach import queries, rules, service
from sameside.coach.queries import RuleView
from sameside.coach.schemas import (
    SLUG_PATTERN,
    AdviceOut,
    CheckIn,
    CheckOut,
    RuleIn,
    RuleOut,
    RulePatch,
    RuleStatsOut,
)
from sameside.http.deps import Admin, ReadSession, StaffUser, Write
from sameside.http.offload import offload
from sameside.kit import clock

router = APIRouter(prefix="/coach", tags=["coach"])

Slug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=63, description="The rule's name")]
NAME_TAKEN: dict[int | str, dict[str, Any]] = {409: {"description": "A rule of that name exists already"}}


def rule_out(view: RuleView) -> RuleOut:
    return RuleOut(
        slug=view.slug,
        kind=view.kind,
        language=view.language,
        why=view.why,
        suggestion=view.suggestion,
        builtin=view.builtin,
        enabled=view.enabled,
        regex=view.is_regex,
        words=view.source,
        changed_at=view.changed_at,
    )


@router.post("/check", response_model=CheckOut)
@offload
def check(body: CheckIn, actor: StaffUser, session: ReadSession) -> CheckOut:
    """The coach's advice on a reply: each flagged phrase with where it is, why, and a rewrite. Never a refusal.

    Quoted lines (starting with ">") are the customer's and never flagged. Nothing is recorded: what became
    of the advice is counted when a reply is sent from the desk.
    """
    language = rules.base_language(body.language)
    found = queries.check(session, body.text, language)
    return CheckOut(language=language, advice=[AdviceOut.model_validate(a) for a in found])


@router.get("/rules", response_model=list[RuleOut])
@offload
def list_rules(
    actor: StaffUser,
    session: ReadSession,
    language: Annotated[str | None, Query(max_length=16)] = None,
    kind: rules.Kind | None = None,
) -> list[RuleOut]:
    """Every rule, on or off: the built-in ones (en, de, fr, es), then the team's own in the order added."""
    return [rule_out(v) for v in queries.listed(session, language=language, kind=kind)]


@router.post("/rules", status_code=status.HTTP_201_CREATED, response_model=RuleOut, responses=NAME_TAKEN)
@offload
def add_rule(body: RuleIn, actor: Admin, write: Write) -> RuleOut:
    """Add a rule of the team's own (admins). A regular expression is checked: compiled, at most 200
    characters, and no nested repeats like `(a+)+` that could take very long on some replies."""
    with write() as session:
        return rule_out(
            service.add_rule(
                session,
                actor,
                slug=body.slug,
                kind=body.kind,
                language=body.language,
                words=body.words,
                is_regex=body.regex,
                why=body.why,
                suggestion=body.suggestion,
            )
        )


@router.patch("/rules/{slug}", response_model=RuleOut)
@offload
def change_rule(slug: Slug, body: RulePatch, actor: Admin, write: Write) -> RuleOut:
    """Switch a rule off or on (admins); a team's own rule may also be reworded. A built-in one's words are fixed."""
    with write() as session:
        return rule_out(
            service.change_rule(
                session,
                actor,
                slug,
                enabled=body.enabled,
                kind=body.kind,
                language=body.language,
                words=body.words,
                is_regex=body.regex,
                why=body.why,
                suggestion=body.suggestion,
            )
        )


@router.get("/stats", response_model=list[RuleStatsOut])
@offload
def stats(
    actor: StaffUser, session: ReadSession, days: Annotated[int, Query(ge=1, le=3650)] = 90
) -> list[RuleStatsOut]:
    """Per rule, on replies sent in the last `days`: how often its advice was shown, and taken (supervisors, admins)."""
    found = queries.stats(session, actor, since=clock.now() - timedelta(days=days))
    return [
        RuleStatsOut(rule=s.rule, kind=s.kind, shown=s.shown, taken=s.taken, used=s.used, taken_share=s.taken_share)
        for s in found
    ]
