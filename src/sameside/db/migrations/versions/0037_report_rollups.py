"""the headline figures kept by day

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 00:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sameside.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("first_replies", sa.JSON(), nullable=False),
        sa.Column("resolved", sa.Integer(), nullable=False),
        sa.Column("first_time", sa.Integer(), nullable=False),
        sa.Column("came_back", sa.Integer(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("restatements", sa.Integer(), nullable=False),
        sa.Column("consults", sa.JSON(), nullable=False),
        sa.Column("callbacks_due", sa.Integer(), nullable=False),
        sa.Column("callbacks_on_time", sa.Integer(), nullable=False),
        sa.Column("surveys_sent", sa.Integer(), nullable=False),
        sa.Column("surveys_again", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Integer(), nullable=False),
        sa.Column("spend", sa.JSON(), nullable=False),
        sa.Column("toned", sa.Integer(), nullable=False),
        sa.Column("first_tone_sum", sa.Float(), nullable=False),
        sa.Column("last_tone_sum", sa.Float(), nullable=False),
        sa.Column("targets_met", sa.Integer(), nullable=False),
        sa.Column("targets_missed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "team_id", name=op.f("pk_report_days")),
    )
    op.create_table(
        "report_days_built",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("built_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_days_built")),
    )
    # Consults and callbacks are rolled up by the day they fell due: a range on their due time.
    op.create_index("ix_consults_due_at", "consults", ["due_at"], unique=False)
    op.create_index("ix_callbacks_starts_at", "callbacks", ["starts_at"], unique=False)
    op.create_index("ix_cases_created_at", "cases", ["created_at"], unique=False)
    op.create_index("ix_cases_first_human_reply_at", "cases", ["first_human_reply_at"], unique=False)
    op.create_index("ix_grants_issued_at", "grants", ["issued_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_grants_issued_at", table_name="grants")
    op.drop_index("ix_cases_first_human_reply_at", table_name="cases")
    op.drop_index("ix_cases_created_at", table_name="cases")
    op.drop_index("ix_callbacks_starts_at", table_name="callbacks")
    op.drop_index("ix_consults_due_at", table_name="consults")
    op.drop_table("report_days_built")
    op.drop_table("report_days")
