"""The ledger: what was granted, remedy beside goodwill, by team, agent, month or customer; approvals.

Sums are computed in the database over issued grants (reversed ones are
out, with their own count), in integer minor units per currency: amounts in
different currencies are never added together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.grants.models import Grant
from sameside.grants.rules import GrantState, Purpose
from sameside.staff.models import Staff, Team


class GroupBy(StrEnum):
    TEAM = "team"
    AGENT = "agent"
    MONTH = "month"
    CUSTOMER = "customer"


@dataclass
class Line:
    key: str
    """The team's or agent's name, the month ("2026-11"), or the customer's id."""
    currency: str
    remedy_minor: int = 0
    goodwill_minor: int = 0
    grants: int = 0


@dataclass
class Approvals:
    asked: int = 0
    approved: int = 0
    declined: int = 0
    waiting: int = 0
    turnaround_hours: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        times = sorted(self.turnaround_hours)
        if not times:
            return None
        middle = len(times) // 2
        return times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2


def spend(session: Session, group: GroupBy, start: datetime, end: datetime, *, limit: int = 500) -> list[Line]:
    """Issued grants in [start, end), remedy and goodwill side by side, per group and currency, largest first."""
    key = _key(session, group)
    remedy = func.sum(case((Grant.purpose == Purpose.REMEDY, Grant.amount_minor), else_=0))
    goodwill = func.sum(case((Grant.purpose == Purpose.GOODWILL, Grant.amount_minor), else_=0))
    query = (
        select(key.label("key"), Grant.currency, remedy, goodwill, func.count())
        .select_from(Grant)
        .where(Grant.state == GrantState.ISSUED, Grant.issued_at >= start, Grant.issued_at < end)
        .group_by(key, Grant.currency)
        .order_by((remedy + goodwill).desc())
        .limit(limit)
    )
    if group is GroupBy.TEAM:
        query = query.join(Case, Case.id == Grant.case_id).outerjoin(Team, Team.id == Case.team_id)
    elif group is GroupBy.AGENT:
        query = query.outerjoin(Staff, Staff.id == Grant.requested_by)
    return [
        Line(str(k) if k is not None else "(none)", currency, int(r or 0), int(g or 0), int(n))
        for k, currency, r, g, n in session.execute(query)
    ]


def approvals(session: Session, start: datetime, end: datetime) -> Approvals:
    """Requests above budget made in [start, end): how many, how they were answered, how long that took."""
    found = Approvals()
    rows = session.execute(
        select(Grant.state, Grant.requested_at, Grant.reviewed_at, Grant.from_budget).where(
            Grant.requested_at >= start, Grant.requested_at < end, Grant.from_budget.is_(False)
        )
    )
    for state, requested_at, reviewed_at, _ in rows:
        found.asked += 1
        if reviewed_at is None:
            found.waiting += 1
            continue
        if state is GrantState.DECLINED:
            found.declined += 1
        else:
            found.approved += 1
        found.turnaround_hours.append((reviewed_at - requested_at).total_seconds() / 3600)
    return found


def by_currency(lines: list[Line]) -> dict[str, tuple[int, int]]:
    """Totals per currency: (remedy, goodwill)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        totals[line.currency][0] += line.remedy_minor
        totals[line.currency][1] += line.goodwill_minor
    return {currency: (r, g) for currency, (r, g) in totals.items()}


def _key(session: Session, group: GroupBy) -> ColumnElement[object]:
    if group is GroupBy.TEAM:
        return Team.name  # type: ignore[return-value]
    if group is GroupBy.AGENT:
        return Staff.name  # type: ignore[return-value]
    if group is GroupBy.CUSTOMER:
        return Grant.customer_id  # type: ignore[return-value]
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", Grant.issued_at), "YYYY-MM")
    return func.strftime("%Y-%m", Grant.issued_at)
