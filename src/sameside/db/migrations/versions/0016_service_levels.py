"""service-level policies, business hours and due times on cases

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 07:10:00

Open cases get their clocks here, by the default policy (8 business hours
to a reply, Monday to Friday 09:00-17:00 UTC): a team's own policy and the
settings' defaults apply from each case's next change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

import sqlalchemy as sa
from alembic import op

import sameside.db.base
from sameside.cases.rules import Priority
from sameside.cases.service_levels import rules
from sameside.kit import hours

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
]


def _events(*extra: str) -> sa.Enum:
    return sa.Enum(*EVENTS, *extra, name="eventtype", native_enum=False, create_constraint=True, length=32)


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "service_calendars",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("updated_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_service_calendars_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_service_calendars")),
    )
    op.create_table(
        "service_policies",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("priority", _enum("low", "normal", "high", "urgent", name="priority"), nullable=False),
        sa.Column("first_reply_minutes", sa.Integer(), nullable=False),
        sa.Column("next_reply_minutes", sa.Integer(), nullable=False),
        sa.Column("resolution_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_service_policies_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "priority", name=op.f("pk_service_policies")),
    )
    op.create_table(
        "service_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("kind", _enum("first_reply", "next_reply", "resolution", name="targetkind"), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("used_minutes", sa.Float(), nullable=False),
        sa.Column("started_at", sameside.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("running_since", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_service_targets_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_service_targets_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_targets")),
    )
    op.create_index("ix_service_targets_case_ended", "service_targets", ["case_id", "ended_at"])
    op.create_index("ix_service_targets_warn", "service_targets", ["warned_at", "due_at"])
    op.create_index("ix_service_targets_breach", "service_targets", ["breached_at", "due_at"])
    op.create_index("ix_service_targets_team_ended", "service_targets", ["team_id", "ended_at"])
    op.create_index("ix_service_targets_team_breached", "service_targets", ["team_id", "breached_at"])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", sameside.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("due_kind", sa.String(length=16), nullable=True))
    op.create_index("ix_cases_team_due", "cases", ["team_id", "due_at", "id"])
    op.create_index("ix_cases_due", "cases", ["due_at", "id"])
    # A breach is recorded on the case's timeline: one more event type.
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event", existing_type=_events(), type_=_events("service_level_breached"), existing_nullable=True
        )
    _backfill()


def _backfill() -> None:
    """Give each open case its clocks by the default policy, and its due time."""
    bind = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("team_id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("priority", sa.String()),
        sa.column("created_at", sameside.db.base.UTCDateTime()),
        sa.column("first_human_reply_at", sameside.db.base.UTCDateTime()),
        sa.column("last_customer_message_at", sameside.db.base.UTCDateTime()),
        sa.column("due_at", sameside.db.base.UTCDateTime()),
        sa.column("due_kind", sa.String()),
    )
    targets = sa.table(
        "service_targets",
        *(
            sa.column(name, kind)
            for name, kind in (
                ("case_id", sa.Integer()),
                ("team_id", sa.Integer()),
                ("kind", sa.String()),
                ("target_minutes", sa.Integer()),
                ("used_minutes", sa.Float()),
                ("started_at", sameside.db.base.UTCDateTime()),
                ("running_since", sameside.db.base.UTCDateTime()),
                ("due_at", sameside.db.base.UTCDateTime()),
                ("met", sa.Boolean()),
            )
        ),
    )
    calendar = rules.Calendar(hours.zone_of("UTC"), {day: ((time(9), time(17)),) for day in range(5)})
    policy = rules.default_targets(8)
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(cases)
            .where(
                cases.c.id > last_id, cases.c.status.in_(("new", "open", "waiting_on_internal", "waiting_on_customer"))
            )
            .order_by(cases.c.id)
            .limit(2000)
        ).all()
        if not rows:
            return
        last_id = rows[-1].id
        new_targets: list[dict[str, object]] = []
        dues_of_cases: list[dict[str, object]] = []
        for row in rows:
            wanted = policy[Priority(row.priority)]
            running = row.status != "waiting_on_customer"
            created = row.created_at or datetime.now(UTC)
            starts = [(rules.TargetKind.RESOLUTION, created)]
            if row.first_human_reply_at is None:
                starts.append((rules.TargetKind.FIRST_REPLY, created))
            elif (
                row.status == "open"
                and row.last_customer_message_at
                and (row.last_customer_message_at > row.first_human_reply_at)
            ):
                starts.append((rules.TargetKind.NEXT_REPLY, row.last_customer_message_at))
            dues: dict[rules.TargetKind, datetime | None] = {}
            for kind, since in starts:
                clock = rules.Clock(kind, wanted.minutes(kind), 0.0, since if running else None)
                dues[kind] = clock.due(calendar)
                new_targets.append(
                    {
                        "case_id": row.id,
                        "team_id": row.team_id,
                        "kind": kind.value,
                        "target_minutes": clock.target_minutes,
                        "used_minutes": 0.0,
                        "started_at": since,
                        "running_since": clock.running_since,
                        "due_at": dues[kind],
                        "met": False,
                    }
                )
            upcoming = rules.next_due(dues)
            if upcoming is not None:
                dues_of_cases.append({"b_id": row.id, "b_due": upcoming.due_at, "b_kind": upcoming.kind.value})
        bind.execute(targets.insert(), new_targets)
        if dues_of_cases:
            bind.execute(
                cases.update()
                .where(cases.c.id == sa.bindparam("b_id"))
                .values(due_at=sa.bindparam("b_due"), due_kind=sa.bindparam("b_kind")),
                dues_of_cases,
            )


def downgrade() -> None:
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "event", existing_type=_events("service_level_breached"), type_=_events(), existing_nullable=True
        )
    op.drop_index("ix_cases_due", table_name="cases")
    op.drop_index("ix_cases_team_due", table_name="cases")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("due_kind")
        batch_op.drop_column("due_at")
    for index in ("team_breached", "team_ended", "breach", "warn", "case_ended"):
        op.drop_index(f"ix_service_targets_{index}", table_name="service_targets")
    op.drop_table("service_targets")
    op.drop_table("service_policies")
    op.drop_table("service_calendars")
