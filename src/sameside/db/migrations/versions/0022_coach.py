"""the language coach: a team's own rules, and what became of each advice (P8)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-12 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sameside.db.base.UTCDateTime(timezone=True)
KINDS = ("blame", "pat_apology", "cold_opener", "policy_hiding", "jargon")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "coach_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("kind", _enum("kind", *KINDS), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("is_regex", sa.Boolean(), nullable=False),
        sa.Column("why", sa.String(length=300), nullable=False),
        sa.Column("suggestion", sa.String(length=300), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["changed_by"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_table(
        "coach_advice_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("kind", _enum("kind", *KINDS), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("outcome", _enum("outcome", "used", "reworded", "kept"), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_coach_advice_events_rule", "coach_advice_events", ["rule", "at"])
    op.create_index("ix_coach_advice_events_case", "coach_advice_events", ["case_id"])
    op.create_index("ix_coach_advice_events_staff", "coach_advice_events", ["staff_id"])


def downgrade() -> None:
    for name in ("ix_coach_advice_events_staff", "ix_coach_advice_events_case", "ix_coach_advice_events_rule"):
        op.drop_index(name, table_name="coach_advice_events")
    op.drop_table("coach_advice_events")
    op.drop_table("coach_rules")
