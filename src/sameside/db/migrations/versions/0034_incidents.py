"""incidents

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05 19:10:00

Declared incidents (P11): the incident, its updates, the customers it
affects (and what they were told), and the cases linked to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("investigating", "identified", "monitoring", "resolved")


def _status() -> sa.Enum:
    return sa.Enum(*STATUSES, name="incidentstatus", native_enum=False, create_constraint=True, length=32)


def _when(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sameside.db.base.UTCDateTime(timezone=True), nullable=nullable)


def _staff(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["staff.id"], name=op.f(f"fk_{table}_{column}_staff"), ondelete="SET NULL")


def _parent(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        _when("since"),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("tell_everyone", sa.Boolean(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("organizations", sa.JSON(), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=True),
        sa.Column("updates", sa.Integer(), nullable=False),
        sa.Column("declared_by", sa.Integer(), nullable=True),
        _when("declared_at"),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        _when("resolved_at", nullable=True),
        _when("reached_at", nullable=True),
        _staff("incidents", "declared_by"),
        _staff("incidents", "resolved_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_table(
        "incident_updates",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        _when("posted_at"),
        _parent("incident_updates", "incident_id", "incidents"),
        _staff("incident_updates", "posted_by"),
        sa.PrimaryKeyConstraint("incident_id", "number", name=op.f("pk_incident_updates")),
    )
    op.create_table(
        "incident_customers",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("told", sa.Integer(), nullable=False),
        _when("told_at", nullable=True),
        _when("added_at"),
        sa.Column("data", sa.JSON(), nullable=True),
        _parent("incident_customers", "incident_id", "incidents"),
        _parent("incident_customers", "customer_id", "customers"),
        sa.PrimaryKeyConstraint("incident_id", "customer_id", name=op.f("pk_incident_customers")),
    )
    op.create_index("ix_incident_customers_told", "incident_customers", ["incident_id", "told"])
    op.create_index("ix_incident_customers_customer", "incident_customers", ["customer_id"])
    op.create_table(
        "incident_cases",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("new_contact", sa.Boolean(), nullable=False),
        _when("linked_at"),
        _when("closed_at", nullable=True),
        _parent("incident_cases", "incident_id", "incidents"),
        _parent("incident_cases", "case_id", "cases"),
        _parent("incident_cases", "customer_id", "customers"),
        sa.PrimaryKeyConstraint("incident_id", "case_id", name=op.f("pk_incident_cases")),
    )
    op.create_index("ix_incident_cases_case", "incident_cases", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_cases_case", table_name="incident_cases")
    op.drop_table("incident_cases")
    op.drop_index("ix_incident_customers_customer", table_name="incident_customers")
    op.drop_index("ix_incident_customers_told", table_name="incident_customers")
    op.drop_table("incident_customers")
    op.drop_table("incident_updates")
    op.drop_index("ix_incidents_status", table_name="incidents")
    op.drop_table("incidents")
