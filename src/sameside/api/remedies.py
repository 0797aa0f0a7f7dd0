"""The ledger and figures of P5–P7: spend (remedy beside goodwill), approvals, offers. JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sameside.grants import ledger
from sameside.grants.ledger import GroupBy
from sameside.grants.rules import Money
from sameside.http.deps import ReadSession, StaffUser
from sameside.http.offload import offload
from sameside.kit import clock
from sameside.kit.actors import Role
from sameside.kit.errors import Forbidden, Invalid
from sameside.kit.schema import Output
from sameside.offers import queries as offer_queries

router = APIRouter(prefix="/reports", tags=["reports"])

MAX_SPAN = timedelta(days=400)


class LineOut(Output):
    key: str
    currency: str
    remedy_minor: int
    goodwill_minor: int
    remedy: str
    goodwill: str
    grants: int


class ApprovalsOut(Output):
    asked: int
    approved: int
    declined: int
    waiting: int
    median_turnaround_hours: float | None


class RemediesOut(Output):
    start: datetime
    end: datetime
    group: GroupBy
    lines: list[LineOut]
    approvals: ApprovalsOut
    offers: dict[str, int]
    """Offers made in the period, by what became of them: open, chosen, countered, expired, withdrawn."""


def remedies_report(session: ReadSession, group: GroupBy, start: datetime | None, end: datetime | None) -> RemediesOut:
    end = (end or clock.now()).astimezone(UTC)
    start = (start or end - timedelta(days=90)).astimezone(UTC)
    if start >= end or end - start > MAX_SPAN:
        raise Invalid("Choose a period that starts before it ends and spans at most 400 days.")
    lines = ledger.spend(session, group, start, end)
    asked = ledger.approvals(session, start, end)
    return RemediesOut(
        start=start,
        end=end,
        group=group,
        lines=[
            LineOut(
                key=line.key,
                currency=line.currency,
                remedy_minor=line.remedy_minor,
                goodwill_minor=line.goodwill_minor,
                remedy=Money(line.remedy_minor, line.currency).words(),
                goodwill=Money(line.goodwill_minor, line.currency).words(),
                grants=line.grants,
            )
            for line in lines
        ],
        approvals=ApprovalsOut(
            asked=asked.asked,
            approved=asked.approved,
            declined=asked.declined,
            waiting=asked.waiting,
            median_turnaround_hours=round(asked.median_hours, 2) if asked.median_hours is not None else None,
        ),
        offers={state.value: count for state, count in offer_queries.outcomes(session, start, end).items()},
    )


def _supervisors_only(actor: StaffUser) -> None:
    if not actor.at_least(Role.SUPERVISOR):
        raise Forbidden("The ledger is for supervisors and admins.")


Group = Annotated[GroupBy, Query(description="team, agent, month or customer")]
Since = Annotated[datetime | None, Query(alias="from", description="Start (default: 90 days before the end)")]
Until = Annotated[datetime | None, Query(alias="to", description="End, exclusive (default: now)")]


@router.get("/remedies", response_model=RemediesOut)
@offload
def remedies(
    actor: StaffUser, session: ReadSession, group: Group = GroupBy.TEAM, since: Since = None, until: Until = None
) -> RemediesOut:
    """Remedy and goodwill spend by team, agent, month or customer; approvals asked and their turnaround; offers."""
    _supervisors_only(actor)
    return remedies_report(session, group, since, until)


@router.get("/remedies.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
@offload
def remedies_csv(
    actor: StaffUser, session: ReadSession, group: Group = GroupBy.TEAM, since: Since = None, until: Until = None
) -> Response:
    """The same spend lines as CSV, amounts in minor units, for a spreadsheet."""
    _supervisors_only(actor)
    report = remedies_report(session, group, since, until)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([group.value, "currency", "remedy_minor", "goodwill_minor", "grants"])
    for line in report.lines:
        writer.writerow([_safe(line.key), line.currency, line.remedy_minor, line.goodwill_minor, line.grants])
    name = f"remedies-{group.value}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (a name starting with = + - @)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
