"""What the case page shows of its calls: the calls written down, and the booked calls a call may settle."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from fastapi import Request

from sameside.calls import queries
from sameside.calls.rules import DIRECTION_WORDS, OUTCOME_WORDS, Direction, Outcome, say_duration
from sameside.cases.access import may_change
from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.web.deps import Agent


def call_choices() -> dict[str, Any]:
    """The choices of a call form: which way, and how it went."""
    return {
        "call_directions": [(d.value, DIRECTION_WORDS[d]) for d in Direction],
        "call_outcomes": [(o.value, OUTCOME_WORDS[o]) for o in Outcome],
    }


def calls_panel(request: Request, session: Session, agent: Agent, case: Case) -> dict[str, Any]:
    """The context of `_case_calls_*.html`: `?callback=<id>` preselects the booked call being made."""
    zone: tzinfo = request.app.state.callback_policy.hours.zone
    booked = [
        {
            "id": c.id,
            "phone": c.phone,
            "when": f"{c.starts_at.astimezone(zone).strftime('%a %d %b %H:%M')} ({zone})",
            "missed": c.state.value == "missed",
        }
        for c in queries.open_callbacks_on_case(session, case.id)
    ]
    asked = request.query_params.get("callback", "")
    return {
        "may_log_call": may_change(agent.actor, case),
        "case_calls": [
            {"call": c, "length": say_duration(c.duration_seconds)}
            for c in queries.calls_on_case(session, case.id, limit=20)
        ],
        "calls_booked": booked,
        "call_for_callback": asked if any(str(b["id"]) == asked for b in booked) else "",
        **call_choices(),
    }
