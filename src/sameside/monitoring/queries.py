"""The desk's backlog as a monitoring system wants it: a few counts, each read from an index.

Read at scrape time (and cached by the caller), never per request. Every
count is bounded by what is waiting — active cases, due jobs, mail not yet
filed, breaches of the last day — not by the history the tables keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.cases.service_levels.models import ServiceTarget
from sameside.jobs.models import Job
from sameside.mail.models import InboundMail, InboundState
from sameside.mail.outbox import DELIVER
from sameside.staff.models import Team

WAITING = (CaseStatus.NEW, CaseStatus.OPEN)
"""A case waits on the desk while it is new or open (not on the customer, not on another department)."""
ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER, CaseStatus.WAITING_ON_INTERNAL)
BREACH_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Backlog:
    waiting_by_team: dict[str, int]
    """Team slug → its cases new or open (teams with none are listed with 0)."""
    unassigned: int
    """Cases new or open that nobody owns yet (in a team or not)."""
    needing_a_team: int
    """Active cases in no team ("Needs a team")."""
    jobs_ready: dict[str, int]
    """Task name → jobs due now and not yet claimed."""
    oldest_ready_job_seconds: float
    """How long the longest-waiting due job has been due (0 when none is)."""
    jobs_failed: int
    """Jobs given up for good."""
    mail_in: dict[str, int]
    """`received` (stored, not yet filed) and `quarantined` (waiting for an admin)."""
    mail_out_held: int
    """Outbound messages refused for now and waiting for their retry."""
    breaches_by_kind: dict[str, int]
    """Service-level targets missed within the last day, by kind (first reply, next reply, resolution)."""


def backlog(session: Session, now: datetime) -> Backlog:
    teams = dict(session.execute(select(Team.id, Team.slug)).all())
    waiting = dict.fromkeys(teams.values(), 0)
    for team_id, count in session.execute(
        select(Case.team_id, func.count())
        .where(Case.team_id.is_not(None), Case.status.in_(WAITING))
        .group_by(Case.team_id)
    ):
        if team_id in teams:
            waiting[teams[team_id]] = count
    unassigned = session.scalar(select(func.count()).where(Case.owner_id.is_(None), Case.status.in_(WAITING)))
    homeless = session.scalar(select(func.count()).where(Case.team_id.is_(None), Case.status.in_(ACTIVE)))
    due = (Job.state == "pending", Job.run_after <= now)
    ready = dict(session.execute(select(Job.kind, func.count()).where(*due).group_by(Job.kind)).all())
    oldest = session.scalar(select(func.min(Job.run_after)).where(*due))
    failed = session.scalar(select(func.count()).where(Job.state == "failed"))
    held = session.scalar(select(func.count()).where(Job.state == "pending", Job.kind == DELIVER, Job.attempts > 0))
    mail_in = {state.value: 0 for state in (InboundState.RECEIVED, InboundState.QUARANTINED)}
    mail_in.update(
        session.execute(
            select(InboundMail.state, func.count())
            .where(InboundMail.state.in_((InboundState.RECEIVED, InboundState.QUARANTINED)))
            .group_by(InboundMail.state)
        ).all()
    )
    breaches = session.execute(
        select(ServiceTarget.kind, func.count())
        .where(ServiceTarget.breached_at >= now - BREACH_WINDOW)
        .group_by(ServiceTarget.kind)
    ).all()
    return Backlog(
        waiting_by_team=waiting,
        unassigned=int(unassigned or 0),
        needing_a_team=int(homeless or 0),
        jobs_ready={str(kind): int(count) for kind, count in ready.items()},
        oldest_ready_job_seconds=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0,
        jobs_failed=int(failed or 0),
        mail_in={str(getattr(state, "value", state)): int(count) for state, count in mail_in.items()},
        mail_out_held=int(held or 0),
        breaches_by_kind={str(getattr(kind, "value", kind)): int(count) for kind, count in breaches},
    )
