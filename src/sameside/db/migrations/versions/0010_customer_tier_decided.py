"""who decided a customer's tier, and when

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier_decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tier_decided_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_customers_tier_decided_by_staff"), "staff", ["tier_decided_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_customers_tier_decided_by_staff"), type_="foreignkey")
        batch_op.drop_column("tier_decided_at")
        batch_op.drop_column("tier_decided_by")
