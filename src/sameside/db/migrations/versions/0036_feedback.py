"""feedback routed to who it concerns

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06 00:10:00

One table, `feedback` (P15): a customer's words about a team or a
department, marked by an agent on a message or routed from a survey
comment, and what became of it. One timeline event, `feedback_marked`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sameside.db.base.UTCDateTime(timezone=True)

EVENTS = [
    "created",
    "assigned",
    "status_changed",
    "reopened",
    "priority_changed",
    "tagged",
    "transferred",
    "restatement_detected",
    "escalation_requested",
    "consult_opened",
    "consult_answered",
    "grant_made",
    "grant_approval_requested",
    "offer_sent",
    "offer_chosen",
    "decision_recorded",
    "callback_booked",
    "callback_missed",
    "callback_cancelled",
    "incident_linked",
    "incident_notice_sent",
    "repeat_contact_linked",
    "survey_sent",
    "delivery_failed",
    "service_level_breached",
    "merged_into",
    "merged_from",
    "linked",
    "unlinked",
    "split_off",
    "split_from",
    "call_logged",
    "callback_assigned",
    "survey_answered",
    "contact_held",
]
NEW_EVENTS = ["feedback_marked"]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("source", _enum("conversation", "survey", name="feedbacksource"), nullable=False),
        sa.Column("kind", _enum("compliment", "complaint", "suggestion", name="feedbackkind"), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        sa.Column("marked_at", WHEN, nullable=False),
        sa.Column("state", _enum("new", "acknowledged", "answered", name="feedbackstate"), nullable=False),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", WHEN, nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_feedback_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["timeline_entries.id"],
            name=op.f("fk_feedback_entry_id_timeline_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_feedback_survey_id_surveys"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_feedback_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_feedback_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by"], ["staff.id"], name=op.f("fk_feedback_marked_by_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["staff.id"], name=op.f("fk_feedback_acknowledged_by_staff"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["staff.id"], name=op.f("fk_feedback_answered_by_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_feedback_survey_id")),
    )
    op.create_index("ix_feedback_department_marked", "feedback", ["department_id", "marked_at"])
    op.create_index("ix_feedback_team_marked", "feedback", ["team_id", "marked_at"])
    op.create_index("ix_feedback_case_id", "feedback", ["case_id"])
    op.create_index("ix_feedback_marked_by", "feedback", ["marked_by", "marked_at"])
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event",
            existing_type=_enum(*EVENTS, name="eventtype"),
            type_=_enum(*EVENTS, *NEW_EVENTS, name="eventtype"),
            existing_nullable=True,
        )


def downgrade() -> None:
    events = ", ".join(f"'{e}'" for e in NEW_EVENTS)
    op.execute(f"DELETE FROM timeline_entries WHERE event IN ({events})")  # noqa: S608 (our own constants)
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event",
            existing_type=_enum(*EVENTS, *NEW_EVENTS, name="eventtype"),
            type_=_enum(*EVENTS, name="eventtype"),
            existing_nullable=True,
        )
    op.drop_index("ix_feedback_marked_by", table_name="feedback")
    op.drop_index("ix_feedback_case_id", table_name="feedback")
    op.drop_index("ix_feedback_team_marked", table_name="feedback")
    op.drop_index("ix_feedback_department_marked", table_name="feedback")
    op.drop_table("feedback")
