"""answers kept for requests that carried an Idempotency-Key

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_answers")),
        sa.UniqueConstraint("digest", name="uq_idempotency_answers_digest"),
    )
    op.create_index("ix_idempotency_answers_created_at", "idempotency_answers", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_idempotency_answers_created_at", table_name="idempotency_answers")
    op.drop_table("idempotency_answers")
