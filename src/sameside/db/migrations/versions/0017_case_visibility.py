"""restricted teams and the people who keep sight of a case; finding customers by name; callbacks called off

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 07:10:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sameside.db.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The event types as 0016 left them; this revision adds one: a customer calling off a booked call.
EVENTS = [
    "created",
    "assigned",
    "status_changed",
    "reopened",
    "priority_changed",
    "tagged",
    "transferred",
    "restatement_detected",
    "escalation_requested",
    "consult_opened",
    "consult_answered",
    "grant_made",
    "grant_approval_requested",
    "offer_sent",
    "offer_chosen",
    "decision_recorded",
    "callback_booked",
    "callback_missed",
    "incident_linked",
    "incident_notice_sent",
    "repeat_contact_linked",
    "survey_sent",
    "delivery_failed",
    "service_level_breached",
]
CALLBACK_STATES = ["booked", "done", "missed"]


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "case_previous_owners",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("until", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_previous_owners_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_case_previous_owners_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", "staff_id", name=op.f("pk_case_previous_owners")),
    )
    with op.batch_alter_table("case_previous_owners", schema=None) as batch_op:
        batch_op.create_index("ix_case_previous_owners_staff_case", ["staff_id", "case_id"], unique=False)

    op.create_table(
        "case_consulted_departments",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_consulted_departments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_case_consulted_departments_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "department_id", name=op.f("pk_case_consulted_departments")),
    )
    with op.batch_alter_table("case_consulted_departments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_consulted_departments_department_case", ["department_id", "case_id"], unique=False
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_name_id", ["name", "id"], unique=False)

    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event",
            existing_type=_enum(*EVENTS, name="eventtype"),
            type_=_enum(*EVENTS, "callback_cancelled", name="eventtype"),
            existing_nullable=True,
        )
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=_enum(*CALLBACK_STATES, name="callbackstate"),
            type_=_enum(*CALLBACK_STATES, "cancelled", name="callbackstate"),
            existing_nullable=False,
        )

    # The consults already asked keep their departments' sight of the case.
    op.execute(
        "INSERT INTO case_consulted_departments (case_id, department_id) "
        "SELECT DISTINCT case_id, department_id FROM consults"
    )
    _previous_owners_from_the_timeline()


def _previous_owners_from_the_timeline() -> None:
    """Everyone a case was assigned or transferred away from, as its timeline recorded it."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT t.case_id, t.event, t.data, t.created_at FROM timeline_entries t "
            "WHERE t.event IN ('assigned', 'transferred') ORDER BY t.id"
        ).columns(
            sa.column("case_id", sa.Integer()),
            sa.column("event", sa.String()),
            sa.column("data", sa.JSON()),
            sa.column("created_at", sameside.db.base.UTCDateTime(timezone=True)),
        )
    )
    latest: dict[tuple[int, int], object] = {}
    for case_id, event, data, at in rows:
        payload = json.loads(data) if isinstance(data, str) else (data or {})  # JSON stored as text, decoded
        if event == "transferred":
            staff_id = (payload.get("from") or payload.get("from_") or {}).get("owner_id")
        else:
            staff_id = payload.get("previous_owner_id")
        if isinstance(staff_id, int):
            latest[(case_id, staff_id)] = at
    if not latest:
        return
    known = {row[0] for row in bind.execute(sa.text("SELECT id FROM staff"))}
    table = sa.table(
        "case_previous_owners",
        sa.column("case_id", sa.Integer()),
        sa.column("staff_id", sa.Integer()),
        sa.column("until", sameside.db.base.UTCDateTime(timezone=True)),
    )
    op.bulk_insert(
        table,
        [
            {"case_id": case_id, "staff_id": staff_id, "until": at}
            for (case_id, staff_id), at in latest.items()
            if staff_id in known
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM timeline_entries WHERE event = 'callback_cancelled'")
    op.execute("UPDATE callbacks SET state = 'done' WHERE state = 'cancelled'")
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=_enum(*CALLBACK_STATES, "cancelled", name="callbackstate"),
            type_=_enum(*CALLBACK_STATES, name="callbackstate"),
            existing_nullable=False,
        )
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event",
            existing_type=_enum(*EVENTS, "callback_cancelled", name="eventtype"),
            type_=_enum(*EVENTS, name="eventtype"),
            existing_nullable=True,
        )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_name_id")
    with op.batch_alter_table("case_consulted_departments", schema=None) as batch_op:
        batch_op.drop_index("ix_case_consulted_departments_department_case")
    op.drop_table("case_consulted_departments")
    with op.batch_alter_table("case_previous_owners", schema=None) as batch_op:
        batch_op.drop_index("ix_case_previous_owners_staff_case")
    op.drop_table("case_previous_owners")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("restricted")
