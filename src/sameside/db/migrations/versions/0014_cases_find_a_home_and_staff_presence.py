"""every channel leads to a team; staff presence and chat capacity

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 07:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_teams",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_channel_teams_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_teams")),
    )
    op.create_index(op.f("ix_channel_teams_team_id"), "channel_teams", ["team_id"], unique=False)
    op.create_index("ix_cases_live_chats", "cases", ["channel", "status", "team_id", "owner_id"], unique=False)
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "presence",
                sa.Enum(
                    "online",
                    "away",
                    "offline",
                    name="presence",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="offline",
            )
        )
        batch_op.add_column(sa.Column("seen_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("active_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("chat_capacity", sa.Integer(), nullable=False, server_default="3"))
    # The defaults above only fill existing rows; new ones take theirs from the models.
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("presence", server_default=None)
        batch_op.alter_column("chat_capacity", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("chat_capacity")
        batch_op.drop_column("active_at")
        batch_op.drop_column("seen_at")
        batch_op.drop_column("presence")
    op.drop_index("ix_cases_live_chats", table_name="cases")
    op.drop_index(op.f("ix_channel_teams_team_id"), table_name="channel_teams")
    op.drop_table("channel_teams")
