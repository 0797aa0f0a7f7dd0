"""articles read before writing, and cases written after reading

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 14:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


WHEN = sameside.db.base.UTCDateTime(timezone=True)
KINDS = ("used", "helped")


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, name="usekind", native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("knowledge_uses", schema=None) as batch_op:
        batch_op.alter_column("kind", existing_type=_enum(*KINDS), type_=_enum(*KINDS, "read"), existing_nullable=False)
        batch_op.add_column(sa.Column("counts_until", WHEN, nullable=True))
        batch_op.create_index("ix_knowledge_uses_customer_kind_at", ["customer_id", "kind", "at"], unique=False)
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reviewed_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_knowledge_articles_reviewed_by", "staff", ["reviewed_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.drop_constraint("fk_knowledge_articles_reviewed_by", type_="foreignkey")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
    op.execute("DELETE FROM knowledge_uses WHERE kind = 'read'")
    with op.batch_alter_table("knowledge_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_uses_customer_kind_at")
        batch_op.drop_column("counts_until")
        batch_op.alter_column("kind", existing_type=_enum(*KINDS, "read"), type_=_enum(*KINDS), existing_nullable=False)
