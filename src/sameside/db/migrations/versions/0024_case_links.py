"""merged, linked and split cases

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 14:30:00

One table of links between cases (related, merged into, split from) and the
six timeline events that record them (`cases.links`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0024"
down_revision: str | None = "0023"
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
]
NEW_EVENTS = ["merged_into", "merged_from", "linked", "unlinked", "split_off", "split_from"]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "case_links",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("related", "merged", "split", name="linkkind"), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_id"], ["cases.id"], name=op.f("fk_case_links_other_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_case_links_created_by_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("case_id", "other_id", name=op.f("pk_case_links")),
    )
    op.create_index("ix_case_links_other_case", "case_links", ["other_id", "case_id"])
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
    op.drop_index("ix_case_links_other_case", table_name="case_links")
    op.drop_table("case_links")
