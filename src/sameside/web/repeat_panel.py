"""The case page's word on repeat contacts (P12): `_case_repeat.html`'s context."""

from __future__ import annotations

from typing import Any

from sameside.cases.models import Case
from sameside.cases.repeats import service as repeats
from sameside.db.engine import Session
from sameside.kit import clock


def repeat_panel(session: Session, case: Case) -> dict[str, Any]:
    return {"repeats": repeats.story(session, case, clock.now())}
