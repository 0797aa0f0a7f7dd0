"""composer cc and delivery

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 19:00:00

A staff reply may copy people (Cc): the outbound message keeps them, since
the envelope must name them on every retry. The delivery states a reply's
email goes through (queued, sent, failed, bounced) were already stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbound", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cc", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbound", schema=None) as batch_op:
        batch_op.drop_column("cc")
