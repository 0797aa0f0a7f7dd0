"""how staff want to be told

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The kinds of notification each person also wants by email; no row: the desk only.
    op.create_table(
        "staff_notification_preferences",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("email_kinds", sa.JSON(), nullable=False),
        sa.Column("updated_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("staff_id"),
    )


def downgrade() -> None:
    op.drop_table("staff_notification_preferences")
