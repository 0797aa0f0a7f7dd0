"""addresses proven before they sign in

Each customer identity records how far it is proven (claimed, verified,
pending), who added it and who vouched for it; sign-in links remember the
address they were mailed to; pending addresses get confirmation links.
Existing identities all came from the customers themselves or from before
staff-added addresses were told apart: they become `claimed`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "address_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["customer_identities.id"],
            name=op.f("fk_address_confirmations_identity_id_customer_identities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_confirmations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_address_confirmations_token_digest")),
    )
    with op.batch_alter_table("address_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_address_confirmations_identity_id"), ["identity_id"], unique=False)

    with op.batch_alter_table("customer_identities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "proof",
                sa.Enum(
                    "claimed", "verified", "pending", name="proof", native_enum=False, create_constraint=True, length=32
                ),
                server_default="claimed",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("added_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proven_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("vouched_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("vouch_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_customer_identities_added_by_staff"), "staff", ["added_by"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_customer_identities_vouched_by_staff"), "staff", ["vouched_by"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("magic_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_magic_links_identity_id"), ["identity_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_magic_links_identity_id_customer_identities"),
            "customer_identities",
            ["identity_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("magic_links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_magic_links_identity_id_customer_identities"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_magic_links_identity_id"))
        batch_op.drop_column("identity_id")

    with op.batch_alter_table("customer_identities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_customer_identities_vouched_by_staff"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_customer_identities_added_by_staff"), type_="foreignkey")
        batch_op.drop_column("vouch_reason")
        batch_op.drop_column("vouched_by")
        batch_op.drop_column("proven_at")
        batch_op.drop_column("added_by")
        batch_op.drop_column("proof")

    with op.batch_alter_table("address_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_address_confirmations_identity_id"))

    op.drop_table("address_confirmations")
