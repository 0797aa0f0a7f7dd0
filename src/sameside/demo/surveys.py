"""The demo's surveys (P10): one answered with a comment, and the same customer's next one skipped — one went last week.

Made of the demo's own resolved cases: a customer with two of them. The
older one's survey went an hour after it was resolved and was answered, warmly but with a
point for the team; the newer one, resolved a week or so later, got none, and its
timeline says why. No mail is queued: the demo's past is never sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from sameside.cases import events, timeline
from sameside.cases.models import Case
from sameside.cases.rules import CaseStatus
from sameside.contact.rules import Policy
from sameside.kit import clock
from sameside.surveys import rules
from sameside.surveys import service as surveys
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState, Via

HOUR, DAY, WEEK, MONTH = timedelta(hours=1), timedelta(days=1), timedelta(days=7), timedelta(days=30)
DONE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
COMMENT = "Dana sorted it in one reply, thank you. The first answer I got from the bot was no help, though."


def seed_surveys(session: Session, opened: Sequence[Case], now: datetime) -> tuple[int, int] | None:
    """The answered survey's case and the skipped one's; None when no customer has two resolved cases."""
    resolved: dict[int, list[Case]] = defaultdict(list)
    for case in opened:
        if case.status in DONE and case.resolved_at is not None and _settled(case) <= now - HOUR:
            resolved[case.customer_id].append(case)
    pairs = [
        (a, b)
        for cases in resolved.values()
        for a in cases
        for b in cases
        if b.status is CaseStatus.RESOLVED and DAY <= _gap((a, b)) < MONTH
    ]
    if not pairs:
        return None
    # A gap of a week or two reads "last week", the story the demo tells; any gap within the month will do.
    earlier, later = min(pairs, key=lambda p: (not WEEK <= _gap(p) < 2 * WEEK, -p[1].id))
    assert earlier.resolved_at is not None and later.resolved_at is not None
    sent_at = _settled(earlier) + HOUR
    answered = Survey(
        case_id=earlier.id,
        customer_id=earlier.customer_id,
        team_id=earlier.team_id,
        owner_id=earlier.owner_id,
        state=SurveyState.SENT,
        sent_at=sent_at,
        expires_at=sent_at + timedelta(days=rules.LINK_DAYS),
        answers=0,
        created_at=sent_at,
    )
    session.add(answered)
    session.flush()
    timeline.add_event(session, earlier, surveys.SOFTWARE, events.SurveySent(survey_id=answered.id), at=sent_at)
    with clock.frozen(sent_at + timedelta(hours=3)):
        surveys.answer(session, answered.id, 4, COMMENT, via=Via.EMAIL, customer=None)
    considered_at = later.resolved_at + HOUR
    held = rules.why_not(
        policy=Policy(),
        wants_surveys=True,
        other_open=[],
        last_sent_at=sent_at,
        has_address=True,
        now=considered_at,
    )
    assert held is not None  # within the thirty days
    skipped = Survey(
        case_id=later.id,
        customer_id=later.customer_id,
        team_id=later.team_id,
        owner_id=later.owner_id,
        state=SurveyState.SKIPPED,
        skipped=held[0],
        reason=held[1],
        answers=0,
        created_at=considered_at,
    )
    session.add(skipped)
    session.flush()
    timeline.add_event(
        session,
        later,
        surveys.SOFTWARE,
        events.ContactHeld(purpose=surveys.PURPOSE, reason=held[1], survey_id=skipped.id),
        at=considered_at,
    )
    return earlier.id, later.id


def _settled(case: Case) -> datetime:
    """When a resolved (or closed) case last moved: its survey goes an hour after."""
    assert case.resolved_at is not None
    return max(case.resolved_at, case.closed_at or case.resolved_at)


def _gap(pair: tuple[Case, Case]) -> timedelta:
    earlier, later = pair
    assert later.resolved_at is not None
    return later.resolved_at - _settled(earlier)
