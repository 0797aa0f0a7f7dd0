"""A believable demo desk: teams, back office, customers and a couple of hundred cases.

Seeding happens in two steps. `plan_demo` decides everything — who works
here, who the customers are, what each case is about and how its conversation
went — from the seed alone, without a database. `seed_demo` then plays that
plan through the domain services, with the clock frozen at each moment, so
every timeline is built the way the desk would have built it. The same seed
gives the same demo every time.

Text is written for Sameside's voice: the customer's problem in their own
words, and replies that take the customer's side, own the fix and never blame.

The pieces: `plan_types` (the plan's shape), `stories` (what cases are about),
`cast` (who and what the demo is made of), `conversation` and `plan` (the
planner), and this module (the public entry points and the playback).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.auth.service import customer_actor, staff_actor
from sameside.cases import service as cases_service
from sameside.cases.models import Case
from sameside.cases.repeats import service as repeats
from sameside.cases.routing import homes
from sameside.cases.rules import CaseStatus, HandoffBrief
from sameside.config import Settings
from sameside.consults import service as consults
from sameside.consults.models import Consult
from sameside.customers import service as customers_service
from sameside.customers.models import Customer, Organization
from sameside.customers.rules import Channel, IdentityKind
from sameside.customers.service import PreferenceChanges
from sameside.demo.business import seed_business
from sameside.demo.calls import seed_calls
from sameside.demo.case_links import seed_case_links
from sameside.demo.cast import DEMO_ADMIN_EMAIL, DEMO_AGENT_EMAIL, DEMO_CUSTOMER_EMAIL, DEMO_SUPERVISOR_EMAIL
from sameside.demo.feedback import seed_feedback
from sameside.demo.incidents import seed_incident
from sameside.demo.knowledge import seed_knowledge
from sameside.demo.plan import plan_demo
from sameside.demo.plan_types import (
    CUSTOMER,
    STRUCTURE_AGE,
    SYSTEM_KEY,
    CasePlan,
    CustomerPlan,
    DemoPlan,
    DepartmentPlan,
    OrganizationPlan,
    Step,
    TeamPlan,
)
from sameside.demo.remedies import seed_remedies
from sameside.demo.repeats import seed_repeats
from sameside.demo.saved_replies import seed_saved_replies
from sameside.demo.surveys import seed_surveys
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.kit.actors import Actor, CustomerActor, SystemActor
from sameside.kit.hours import Hours, parse_hours
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.outbox import DELIVER
from sameside.reports import service as report_rollups
from sameside.staff import service as staff_service
from sameside.staff.models import Department, Staff, Team
from sameside.staff.queries import staff_by_email

DEMO_PASSWORD = "sameside-demo"  # noqa: S105 - published on purpose, for the demo accounts only

SYSTEM = SystemActor("demo")


def already_seeded(session: Session) -> bool:
    """Whether the demo is there already (its admin exists)."""
    return staff_by_email(session, DEMO_ADMIN_EMAIL) is not None


def seed_demo(session: Session, *, cases: int = 240, seed: int = 7, hours: Hours | None = None) -> str:
    """Fill the database with the demo through the domain services; returns a summary. Never commits.

    `hours` are the business hours consults are due in (the default settings' when not given).
    """
    if already_seeded(session):
        return f"Demo data is already there ({DEMO_ADMIN_EMAIL} exists); nothing was added."
    plan = plan_demo(cases=cases, seed=seed)
    now = clock.now().replace(microsecond=0)
    started = now - STRUCTURE_AGE
    with clock.frozen(started):
        teams = {t.slug: _team(session, t) for t in plan.teams}
        # Every case has a home: what arrives on no team's address goes to the front line.
        homes.set_home(session, SYSTEM, homes.DEFAULT, teams["support"])
        departments = {d.slug: _department(session, d) for d in plan.departments}
        staff = {
            s.email: staff_service.add_staff(
                session,
                SYSTEM,
                email=s.email,
                name=s.name,
                role=s.role,
                team_id=teams[s.team].id if s.team else None,
                department_id=departments[s.department].id if s.department else None,
                password=DEMO_PASSWORD,
                languages=list(s.languages),
                products=list(s.products),
            )
            for s in plan.staff
        }
        organizations = [_organization(session, o) for o in plan.organizations]
    customers = _seed_customers(session, plan.customers, now)
    actors: dict[str, Actor] = {email: staff_actor(row) for email, row in staff.items()}
    actors[SYSTEM_KEY] = SYSTEM
    messages: set[int] = set()
    playback = _Playback(session, now, teams, departments, staff, customers, actors, messages, hours or _HOURS)
    with repeats.paused():  # each case's history is played whole, one case after another
        opened = [playback.case(c) for c in plan.cases]
    # Routing is switched on after the history (which predates it); what arrives now shows who it picks.
    with clock.frozen(now - min((c.ago for c in plan.arrivals), default=now - now) - _MINUTE):
        for slug, routing in plan.routing:
            staff_service.set_routing(session, SYSTEM, teams[slug], routing)
    with repeats.paused():
        opened += [playback.case(c) for c in plan.arrivals]
    session.flush()
    messages |= seed_remedies(session, actors[DEMO_ADMIN_EMAIL], actors, opened)
    seed_knowledge(session, actors[DEMO_ADMIN_EMAIL], opened)
    seed_saved_replies(session, staff, admin_email=DEMO_ADMIN_EMAIL, agent_email=DEMO_AGENT_EMAIL)
    seed_case_links(session, actors[DEMO_ADMIN_EMAIL], opened)
    seed_calls(session, staff_actor(staff[DEMO_AGENT_EMAIL]), opened, hours or _HOURS)
    seed_surveys(session, opened, now)
    seed_repeats(session, opened, staff[DEMO_AGENT_EMAIL], now)
    seed_feedback(session, opened, staff[DEMO_AGENT_EMAIL], teams["billing"], now)  # P15: a complaint reaches Billing
    seed_business(session, actors[DEMO_ADMIN_EMAIL], now, teams["support"])
    seed_incident(session, staff[DEMO_SUPERVISOR_EMAIL], now, seed=seed)  # an outage, declared as it happens
    _never_send(session, messages)
    # The reports page reads the daily rollups: the history is rolled up now, not when a worker first runs.
    report_rollups.roll_up(session, now)

    by_status = Counter(session.scalars(select(Case.status)))  # the plan's cases and the stories' own
    statuses = ", ".join(f"{status.value.replace('_', ' ')} {by_status[status]}" for status in CaseStatus)
    return (
        f"Demo data: {len(teams)} teams, {len(departments)} departments, {len(staff)} staff, "
        f"{len(organizations)} organizations, {len(customers)} customers and {by_status.total()} cases "
        f"({statuses})."
    )


NEVER_SENT = "demo data: never sent"


def _never_send(session: Session, messages: set[int]) -> None:
    """Settle the emails the demo's replies queued, without sending them.

    Its conversations happened in the past and its addresses are fictional, so
    no mail worker may pick these up. Only the demo's own `messages` (timeline
    entry ids) are touched; anything else waiting to go out still goes.
    """
    queued = session.scalars(
        select(OutboundMail).where(OutboundMail.entry_id.in_(messages), OutboundMail.state == OutboundState.QUEUED)
    ).all()
    ours = {mail.id for mail in queued}
    for mail in queued:
        mail.state = OutboundState.SUPPRESSED
        mail.last_error = NEVER_SENT
    for job in session.scalars(select(Job).where(Job.kind == DELIVER, Job.state == "pending")):
        if job.payload.get("outbound_id") in ours:
            job.state = "done"
            job.last_error = NEVER_SENT
    session.flush()


def _team(session: Session, plan: TeamPlan) -> Team:
    existing = session.scalar(select(Team).where(Team.slug == plan.slug))
    return existing or staff_service.create_team(session, SYSTEM, slug=plan.slug, name=plan.name, email=plan.email)


def _department(session: Session, plan: DepartmentPlan) -> Department:
    existing = session.scalar(select(Department).where(Department.slug == plan.slug))
    return existing or staff_service.create_department(
        session, SYSTEM, slug=plan.slug, name=plan.name, service_level_hours=plan.service_level_hours
    )


def _organization(session: Session, plan: OrganizationPlan) -> Organization:
    existing = session.scalar(select(Organization).where(Organization.domain == plan.domain))
    return existing or customers_service.create_organization(
        session, SYSTEM, name=plan.name, domain=plan.domain, tier=plan.tier
    )


def _seed_customers(session: Session, plans: tuple[CustomerPlan, ...], now: datetime) -> dict[int, Customer]:
    """Customers in the order we first met them; keyed by their index in the plan."""
    rows: dict[int, Customer] = {}
    for index in sorted(range(len(plans)), key=lambda i: -plans[i].ago):
        plan = plans[index]
        with clock.frozen(now - plan.ago):
            customer, _ = customers_service.find_or_create(
                session, kind=IdentityKind.EMAIL, value=plan.email, name=plan.name
            )
            if plan.phone is not None:
                customers_service.add_identity(session, SYSTEM, customer, IdentityKind.PHONE, plan.phone)
            changes = PreferenceChanges()
            if plan.tier is not None:
                changes.tier = plan.tier
            prefs = plan.preferences
            if prefs is not None:
                changes.preferred_channel = prefs.preferred_channel
                changes.language = prefs.language
                changes.form_of_address = prefs.form_of_address
                changes.timezone = prefs.timezone
                if prefs.contact_window is not None:
                    changes.contact_window_start, changes.contact_window_end = prefs.contact_window
                changes.accessibility_notes = prefs.accessibility_notes
            if plan.tier is not None or prefs is not None:
                customers_service.update_customer(session, SYSTEM, customer, changes)
        rows[index] = customer
    return rows


_HOURS = parse_hours(
    Settings.model_fields["business_hours"].default, Settings.model_fields["business_timezone"].default
)
_MINUTE = timedelta(minutes=1)


@dataclass
class _Playback:
    """Plays planned cases through the domain services, each step at its own frozen moment."""

    session: Session
    now: datetime
    teams: dict[str, Team]
    departments: dict[str, Department]
    staff: dict[str, Staff]
    customers: dict[int, Customer]
    actors: dict[str, Actor]
    messages: set[int]
    """The ids of every message written, so their email is never sent."""
    hours: Hours

    def case(self, plan: CasePlan) -> Case:
        """Open and play one case."""
        session, actors = self.session, self.actors
        customer = self.customers[plan.customer]
        actors[CUSTOMER] = customer_actor(customer)
        opened_at = self.now - plan.ago
        with clock.frozen(opened_at):
            case = cases_service.open_case(
                session,
                actors[plan.opened_by],
                customer=customer,
                subject=plan.subject,
                body=plan.body,
                channel=plan.channel,
                team=self.teams[plan.team] if plan.team else None,
                priority=plan.priority,
                tags=list(plan.tags),
                shared_with_organization=plan.shared,
            )
        for step in plan.steps:
            with clock.frozen(opened_at + step.after):
                self._step(case, step)
        return case

    def _step(self, case: Case, step: Step) -> None:
        session, actor, staff = self.session, self.actors[step.by], self.staff
        match step.kind:
            case "customer":
                assert isinstance(actor, CustomerActor)
                entry = cases_service.receive_message(
                    session, actor, case, step.body, channel=step.channel or Channel.PORTAL
                )
                self.messages.add(entry.id)
            case "reply":
                entry = cases_service.reply(session, actor, case, step.body, channel=step.channel, status=step.status)
                self.messages.add(entry.id)
            case "note":
                cases_service.add_note(session, actor, case, step.body)
            case "assign":
                cases_service.assign(session, actor, case, staff[step.owner] if step.owner else None)
            case "transfer":
                assert step.brief is not None and step.team is not None
                problem, tried, promised, feeling = step.brief
                cases_service.transfer(
                    session,
                    actor,
                    case,
                    brief=HandoffBrief(problem=problem, tried=tried, promised=promised, feeling=feeling),
                    team=self.teams[step.team],
                    owner=staff[step.owner] if step.owner else None,
                )
            case "consult":
                assert step.department is not None
                consults.ask(session, actor, case, self.departments[step.department], step.body, self.hours)
            case "answer":
                waiting = session.scalar(
                    select(Consult.id)
                    .where(Consult.case_id == case.id, Consult.answered_at.is_(None))
                    .order_by(Consult.id)
                    .limit(1)
                )
                assert waiting is not None, f"case #{case.id}: an answer with no consult open"
                consults.answer(session, actor, waiting, step.body)
            case "details":
                cases_service.update_details(
                    session,
                    actor,
                    case,
                    priority=step.priority,
                    tags=list(step.tags) if step.tags is not None else None,
                )
            case "status":
                assert step.status is not None
                cases_service.change_status(session, actor, case, step.status)
            case "resolve":
                cases_service.resolve(session, actor, case, note=step.body or None)
            case "reopen":
                cases_service.reopen(session, actor, case)


__all__ = [
    "DEMO_ADMIN_EMAIL",
    "DEMO_AGENT_EMAIL",
    "DEMO_CUSTOMER_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_SUPERVISOR_EMAIL",
    "DemoPlan",
    "already_seeded",
    "plan_demo",
    "seed_demo",
]
