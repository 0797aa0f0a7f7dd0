"""grants made on cases, the budgets they draw on, and the ceilings policy sets (P5, P7)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 07:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = sa.Enum(
    "refund", "credit", "replacement", "voucher", name="grantkind", native_enum=False, length=32, create_constraint=True
)
PURPOSE = sa.Enum("remedy", "goodwill", name="purpose", native_enum=False, length=32, create_constraint=True)
STATE = sa.Enum(
    "requested",
    "approved",
    "issued",
    "declined",
    "reversed",
    name="grantstate",
    native_enum=False,
    length=32,
    create_constraint=True,
)
PERIOD = sa.Enum("month", "quarter", "week", name="period", native_enum=False, length=32, create_constraint=True)
ROLE = sa.Enum("agent", "supervisor", "admin", name="role", native_enum=False, length=32, create_constraint=True)
WHEN = sameside.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("purpose", PURPOSE, nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", STATE, nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("from_budget", sa.Boolean(), nullable=False),
        sa.Column("asked_minor", sa.BigInteger(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", WHEN, nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("issued_at", WHEN, nullable=True),
        sa.Column("reversed_by", sa.Integer(), nullable=True),
        sa.Column("reversed_at", WHEN, nullable=True),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by"], ["staff.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by"], ["staff.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reversed_by"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grants_customer", "grants", ["customer_id", "id"])
    op.create_index("ix_grants_case", "grants", ["case_id", "id"])
    op.create_index("ix_grants_state", "grants", ["state", "requested_at"])
    op.create_index("ix_grants_granter", "grants", ["requested_by", "requested_at"])
    op.create_index("ix_grants_requested_at", "grants", ["requested_at"])
    op.create_table(
        "budget_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", ROLE, nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_budget_limits_staff_id", "budget_limits", ["staff_id"])
    op.create_table(
        "budget_spends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("period_start", WHEN, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("spent_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "period_start", "currency", name="uq_budget_spends_period"),
    )
    op.create_table(
        "grant_ceilings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("max_minor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "currency", name="uq_grant_ceilings_kind"),
    )


def downgrade() -> None:
    op.drop_table("grant_ceilings")
    op.drop_table("budget_spends")
    op.drop_index("ix_budget_limits_staff_id", table_name="budget_limits")
    op.drop_table("budget_limits")
    for name in (
        "ix_grants_requested_at",
        "ix_grants_granter",
        "ix_grants_state",
        "ix_grants_case",
        "ix_grants_customer",
    ):
        op.drop_index(name, table_name="grants")
    op.drop_table("grants")
