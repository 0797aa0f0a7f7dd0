"""The case page's word on incidents (P11): `_case_incident.html`'s context — the incidents the case is linked to."""

from __future__ import annotations

from typing import Any

from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.incidents import queries
from sameside.incidents.rules import STATUS_WORDS


def incident_panel(session: Session, case: Case) -> dict[str, Any]:
    """Each linked incident with its latest update; nothing read beyond one indexed query when none is linked."""
    linked = queries.of_case(session, case.id)
    return {
        "case_incidents": linked,
        "incident_latest": queries.latest_updates(session, linked) if linked else {},
        "incident_status_words": STATUS_WORDS,
    }
