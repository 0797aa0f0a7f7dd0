"""How a case's conversation goes: who says what, and when, on the way to the status it ends in.

The planner calls `converse` once per case; the `Script` it writes into keeps
the case's status the way the domain services will, so the plan plays back
without surprises.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal, TypeVar

from sameside.cases import rules
from sameside.cases.rules import CaseStatus, Priority
from sameside.cases.signals import sentiment
from sameside.customers.rules import Channel, Tier
from sameside.demo.plan_types import CUSTOMER, SYSTEM_KEY, StaffPlan, Step, StepKind
from sameside.demo.stories import (
    AGAIN_FIXES,
    AGAIN_REPLIES,
    AGENT_NOTES,
    ASSIGN_NOTES,
    BRIEF_PROMISED,
    BRIEF_TRIED,
    CHASERS,
    CONFIRM,
    ESCALATIONS,
    FOLLOW_UPS,
    HANDOFF_REPLIES,
    HOLDING,
    REOPEN_NOTES,
    RESOLVE_NOTES,
    RESTATEMENT_LEADS,
    RESUMING,
    THANKS,
    TRIAGE_TAGS,
    Lines,
    Topic,
)

T = TypeVar("T")


def as_duration(value: float) -> timedelta:
    """`value` minutes, rounded to the second, and never under 20 seconds."""
    return timedelta(seconds=max(20, round(value * 60)))


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    """A number between `low` and `high`, as likely in each doubling (short waits common, long ones possible)."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def fill(template: str, context: dict[str, str]) -> str:
    return template.format_map(context)


@dataclass
class Script:
    """A case's conversation as it is planned, tracking its status the way the services will."""

    rng: random.Random
    channel: Channel
    priority: Priority
    context: dict[str, str]
    owner: str
    tags: list[str]
    steps: list[Step] = field(default_factory=list)
    t: timedelta = timedelta(0)
    status: CaseStatus = CaseStatus.NEW
    owned: bool = False
    replied: bool = False
    used: set[object] = field(default_factory=set)
    greeting: str = ""
    closing: str = ""
    open_consults: int = 0

    def __post_init__(self) -> None:
        # Each agent writes in one style for the whole conversation.
        first, agent = self.context["first"], self.context["agent"]
        formal = " " in first  # "Dr Okafor", "Frau Weber": a title, so no "Hi"
        greetings = ("Dear {0},", "Hello {0},") if formal else ("Hi {0},", "Hello {0},", "Hi {0},", "Dear {0},")
        self.greeting = self.rng.choice(greetings).format(first)
        self.closing = self.rng.choice(("{0}", "Best,\n{0}", "Talk soon,\n{0}", "Thanks,\n{0}")).format(agent)

    def fresh(self, pool: Sequence[T]) -> T:
        """A line from `pool` not yet used on this case, if there is one."""
        unused = [item for item in pool if item not in self.used]
        choice = self.rng.choice(unused or list(pool))
        self.used.add(choice)
        return choice

    # timing

    def wait(self, who: Literal["customer", "staff", "internal", "quick", "days"]) -> None:
        chat = self.channel is Channel.CHAT
        if who == "customer":
            minutes = log_uniform(self.rng, 1, 6) if chat else log_uniform(self.rng, 25, 30 * 60)
        elif who == "staff":
            minutes = log_uniform(self.rng, 1, 4) if chat else log_uniform(self.rng, 6, 8 * 60)
            if self.priority in (Priority.HIGH, Priority.URGENT):
                minutes *= 0.4
        elif who == "internal":
            minutes = log_uniform(self.rng, 3 * 60, 2 * 24 * 60)
        elif who == "quick":
            minutes = self.rng.uniform(0.5, 3)
        else:
            minutes = 7 * 24 * 60 + self.rng.uniform(5, 60)
        self.t += as_duration(minutes)

    # steps

    def _add(self, kind: StepKind, by: str, **values: Any) -> None:
        self.steps.append(Step(after=self.t, kind=kind, by=by, **values))

    def customer(self, text: str) -> None:
        self.wait("customer")
        # After a phone call, customers write or call again.
        channel = self.rng.choice((Channel.PHONE, Channel.EMAIL)) if self.channel is Channel.PHONE else self.channel
        self._add("customer", CUSTOMER, body=fill(text, self.context), channel=channel)
        if self.status is CaseStatus.RESOLVED:
            self.status = CaseStatus.OPEN
        else:
            self.status = rules.status_after_customer_message(self.status)

    def reply(
        self, text: str, *, status: CaseStatus | None = None, by: str | None = None, confirm: bool = False
    ) -> None:
        by = by or self.owner
        self.wait("staff")
        body = fill(text, self.context)
        if confirm:
            body = f"{body} {self.fresh(CONFIRM)}"
        self._add(
            "reply",
            by,
            body=self._letter(body),
            status=status,
            channel=Channel.EMAIL if self.channel is Channel.PHONE else None,
        )
        self.status = rules.status_after_staff_reply(self.status, status)
        self.owned = True
        self.replied = True

    def _letter(self, body: str) -> str:
        if self.channel is Channel.CHAT:
            return f"Hi {self.context['first']}! {body}" if not self.replied else body
        return f"{self.greeting}\n\n{body}\n\n{self.closing}"

    def note(self, text: str, *, by: str | None = None, context: dict[str, str] | None = None) -> None:
        self.wait("quick")
        self._add("note", by or self.owner, body=fill(text, {**self.context, **(context or {})}))

    def hand_on(self, first: StaffPlan, team: str, opening: str, *, repeat: bool) -> None:
        """A first agent answers, then hands the case to its owner in `team` with a brief (P2).

        With `repeat`, the customer is made to tell their story again anyway — which the desk records.
        """
        self.wait("staff")
        letter = f"{self.greeting}\n\n{fill(self.fresh(HANDOFF_REPLIES), self.context)}\n\n{first.name.split()[0]}"
        self._add("reply", first.email, body=letter, channel=None)
        self.status = rules.status_after_staff_reply(self.status, None)
        self.replied = True
        self.wait("quick")
        brief = (
            opening[:500],
            fill(self.fresh(BRIEF_TRIED), self.context),
            fill(self.fresh(BRIEF_PROMISED), self.context),
            sentiment.describe(sentiment.tone([opening])),
        )
        self._add("transfer", first.email, team=team, owner=self.owner, brief=brief)
        self.owned = True
        if repeat:
            self.customer(f"{self.fresh(RESTATEMENT_LEADS)} {opening}")

    def consult(self, department: str, question: str) -> None:
        """The owner asks a department inside the case (P4); the case waits on internal."""
        self.wait("quick")
        self._add("consult", self.owner, body=fill(question, self.context), department=department)
        if (
            self.status is not CaseStatus.WAITING_ON_INTERNAL
            and CaseStatus.WAITING_ON_INTERNAL in rules.TRANSITIONS.get(self.status, frozenset())
        ):
            self.status = CaseStatus.WAITING_ON_INTERNAL
        self.open_consults += 1

    def answer(self, by: str, text: str) -> None:
        """The department answers the open consult; with none left open, the ball is back with the owner."""
        self.wait("internal")
        self._add("answer", by, body=fill(text, self.context))
        self.open_consults -= 1
        if not self.open_consults and self.status is CaseStatus.WAITING_ON_INTERNAL:
            self.status = CaseStatus.OPEN

    def assign(self, by: str, text: str, context: dict[str, str]) -> None:
        self.wait("staff")
        self._add("assign", by, owner=self.owner)
        self.note(text, by=by, context=context)
        self.owned = True

    def details(self, by: str, *, priority: Priority | None = None, tag: str | None = None) -> None:
        self.wait("quick")
        tags = None
        if tag is not None and tag not in self.tags:
            self.tags.append(tag)
            tags = tuple(self.tags)
        if priority is self.priority:
            priority = None
        if priority is None and tags is None:
            return
        if priority is not None:
            self.priority = priority
        self._add("details", by, priority=priority, tags=tags)

    def change_status(self, by: str, status: CaseStatus, *, wait: Literal["staff", "quick", "days"]) -> None:
        self.wait(wait)
        rules.check_transition(self.status, status)
        self._add("status", by, status=status)
        self.status = status

    def resolve(self, note: str | None = None) -> None:
        self.wait("quick" if self.channel is Channel.CHAT else "staff")
        rules.check_transition(self.status, CaseStatus.RESOLVED)
        self._add("resolve", self.owner, body=note or "")
        self.status = CaseStatus.RESOLVED

    def reopen(self) -> None:
        self.wait("staff")
        rules.check_reopen(self.status)
        self._add("reopen", self.owner)
        self.status = CaseStatus.OPEN


def converse(
    s: Script,
    rng: random.Random,
    status: CaseStatus,
    topic: Topic,
    lines: Lines,
    owner: StaffPlan,
    supervisor: StaffPlan,
    back_office: list[StaffPlan],
    tier: Tier,
    triaged: bool,
) -> None:
    """Write the conversation of a case that ends up in `status`."""
    pick = s.fresh
    assign_context = {"owner": owner.name.split()[0], "tier": tier.value.title()}
    assign_notes = ASSIGN_NOTES if tier is not Tier.STANDARD else tuple(n for n in ASSIGN_NOTES if "{tier}" not in n)

    def internal_round() -> None:
        """The owner asks the back office a question inside the case (a consult)."""
        s.consult(topic.department, pick(lines.internal))

    def back_office_answers() -> None:
        s.answer(pick(back_office).email, pick(lines.backoffice))

    def maybe_details() -> None:
        if rng.random() < 0.3:
            extra = pick(topic.extra_tags) if topic.extra_tags and rng.random() < 0.7 else pick(TRIAGE_TAGS)
            bump = Priority.HIGH if s.priority in (Priority.LOW, Priority.NORMAL) and rng.random() < 0.15 else None
            s.details(s.owner, priority=bump, tag=extra)

    if status is CaseStatus.NEW:
        if s.channel is not Channel.CHAT and rng.random() < 0.3:
            s.customer(pick(CHASERS))
        if triaged and s.channel is not Channel.PHONE and rng.random() < 0.2:
            s.assign(supervisor.email, pick(assign_notes), assign_context)
        elif rng.random() < 0.12:
            s.details(
                supervisor.email,
                priority=Priority.HIGH if s.priority is not Priority.URGENT else None,
                tag=pick(TRIAGE_TAGS),
            )
        return

    # Before the first reply: sometimes a supervisor routes it, sometimes the customer nudges.
    if s.channel is not Channel.PHONE and rng.random() < 0.25:
        s.assign(supervisor.email, pick(assign_notes), assign_context)
    if s.channel not in (Channel.CHAT, Channel.PHONE) and rng.random() < 0.15:
        s.customer(pick(CHASERS))

    def ask_and_answer() -> None:
        ask, answer = pick(lines.exchanges)
        s.reply(ask, status=CaseStatus.WAITING_ON_CUSTOMER)
        s.customer(answer)

    def through_back_office() -> None:
        internal_round()
        s.reply(pick(lines.handoffs), status=CaseStatus.WAITING_ON_INTERNAL)
        if s.channel is not Channel.CHAT and rng.random() < 0.3:
            s.customer(pick(CHASERS))
            s.reply(pick(HOLDING))
        back_office_answers()

    def solve() -> None:
        """Get to the fix by one of the usual roads, ending with the fix sent."""
        road = rng.random()
        if road < 0.35:
            ask_and_answer()
        elif road < 0.7:
            if rng.random() < 0.5:
                s.reply(pick(lines.looking))
            through_back_office()
        else:
            s.reply(pick(lines.looking))
            if rng.random() < 0.3:
                s.note(pick(AGENT_NOTES))
        maybe_details()
        confirm = rng.random() < 0.55
        s.reply(pick(lines.fixes), status=CaseStatus.WAITING_ON_CUSTOMER if confirm else None, confirm=confirm)
        if confirm and rng.random() < 0.6:
            s.customer(pick(THANKS))
            s.resolve(pick(RESOLVE_NOTES) if rng.random() < 0.3 else None)
        elif confirm:
            s.wait("days")
            s.resolve(RESOLVE_NOTES[1])
        else:
            s.resolve(pick(RESOLVE_NOTES) if rng.random() < 0.3 else None)

    match status:
        case CaseStatus.OPEN:
            road = rng.random()
            if road < 0.4:
                ask_and_answer()
            elif road < 0.7:
                s.reply(pick(lines.looking))
                if rng.random() < 0.4:
                    s.note(pick(AGENT_NOTES))
                if s.channel is not Channel.CHAT and rng.random() < 0.4:
                    s.customer(pick(CHASERS))
                    if rng.random() < 0.25:
                        s.customer(pick(ESCALATIONS))  # goes back to the owner and their supervisor (P3)
            else:
                s.reply(pick(lines.looking))
                through_back_office()
                if rng.random() < 0.5:
                    s.reply(pick(RESUMING))
            maybe_details()
        case CaseStatus.WAITING_ON_CUSTOMER:
            if rng.random() < 0.6:
                if rng.random() < 0.3:
                    s.reply(pick(lines.looking))
                    maybe_details()
                s.reply(pick(lines.exchanges)[0], status=CaseStatus.WAITING_ON_CUSTOMER)
            else:
                s.reply(pick(lines.looking))
                through_back_office()
                s.reply(pick(lines.fixes), status=CaseStatus.WAITING_ON_CUSTOMER, confirm=True)
        case CaseStatus.WAITING_ON_INTERNAL:
            if rng.random() < 0.4:
                ask_and_answer()
            maybe_details()
            internal_round()
            s.reply(pick(lines.handoffs), status=CaseStatus.WAITING_ON_INTERNAL)
            if s.channel is not Channel.CHAT and rng.random() < 0.35:
                s.customer(pick(CHASERS))
                if rng.random() < 0.3:
                    s.customer(pick(ESCALATIONS))
                s.reply(pick(HOLDING))
        case CaseStatus.RESOLVED | CaseStatus.CLOSED:
            solve()
            if status is CaseStatus.CLOSED:
                if rng.random() < 0.2:
                    # It came back: the customer writes again, or we catch it first.
                    if rng.random() < 0.7:
                        s.customer(pick(lines.relapses))
                        s.reply(pick(AGAIN_REPLIES))
                        if rng.random() < 0.5:
                            internal_round()
                            back_office_answers()
                        s.reply(pick(AGAIN_FIXES))
                    else:
                        s.reopen()
                        s.note(pick(REOPEN_NOTES))
                        s.reply(pick(FOLLOW_UPS))
                    s.resolve()
                if rng.random() < 0.7:
                    s.change_status(SYSTEM_KEY, CaseStatus.CLOSED, wait="days")
                else:
                    s.change_status(s.owner, CaseStatus.CLOSED, wait="staff")
        case _:
            raise AssertionError(status)
    assert s.replied


# ---------------------------------------------------------------- seeding
