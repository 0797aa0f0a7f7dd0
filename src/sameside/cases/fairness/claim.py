"""Claiming the fair queue's next case for an agent: the first candidate nobody else took a moment earlier.

Candidates come in the fair queue's order (`rules.order`); each is claimed
with a conditional UPDATE (still unowned, still takeable), so two agents
pressing "take next" at once never get the same case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from sameside.audit import recorder as audit
from sameside.cases.fairness import queries, rules
from sameside.cases.models import Case
from sameside.kit.actors import StaffActor


@dataclass(frozen=True)
class Claimed:
    case: Case
    score: float
    """The fair-queue score it was taken at, rounded to a tenth."""


def claim_next(
    session: Session,
    actor: StaffActor,
    team_id: int | None,
    *,
    now: datetime,
    tier_cap_minutes: int,
    reply_target_minutes: int,
) -> Claimed | None:
    """The next case of `team_id`'s queue (None: the cases with no team), now the actor's; None when none is left.

    A case claimed from "Needs a team" joins the actor's team.
    """
    candidates = queries.take_next_candidates(session, team_id)
    ordered = rules.order(
        candidates, now=now, tier_cap_minutes=tier_cap_minutes, reply_target_minutes=reply_target_minutes
    )
    for candidate in ordered:
        claimed = session.execute(
            update(Case)
            .where(Case.id == candidate.case_id, Case.owner_id.is_(None), Case.status.in_(queries.TAKEABLE))
            .values(owner_id=actor.staff_id, team_id=team_id or actor.team_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            case = session.get(Case, candidate.case_id, populate_existing=True)
            assert case is not None
            # A Core UPDATE passes the audit log's flush listener by: it is told here.
            before, after = {"owner_id": None, "team_id": team_id}, {"owner_id": case.owner_id, "team_id": case.team_id}
            audit.record(session, "changed", "cases", case.id, before, after, case_id=case.id)
            score = rules.score(
                candidate, now=now, tier_cap_minutes=tier_cap_minutes, reply_target_minutes=reply_target_minutes
            )
            return Claimed(case, round(score, 1))
    return None
