"""A small desk's history, written straight into the tables: every headline figure has something to count."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sameside.callbacks.models import Callback, CallbackState
from sameside.cases.models import Case, TimelineEntry
from sameside.cases.repeats.models import RepeatContact
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.cases.service_levels.models import ServiceTarget
from sameside.cases.service_levels.rules import TargetKind
from sameside.cases.signals import sentiment
from sameside.consults.models import Consult
from sameside.customers.rules import Channel, Tier
from sameside.grants.models import Grant
from sameside.grants.rules import GrantKind, GrantState, Purpose
from sameside.surveys.models import Survey
from sameside.surveys.rules import SurveyState
from tests.factories import Factory

OPENERS = (
    "My parcel never arrived and nobody answers, this is awful",
    "Could you help me change my address please?",
    "I was charged twice, I am really angry about this",
    "The app crashes when I upload a photo",
)
LATER = ("Thanks, that works now!", "Still broken.", "Great, thank you so much", "ok")


def history(make: Factory, now: datetime, *, cases: int = 160, days: int = 20, seed: int = 7) -> dict[str, int]:
    """`cases` cases opened over the `days` before `now` in two teams (and none), with replies, transfers,
    restatements, repeats, consults, callbacks, surveys, grants and service targets at random."""
    rng = random.Random(seed)
    teams = [make.team("billing").id, make.team("shipping").id, None]
    departments = [make.department("warehouse").id, make.department("finance").id]
    customers = [make.customer(f"c{i}@example.com").id for i in range(12)]
    with make.db.unit_of_work() as s:
        made: list[Case] = []
        for i in range(cases):
            created = now - timedelta(days=days) + timedelta(minutes=rng.randrange(days * 24 * 60))
            customer_id = rng.choice(customers)
            case = Case(
                subject=f"Problem {i}",
                channel=Channel.EMAIL,
                customer_id=customer_id,
                team_id=rng.choice(teams),
                customer_tier=rng.choice(list(Tier)),
                created_at=created,
                updated_at=created,
                status=CaseStatus.OPEN,
            )
            if rng.random() < 0.85:
                case.first_human_reply_at = min(
                    now, created + timedelta(minutes=rng.choice([0, 3, 17, 45, 130, 900, 3000]))
                )
            s.add(case)
            s.flush()
            opening = rng.choice(OPENERS)
            entries = [(created, opening)]
            if rng.random() < 0.6:
                entries.append((created + timedelta(hours=rng.randrange(1, 30)), rng.choice(LATER)))
            for at, body in entries:
                s.add(
                    TimelineEntry(
                        case_id=case.id,
                        kind=EntryKind.MESSAGE,
                        is_public=True,
                        direction="inbound",
                        channel=Channel.EMAIL,
                        author_customer_id=customer_id,
                        body=body,
                        created_at=at,
                    )
                )
            case.sentiment = sentiment.tone([entries[-1][1]])
            case.last_customer_message_at = entries[-1][0]
            if rng.random() < 0.7:
                resolved = created + timedelta(hours=rng.randrange(1, 24 * 6))
                if resolved < now:
                    case.status = CaseStatus.RESOLVED
                    case.resolved_at = resolved
                    if rng.random() < 0.2:
                        case.came_back_at = resolved + timedelta(days=rng.randrange(1, 7))
            for _ in range(rng.choice([0, 0, 0, 1, 2])):
                s.add(
                    TimelineEntry(
                        case_id=case.id,
                        kind=EntryKind.EVENT,
                        is_public=False,
                        event=EventType.TRANSFERRED,
                        data={},
                        created_at=created + timedelta(minutes=30),
                    )
                )
                if rng.random() < 0.4:
                    s.add(
                        TimelineEntry(
                            case_id=case.id,
                            kind=EntryKind.EVENT,
                            is_public=False,
                            event=EventType.RESTATEMENT_DETECTED,
                            data={},
                            created_at=created + timedelta(hours=1),
                        )
                    )
            if made and rng.random() < 0.15:
                s.add(
                    RepeatContact(
                        case_id=case.id, earlier_id=made[-1].id, score=0.9, shared="order", detected_at=created
                    )
                )
            if rng.random() < 0.3:
                due = created + timedelta(hours=rng.randrange(1, 48))
                answered = due + timedelta(minutes=rng.randrange(-600, 600)) if rng.random() < 0.8 else None
                answered = answered if answered and answered < now else None
                s.add(_consult(case.id, rng.choice(departments), created, due, answered))
            if rng.random() < 0.2:
                starts = created + timedelta(hours=rng.randrange(1, 72))
                state = rng.choice(list(CallbackState)) if starts < now else CallbackState.BOOKED
                s.add(
                    Callback(
                        case_id=case.id,
                        customer_id=customer_id,
                        phone="+44 20 7946 0000",
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=30),
                        state=state,
                        created_at=created,
                    )
                )
            if case.resolved_at is not None and rng.random() < 0.6:
                sent = case.resolved_at + timedelta(hours=1)
                if sent < now:
                    answered_at = sent + timedelta(hours=rng.randrange(1, 40)) if rng.random() < 0.7 else None
                    answered_at = answered_at if answered_at and answered_at < now else None
                    s.add(
                        Survey(
                            case_id=case.id,
                            customer_id=customer_id,
                            team_id=case.team_id,
                            state=SurveyState.ANSWERED if answered_at else SurveyState.SENT,
                            sent_at=sent,
                            score=rng.randint(1, 5) if answered_at else None,
                            answered_at=answered_at,
                            created_at=sent,
                        )
                    )
            if rng.random() < 0.25:
                issued = created + timedelta(hours=rng.randrange(1, 48))
                s.add(
                    Grant(
                        case_id=case.id,
                        customer_id=customer_id,
                        kind=GrantKind.VOUCHER,
                        purpose=rng.choice(list(Purpose)),
                        amount_minor=rng.randrange(100, 5000),
                        currency=rng.choice(["EUR", "EUR", "GBP"]),
                        reason="Sorry",
                        state=rng.choice([GrantState.ISSUED, GrantState.ISSUED, GrantState.REVERSED]),
                        requested_at=issued,
                        issued_at=issued if issued < now else None,
                    )
                )
            if rng.random() < 0.8:
                target_end = created + timedelta(hours=rng.randrange(1, 30))
                met = rng.random() < 0.7
                s.add(
                    ServiceTarget(
                        case_id=case.id,
                        team_id=case.team_id,
                        kind=TargetKind.FIRST_REPLY,
                        target_minutes=480,
                        started_at=created,
                        met=met,
                        ended_at=target_end if met and target_end < now else None,
                        breached_at=None if met or target_end >= now else target_end,
                    )
                )
            made.append(case)
    return {"cases": cases}


def _consult(case_id: int, department_id: int, asked: datetime, due: datetime, answered: datetime | None) -> Consult:
    return Consult(
        case_id=case_id,
        department_id=department_id,
        question="Where is it?",
        asked_at=asked,
        due_at=due,
        answer="Found it" if answered else None,
        answered_at=answered,
    )
