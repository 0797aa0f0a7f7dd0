"""Putting it right from the desk: grants (P5), offers (P6), decisions (P7), the approvals waiting, the ledger.

The case page shows the customer's earlier grants beside every case of
theirs, the agent's budget left, requests waiting for a supervisor (with
their answer forms, for a supervisor), the offer and the decision that
stand; its toolbar opens the forms to grant, offer and decide. Each form
works without JavaScript: post, then see the case again with a
confirmation, or the same page with the message beside the form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from sameside.cases.access import case_for
from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.decisions import service as decisions
from sameside.decisions.rules import DecisionKind
from sameside.grants import ledger
from sameside.grants import queries as grant_queries
from sameside.grants import service as grants
from sameside.grants.ledger import GroupBy
from sameside.grants.models import Grant
from sameside.grants.rules import GrantKind, Money, Purpose, parse_amount
from sameside.http.links import offer_links
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.kit.errors import Invalid
from sameside.kit.ids import MAX_ID
from sameside.offers import queries as offer_queries
from sameside.offers import service as offers
from sameside.offers.rules import GrantTerms, OptionSpec
from sameside.web import case_page
from sameside.web.deps import Agent, DeskAgent, Form, PageSession, PostedForm, Problem, act, go
from sameside.web.pages import page
from sameside.web.remedy_panel import CURRENCY

router = APIRouter(prefix="/desk", include_in_schema=False)

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
GrantId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _act(
    request: Request, agent: Agent, number: int, form: PostedForm, work: Any, *, name: str, done: str = "saved"
) -> Response:
    def change(session: Session) -> Response:
        work(session, case_for(session, agent.actor, number, for_update=True))
        return go(f"/desk/cases/{number}#remedies", done=done)

    def refused(session: Session, problem: Problem) -> Response:
        status, error = problem
        return case_page.draw(
            request, session, agent, number, status_code=status, error=error, refused_form=name, typed=form.fields
        )

    return act(request, agent.csrf, form, change, refused)


@router.post("/cases/{number}/grants", response_model=None)
@offload
def make_grant(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        currency = form.get("currency", CURRENCY).strip().upper()
        money = parse_amount(form.get("amount", ""), currency)
        if money.amount_minor == 0:
            raise Invalid("A grant of nothing is not a grant: write the amount.")
        grants.make(
            session,
            agent.actor,
            case,
            _choice(GrantKind, form.get("kind"), "kind"),
            _choice(Purpose, form.get("purpose"), "purpose"),
            money,
            form.get("reason", ""),
        )

    return _act(request, agent, number, form, work, name="grant")


@router.post("/grants/{grant_id}/review", response_model=None)
@offload
def review_grant(request: Request, grant_id: GrantId, form: Form, agent: DeskAgent, session: PageSession) -> Response:
    grant = session.get(Grant, grant_id)
    number = grant.case_id if grant is not None else 0

    def work(session: Session, case: Case) -> None:
        amount = form.get("amount", "").strip()
        changed = parse_amount(amount, grant.currency).amount_minor if amount and grant is not None else None
        grants.review(
            session,
            agent.actor,
            grant_id,
            approve=form.get("verdict") == "approve",
            reason=form.get("reason", ""),
            amount_minor=changed,
        )

    if grant is None:
        return page(request, "desk_refused.html", status_code=404, error=f"There is no grant #{grant_id}.")
    back = form.get("back")
    if back == "approvals":

        def change(session: Session) -> Response:
            work(session, case_for(session, agent.actor, number))
            return go("/desk/approvals", done="saved")

        def refused(session: Session, problem: Problem) -> Response:
            return _approvals(request, session, agent, problem=problem, refused_id=grant_id, typed=form.fields)

        return act(request, agent.csrf, form, change, refused)
    return _act(request, agent, number, form, work, name=f"review-{grant_id}")


@router.post("/cases/{number}/offers", response_model=None)
@offload
def make_offer(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        options: list[OptionSpec] = []
        for n in range(1, 5):
            label = form.get(f"label{n}", "").strip()
            if not label:
                continue
            amount = form.get(f"amount{n}", "").strip()
            terms = None
            if amount:
                currency = form.get("currency", CURRENCY).strip().upper()
                terms = GrantTerms(
                    _choice(GrantKind, form.get(f"kind{n}"), f"kind of option {n}"),
                    _choice(Purpose, form.get(f"purpose{n}", "remedy"), f"purpose of option {n}"),
                    parse_amount(amount, currency),
                )
            options.append(OptionSpec(label, terms))
        days = form.get("days", "7").strip()
        if not days.isdigit() or not 1 <= int(days) <= 30:
            raise Invalid("An offer stays open 1 to 30 days.")
        offers.make(
            session,
            agent.actor,
            case,
            options,
            links=offer_links(request),
            expires_in=timedelta(days=int(days)),
            intro=form.get("intro") or None,
        )

    return _act(request, agent, number, form, work, name="offer")


@router.post("/cases/{number}/decisions", response_model=None)
@offload
def record_decision(request: Request, number: CaseNumber, form: Form, agent: DeskAgent) -> Response:
    def work(session: Session, case: Case) -> None:
        decisions.record(
            session,
            agent.actor,
            case,
            _choice(DecisionKind, form.get("kind", "final"), "kind of decision"),
            customer_text=form.get("customer_text", ""),
            rationale=form.get("rationale", ""),
            policy=form.get("policy", ""),
            revision_reason=form.get("revision_reason") or None,
            resolve=form.get("resolve") == "1",
        )

    return _act(request, agent, number, form, work, name="decision")


@router.get("/approvals", response_model=None)
@offload
def approvals(request: Request, agent: DeskAgent, session: PageSession) -> Response:
    """Grants above budget waiting for this supervisor (their team's; an admin's: all), oldest first."""
    return _approvals(request, session, agent)


def _approvals(
    request: Request,
    session: Session,
    agent: Agent,
    *,
    problem: Problem | None = None,
    refused_id: int = 0,
    typed: dict[str, str] | None = None,
) -> Response:
    if not agent.actor.at_least(Role.SUPERVISOR):
        return page(request, "desk_refused.html", status_code=403, error="Approvals are for supervisors and admins.")
    waiting = list(grant_queries.waiting_for(session, agent.actor))
    return page(
        request,
        "desk_approvals.html",
        status_code=problem[0] if problem else 200,
        agent=agent,
        approvals_page=True,
        waiting=waiting,
        words={g.id: Money(g.amount_minor, g.currency).words() for g in waiting},
        error=problem[1] if problem else None,
        refused_id=refused_id,
        typed=typed or {},
    )


@router.get("/reports/remedies", response_model=None)
@offload
def remedies_report(
    request: Request,
    agent: DeskAgent,
    session: PageSession,
    group: Annotated[GroupBy, Query()] = GroupBy.TEAM,
    days: Annotated[int, Query(ge=1, le=400)] = 90,
) -> Response:
    """Remedy beside goodwill, by team, agent, month or customer; approvals and offers; a chart and a CSV."""
    if not agent.actor.at_least(Role.SUPERVISOR):
        return page(request, "desk_refused.html", status_code=403, error="The ledger is for supervisors and admins.")
    end = clock.now()
    start = end - timedelta(days=days)
    lines = ledger.spend(session, group, start, end)
    widest = max((line.remedy_minor + line.goodwill_minor for line in lines), default=0) or 1
    asked = ledger.approvals(session, start, end)
    return page(
        request,
        "desk_remedies.html",
        agent=agent,
        reports_page=True,
        group=group,
        groups=list(GroupBy),
        days=days,
        lines=lines,
        widest=widest,
        money=lambda minor, currency: Money(minor, currency).words(),
        approvals=asked,
        offers=offer_queries.outcomes(session, start, end),
        # Encoded: the "+" of "+00:00" would otherwise arrive as a space, and the link would be refused.
        csv="/api/v1/reports/remedies.csv?"
        + urlencode({"group": group.value, "from": start.isoformat(), "to": end.isoformat()}),
    )


def _choice(kind: Any, value: str | None, what: str) -> Any:
    try:
        return kind(value or "")
    except ValueError:
        raise Invalid(f"Choose the {what}.") from None
