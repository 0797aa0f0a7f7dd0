"""chat visitors are unverified until proven

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_email", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirm_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("confirm_expires_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_chat_sessions_confirm_digest"), ["confirm_digest"])
    # Chats started before this change keep verified_at empty: nobody proved who those visitors were,
    # and the desk says so beside them (they stay on the customer they were filed on).


def downgrade() -> None:
    with op.batch_alter_table("chat_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_chat_sessions_confirm_digest"), type_="unique")
        batch_op.drop_column("confirm_expires_at")
        batch_op.drop_column("confirm_digest")
        batch_op.drop_column("verified_at")
        batch_op.drop_column("claimed_email")
