"""phone calls

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 19:00:00

Calls written down on cases (`calls`), who will make a booked callback and
how it went (`callbacks.assignee_id`, `callbacks.outcome`), and the two
timeline events that record them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
]
NEW_EVENTS = ["call_logged", "callback_assigned"]
OUTCOMES = ["reached", "no_answer", "voicemail", "wrong_number"]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", _enum("inbound", "outbound", name="direction"), nullable=False),
        sa.Column(
            "outcome",
            _enum("answered", "no_answer", "voicemail", "busy", "wrong_number", name="outcome"),
            nullable=False,
        ),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("callback_id", sa.Integer(), nullable=True),
        sa.Column("logged_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_calls_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["callback_id"], ["callbacks.id"], name=op.f("fk_calls_callback_id_callbacks"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["logged_by"], ["staff.id"], name=op.f("fk_calls_logged_by_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    op.create_index("ix_calls_case_id", "calls", ["case_id", "id"])
    op.create_index("ix_calls_callback_id", "calls", ["callback_id"])
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("outcome", _enum(*OUTCOMES, name="callbackoutcome"), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_callbacks_assignee_id_staff"), "staff", ["assignee_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_callbacks_assignee_id", ["assignee_id"])
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
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_index("ix_callbacks_assignee_id")
        batch_op.drop_constraint(batch_op.f("fk_callbacks_assignee_id_staff"), type_="foreignkey")
        batch_op.drop_column("outcome")
        batch_op.drop_column("assignee_id")
    op.drop_index("ix_calls_callback_id", table_name="calls")
    op.drop_index("ix_calls_case_id", table_name="calls")
    op.drop_table("calls")
