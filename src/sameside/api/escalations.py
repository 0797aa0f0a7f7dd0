"""Escalation requests (P3): someone senior is asked to look, and the case stays with its owner."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from sameside.api import presenters
from sameside.cases import queries
from sameside.cases.access import case_for
from sameside.cases.escalation.service import request_escalation
from sameside.cases.schemas import TimelineEntryOut
from sameside.http.deps import User, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.actors import CustomerActor
from sameside.kit.ids import MAX_ID
from sameside.staff.notification_schemas import EscalationIn

router = APIRouter(tags=["cases"])

CaseNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The case number")]


@router.post("/cases/{number}/escalation", status_code=status.HTTP_201_CREATED, response_model=TimelineEntryOut)
@offload
@idempotent
def escalate(number: CaseNumber, body: EscalationIn, actor: User, write: Write) -> TimelineEntryOut:
    """Ask for someone senior to look at the case.

    The case keeps its owner and team — an escalation is never a new queue.
    The owner and their supervisor(s) are notified with the context (for an
    unowned case, the team's supervisors), and the case is worked at high
    priority at least. Customers may ask with or without a reason; staff say
    what they need their supervisor's help with. A repeat within a day is
    recorded without notifying the same people again.
    """
    with write() as session:
        case = case_for(session, actor, number, for_update=True)
        entry = request_escalation(session, actor, case, reason=body.reason, source="api")
        session.flush()
        return presenters.entry_out(
            queries.timeline_entry(session, entry.id), for_customer=isinstance(actor, CustomerActor)
        )
