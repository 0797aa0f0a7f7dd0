from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.grants.rules import GrantKind, GrantState, Period, Purpose
from sameside.kit import clock
from sameside.kit.actors import Role


class Grant(Base):
    """A refund, credit, replacement or voucher for a customer, made on one of their cases.

    Its id and state are stable, so other systems can act on it: requested
    (above the granter's budget), approved, issued, declined, reversed.
    """

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[GrantKind] = mapped_column(str_enum(GrantKind))
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[GrantState] = mapped_column(str_enum(GrantState))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    from_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    """Issued at once from the granter's budget (which it then counts against)."""
    asked_minor: Mapped[int | None] = mapped_column(BigInteger)
    """What was asked, when a supervisor approved a different amount."""
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversal_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_grants_customer", "customer_id", "id"),
        Index("ix_grants_case", "case_id", "id"),
        Index("ix_grants_state", "state", "requested_at"),
        Index("ix_grants_granter", "requested_by", "requested_at"),
        Index("ix_grants_requested_at", "requested_at"),
    )


class BudgetLimit(Base):
    """A discretionary budget: for a role, for a role in one team, or for one person (who it overrides)."""

    __tablename__ = "budget_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role | None] = mapped_column(str_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    period: Mapped[Period] = mapped_column(str_enum(Period), default=Period.MONTH)


class BudgetSpend(Base):
    """What one person has granted from their budget in one period: one row, updated under a condition.

    The row is the lock: `spent + amount <= limit` is checked and applied in
    one UPDATE, so two grants at once can never both pass on the last euro.
    """

    __tablename__ = "budget_spends"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    currency: Mapped[str] = mapped_column(String(3))
    spent_minor: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (UniqueConstraint("staff_id", "period_start", "currency", name="uq_budget_spends_period"),)


class GrantCeiling(Base):
    """Policy (P7): the most any one grant of a kind may be, in a currency, whoever makes or approves it."""

    __tablename__ = "grant_ceilings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[GrantKind] = mapped_column(str_enum(GrantKind))
    currency: Mapped[str] = mapped_column(String(3))
    max_minor: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (UniqueConstraint("kind", "currency", name="uq_grant_ceilings_kind"),)
