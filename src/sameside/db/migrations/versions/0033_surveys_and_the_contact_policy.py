"""surveys and the contact policy

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05 19:10:00

The contact policy (P10): its settings (one row, absent until an admin
saves), what it decided for each non-essential message (`contact_records`:
the cap's count, and every held message with its reason), and what
customers asked not to get (`contact_choices`). Surveys: at most one per
case, sent, answered or skipped with the reason. The survey chore finds
cases resolved a while ago by `ix_cases_resolved_at`. Two timeline events:
a survey answered, a message held.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0033"
down_revision: str | None = "0032"
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
]
NEW_EVENTS = ["survey_answered", "contact_held"]
SKIPS = ["surveys_off", "opted_out", "other_case_open", "recent_survey", "no_address", "contact_cap"]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "contact_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("survey_interval_days", sa.Integer(), nullable=False),
        sa.Column("survey_delay_minutes", sa.Integer(), nullable=False),
        sa.Column("surveys_on", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "contact_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_contact_records_customer_allowed_at", "contact_records", ["customer_id", "allowed", "created_at"]
    )
    op.create_index("ix_contact_records_case_id", "contact_records", ["case_id"])
    op.create_table(
        "contact_choices",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("no_surveys", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("state", _enum("sent", "answered", "skipped", name="surveystate"), nullable=False),
        sa.Column("skipped", _enum(*SKIPS, name="skip"), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("outbound_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", WHEN, nullable=True),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("via", _enum("email", "portal", "api", name="via"), nullable=True),
        sa.Column("routed_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outbound_id"], ["mail_outbound.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_surveys_customer_sent", "surveys", ["customer_id", "sent_at"])
    op.create_index("ix_surveys_answered_at", "surveys", ["answered_at"])
    op.create_index("ix_surveys_sent_at", "surveys", ["sent_at"])
    op.create_index("ix_surveys_state_id", "surveys", ["state", "id"])
    op.create_index("ix_surveys_team_id", "surveys", ["team_id", "id"])
    op.create_index("ix_cases_resolved_at", "cases", ["resolved_at"])
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
    op.drop_index("ix_cases_resolved_at", table_name="cases")
    op.drop_table("surveys")
    op.drop_table("contact_choices")
    op.drop_table("contact_records")
    op.drop_table("contact_settings")
