"""The demo's phone calls (`calls`): a call written down on a phone case, and a booked call someone has taken.

Made on the demo's own cases, so its numbers stay what its plan says.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sameside.callbacks import service as callbacks
from sameside.calls import service as calls
from sameside.calls.rules import Direction, Outcome
from sameside.cases.models import Case
from sameside.cases.rules import ACTIVE
from sameside.customers.rules import Channel
from sameside.kit.actors import StaffActor
from sameside.kit.hours import Hours

SYSTEM_BOOKING_PHONE = "+44 20 7946 0412"


def seed_calls(session: Session, agent: StaffActor, opened: Sequence[Case], hours: Hours) -> None:
    """A call logged on the first open phone case; a call booked on another open case, taken by `agent`."""
    active = [c for c in opened if c.status in ACTIVE and c.team_id is not None]
    phone = next((c for c in active if c.channel is Channel.PHONE), None)
    if phone is not None:
        calls.log_call(
            session,
            agent,
            phone,
            calls.CallDetails(
                Direction.OUTBOUND,
                Outcome.ANSWERED,
                6 * 60 + 20,
                "Walked through the steps on the phone; they will try tonight and write back.",
                SYSTEM_BOOKING_PHONE,
            ),
        )
    other = next((c for c in active if c is not phone and c.channel is not Channel.CHAT), None)
    policy = callbacks.Policy(hours=hours)
    free = callbacks.free_slots(session, policy)
    if other is None or not free:
        return
    booked = callbacks.book(session, agent, other, policy, starts_at=free[0], phone=SYSTEM_BOOKING_PHONE)
    callbacks.assign(session, agent, booked, agent.staff_id)
