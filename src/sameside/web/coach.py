"""The language coach at the desk (P8): advice under the reply box as the agent types, and the rules page.

`POST /desk/coach/check` answers `_coach.html`, the advice on what is in the reply box (the case page's
textarea posts its form there, debounced, by htmx); "Use this" is `static/coach.js`. Nothing here ever
stands between the agent and "Send reply": what became of the advice is recorded by the reply route
(`desk.reply` calls `coach.service.record_sent`).

`/desk/coach` lists every rule with how often its advice was shown on a sent reply and taken, for
supervisors and admins; admins add rules of the team's own and switch any rule off and on there.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.coach import queries, rules, service
from sameside.coach.rules import KIND_LABELS, Kind
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.actors import Role
from sameside.kit.errors import Invalid
from sameside.kit.languages import LANGUAGES
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem
from sameside.web.pages import page
from sameside.web.staff_pages import desk_action

router = APIRouter(include_in_schema=False)

Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
FIELDS = ("slug", "kind", "language", "words", "regex", "why", "suggestion")


@router.post("/desk/coach/check", response_model=None)
@offload
def coach_check(request: Request, agent: DeskAgent, session: PageSession, form: Form) -> Response:
    """The advice on the reply being written (`body`, in `coach_language`): a fragment, empty when all reads well.

    It changes nothing, so it asks no CSRF token; a form too large to read gets no advice rather than an error.
    """
    language = rules.base_language(form.get("coach_language"))
    advice = [] if form.too_large else queries.check(session, form.get("body"), language)
    return page(request, "_coach.html", advice=advice, kind_labels=KIND_LABELS)


def _rules_page(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    language: str = "",
    problem: Problem | None = None,
    typed: PostedForm | None = None,
) -> Response:
    """The rules page; `typed` is the add-rule form a refusal draws again beside its message."""
    if not agent.actor.at_least(Role.SUPERVISOR):
        return page(request, "desk_refused.html", status_code=403, error="The coach's rules are kept by admins.")
    figures = {s.rule: s for s in queries.stats(session, agent.actor)}
    listed = queries.listed(session, language=language or None)
    return page(
        request,
        "desk_coach.html",
        status_code=problem[0] if problem else 200,
        agent=agent,
        rules=listed,
        figures=figures,
        language=language,
        languages=LANGUAGES,
        built_in_languages=rules.BUILT_IN_LANGUAGES,
        kinds=list(Kind),
        kind_labels=KIND_LABELS,
        readable=rules.readable,
        may_change=agent.actor.role is Role.ADMIN,
        error=problem[1] if problem else None,
        refused_form="add-rule" if problem and typed is not None else None,
        typed=typed.fields if typed else {},
    )


@router.get("/desk/coach", response_model=None)
@offload
def coach_rules(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    language: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    return _rules_page(request, session, agent, language=language if language in LANGUAGES else "")


def _kind(value: str) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise Invalid("Choose what kind of wording the rule flags.") from None


@router.post("/desk/coach/rules", response_model=None)
@offload
def add_rule(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        made = service.add_rule(
            session,
            agent.actor,
            slug=form.get("slug").strip() or None,
            kind=_kind(form.get("kind")),
            language=form.get("language", "en") or "en",
            words=form.get("words"),
            is_regex=form.get("regex") == "1",
            why=form.get("why"),
            suggestion=form.get("suggestion"),
        )
        return f"/desk/coach?language={made.language}#rule-{made.slug}"

    def again(session: Session, problem: Problem) -> Response:
        return _rules_page(request, session, agent, problem=problem, typed=form)

    return desk_action(request, agent, form, work, again=again)


@router.post("/desk/coach/rules/{slug}/switch", response_model=None)
@offload
def switch_rule(request: Request, agent: DeskAgent, slug: Slug, form: Form) -> Response:
    def work(session: Session) -> str:
        changed = service.change_rule(session, agent.actor, slug, enabled=form.get("enabled") == "1")
        back = form.get("language")
        return f"/desk/coach{'?language=' + back if back in LANGUAGES else ''}#rule-{changed.slug}"

    def again(session: Session, problem: Problem) -> Response:
        return _rules_page(request, session, agent, problem=problem)

    return desk_action(request, agent, form, work, again=again)


def reply_coaching(form: PostedForm) -> dict[str, Any]:
    """What the case page's reply form carried about the coach: its language, the advice shown and used."""
    return {
        "language": form.get("coach_language") or None,
        "shown": form.get("coach_shown").split()[: service.SHOWN_MAX],
        "used": form.get("coach_used").split()[: service.SHOWN_MAX],
    }
