"""Feedback as the desk shows it: the case page's dialog, and lists with what the viewer may do (P15)."""

from __future__ import annotations

from typing import Any

from sameside.cases.access import may_change
from sameside.cases.models import Case
from sameside.db.engine import Session
from sameside.feedback import queries, rules
from sameside.feedback.queries import FeedbackRow
from sameside.feedback.rules import KIND_WORDS, FeedbackKind, FeedbackState
from sameside.kit.actors import StaffActor
from sameside.staff import queries as staff_queries
from sameside.web.deps import Agent


def item_rows(actor: StaffActor, rows: list[FeedbackRow]) -> list[dict[str, Any]]:
    """Each row with what the viewer may do with it."""
    return [
        {
            "row": r,
            "kind": KIND_WORDS[r.feedback.kind],
            "state": rules.STATE_WORDS[r.feedback.state],
            "may_handle": rules.may_handle(actor, r.feedback.concerns),
            "may_answer": r.feedback.marked_by is not None and r.feedback.state is not FeedbackState.ANSWERED,
        }
        for r in rows
    ]


def department_feedback(session: Session, actor: StaffActor, department_id: int) -> dict[str, Any]:
    """The department page's part: its feedback, newest first, and its figures over 30 days."""
    return {
        "feedback_items": item_rows(actor, queries.inbox(session, actor, department_id=department_id, limit=30)),
        "feedback_figures": queries.figures(session, department_id=department_id),
        "kind_words": KIND_WORDS,
    }


def feedback_panel(session: Session, agent: Agent, case: Case) -> dict[str, Any]:
    """The context of `_case_feedback_*.html`: whether they may mark, the choices, and the case's feedback."""
    return {
        "may_mark_feedback": may_change(agent.actor, case),
        "feedback_kinds": [(k.value, KIND_WORDS[k]) for k in FeedbackKind],
        "feedback_teams": staff_queries.list_teams(session),
        "case_feedback": queries.on_case(session, case.id),
    }
