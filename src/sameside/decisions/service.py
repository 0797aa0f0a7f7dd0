"""Recording a decision, revising one, and finding the one that stands on a case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases import rules as case_rules
from sameside.cases import service as cases
from sameside.cases.access import scope_of
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.decisions import rules
from sameside.decisions.models import Decision
from sameside.decisions.rules import DecisionKind
from sameside.kit import clock
from sameside.kit.actors import Actor, StaffActor
from sameside.kit.errors import Forbidden


def record(
    session: Session,
    actor: Actor,
    case: Case,
    kind: DecisionKind,
    *,
    customer_text: str,
    rationale: str,
    policy: str,
    revision_reason: str | None = None,
    resolve: bool = False,
) -> Decision:
    """Record the case's decision and tell the customer in these words; a standing one needs a supervisor to revise.

    `resolve` closes the case's work with it (a final decision usually does).
    """
    case_rules.check_work(actor, scope_of(case), "record a decision on this case")
    if not isinstance(actor, StaffActor):
        raise Forbidden("Decisions are made by a person.")
    standing = standing_on(session, case.id)
    rules.check_may_decide(actor, owner_id=case.owner_id, standing=standing is not None)
    customer_text = rules.clean(customer_text, "what the customer will read")
    rationale = rules.clean(rationale, "the rationale (for colleagues)")
    policy = rules.clean(policy, "the policy it rests on", limit=500)
    if standing is not None:
        revision_reason = rules.clean(revision_reason or "", "why the decision is revised")
    now = clock.now()
    decision = Decision(
        case_id=case.id,
        kind=kind,
        decided_by=actor.staff_id,
        decided_at=now,
        rationale=rationale,
        policy=policy,
        customer_text=customer_text,
        revises_id=standing.id if standing else None,
        revision_reason=revision_reason if standing else None,
    )
    if standing is not None:
        standing.revised_at = now
    session.add(decision)
    session.flush()
    timeline.add_event(
        session,
        case,
        actor,
        events.DecisionRecorded(
            decision_id=decision.id,
            decision=kind.value,
            policy=policy,
            rationale=rationale,
            revises=standing.id if standing else None,
        ),
        at=now,
    )
    status = CaseStatus.RESOLVED if resolve else None
    entry = cases.reply(session, actor, case, customer_text, status=status, data={"decision_id": decision.id})
    decision.entry_id = entry.id
    return decision


def standing_on(session: Session, case_id: int) -> Decision | None:
    """The decision that stands on the case: the latest, not revised."""
    return session.scalar(
        select(Decision)
        .where(Decision.case_id == case_id, Decision.revised_at.is_(None))
        .order_by(Decision.id.desc())
        .limit(1)
    )


def history(session: Session, case_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.case_id == case_id).order_by(Decision.id)))
