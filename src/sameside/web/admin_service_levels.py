"""The admin centre's service-level policy: the targets per priority every team runs by unless it has its own.

First reply, next reply and resolution, in business minutes, counted in the business's hours (its holidays
included). Until an admin saves them here they are derived from the reply target on the business page; a
team's own targets and hours are set on its service-levels page (`web.service_levels`), and this page lists
which teams have them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sameside.business import service as business
from sameside.cases.rules import Priority
from sameside.cases.service_levels import queries
from sameside.cases.service_levels import service as service_levels
from sameside.cases.service_levels.rules import KIND_WORDS, TargetKind, Targets
from sameside.db.engine import Session
from sameside.http.offload import offload
from sameside.kit.errors import Invalid
from sameside.web.admin_pages import admin_act, admin_page, not_admin
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem

router = APIRouter(include_in_schema=False)


@router.get("/desk/admin/service-levels", response_model=None)
@offload
def policy_page(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    return not_admin(request, agent) or _page(request, session, agent)


def _page(
    request: Request, session: Session, agent: Agent, *, problem: Problem | None = None, typed: PostedForm | None = None
) -> Response:
    defaults = service_levels.defaults_for(session)
    now = business.current(session)
    values = {
        f"{p.value}_{kind.value}": str(defaults.targets[p].minutes(kind)) for p in Priority for kind in TargetKind
    }
    if typed is not None:
        values |= {k: v for k, v in typed.fields.items() if k in values}
    return admin_page(
        request,
        "desk_admin_service_levels.html",
        agent,
        "service-levels",
        status_code=problem[0] if problem else 200,
        error=problem[1] if problem else None,
        values=values,
        stored=service_levels.stored_targets(now) is not None,
        reply_target_hours=now.reply_target_hours,
        priorities=list(Priority),
        kinds=[(kind.value, KIND_WORDS[kind]) for kind in TargetKind],
        teams=queries.team_policies(session),
    )


def targets_from(form: PostedForm) -> dict[Priority, Targets]:
    """The per-priority targets table of a form (the team page's too): whole business minutes each."""
    targets: dict[Priority, Targets] = {}
    for priority in Priority:
        minutes: list[int] = []
        for kind in TargetKind:
            raw = form.get(f"{priority.value}_{kind.value}", "").strip()
            if not raw.isdigit() or len(raw) > 9:
                raise Invalid(f"The {priority.value} {KIND_WORDS[kind]} target must be a whole number of minutes.")
            minutes.append(int(raw))
        targets[priority] = Targets(*minutes)
    return targets


@router.post("/desk/admin/service-levels", response_model=None)
@offload
def save_policy(request: Request, agent: DeskAgent, form: Form) -> Response:
    def work(session: Session) -> str:
        wanted = None if form.get("derive") else targets_from(form)
        service_levels.set_default_targets(session, agent.actor, wanted)
        return "/desk/admin/service-levels"

    def redraw(session: Session, problem: Problem) -> Response:
        return _page(request, session, agent, problem=problem, typed=form)

    return admin_act(request, agent, form, work, redraw)
