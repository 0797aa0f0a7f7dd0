"""offers the customer chooses from (P6) and decisions that hold (P7)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sameside.db.base.UTCDateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("made_by", sa.Integer(), nullable=True),
        sa.Column("made_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("warn_at", WHEN, nullable=False),
        sa.Column("warned_at", WHEN, nullable=True),
        sa.Column("state", _enum("offerstate", "open", "chosen", "countered", "expired", "withdrawn"), nullable=False),
        sa.Column("chosen_option_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.Column("via", _enum("via", "portal", "email"), nullable=True),
        sa.Column("counter", sa.Text(), nullable=True),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["made_by"], ["staff.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["grant_id"], ["grants.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offers_case", "offers", ["case_id", "id"])
    op.create_index("ix_offers_open_warn", "offers", ["state", "warn_at"])
    op.create_index("ix_offers_open_expiry", "offers", ["state", "expires_at"])
    op.create_index("ix_offers_made_at", "offers", ["made_at"])
    op.create_table(
        "offer_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("grant_kind", _enum("grantkind", "refund", "credit", "replacement", "voucher"), nullable=True),
        sa.Column("grant_purpose", _enum("purpose", "remedy", "goodwill"), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_options_offer_id", "offer_options", ["offer_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("decisionkind", "final", "decline"), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", WHEN, nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("policy", sa.Text(), nullable=False),
        sa.Column("customer_text", sa.Text(), nullable=False),
        sa.Column("revises_id", sa.Integer(), nullable=True),
        sa.Column("revision_reason", sa.Text(), nullable=True),
        sa.Column("revised_at", WHEN, nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revises_id"], ["decisions.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["entry_id"], ["timeline_entries.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_case", "decisions", ["case_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_case", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_offer_options_offer_id", table_name="offer_options")
    op.drop_table("offer_options")
    for name in ("ix_offers_made_at", "ix_offers_open_expiry", "ix_offers_open_warn", "ix_offers_case"):
        op.drop_index(name, table_name="offers")
    op.drop_table("offers")
