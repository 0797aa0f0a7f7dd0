"""repeat contacts

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sameside.db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "repeat_contacts",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("earlier_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("shared", sa.String(length=500), nullable=False),
        sa.Column("routed_to", sa.Integer(), nullable=True),
        sa.Column("detected_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_repeat_contacts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["earlier_id"], ["cases.id"], name=op.f("fk_repeat_contacts_earlier_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["routed_to"], ["staff.id"], name=op.f("fk_repeat_contacts_routed_to_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_repeat_contacts")),
    )
    op.create_index("ix_repeat_contacts_earlier", "repeat_contacts", ["earlier_id"], unique=False)
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("came_back_at", WHEN, nullable=True))
        batch_op.create_index("ix_cases_team_resolved", ["team_id", "resolved_at"], unique=False)
        batch_op.create_index("ix_cases_owner_resolved", ["owner_id", "resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_owner_resolved")
        batch_op.drop_index("ix_cases_team_resolved")
        batch_op.drop_column("came_back_at")
    op.drop_index("ix_repeat_contacts_earlier", table_name="repeat_contacts")
    op.drop_table("repeat_contacts")
