"""The demo's outage (P11): signing in to the app fails on the European servers, and the customers hear it from us.

A supervisor declares it with the customers on those servers as an uploaded
list (the demo's customers with no open case, and a couple of hundred account
holders who never wrote to us — most customers never do), tells everyone on
it, and scopes the open sign-in cases into it by their tag. About 300
customers are told, in the three batches the worker would send; then two
customers, the demo customer first, write about it and are linked and
acknowledged with where it stands. It is still going on:
the portal shows it, linked cases carry its banner.

It happens as the demo is seeded, after everything else (so each linked
case's timeline stays in order), and none of its mail is ever sent: the
addresses are made up.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from faker import Faker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sameside.auth.service import customer_actor, staff_actor
from sameside.cases import contacts
from sameside.cases import service as cases_service
from sameside.cases.models import Case, CaseTag
from sameside.cases.rules import ACTIVE
from sameside.customers import service as customers_service
from sameside.customers.models import Customer, CustomerIdentity
from sameside.customers.rules import Channel, IdentityKind
from sameside.demo.cast import DEMO_CUSTOMER_EMAIL
from sameside.incidents import intake, reach
from sameside.incidents import service as incidents
from sameside.jobs.models import Job
from sameside.kit import clock
from sameside.mail.models import OutboundMail, OutboundState
from sameside.mail.outbox import DELIVER
from sameside.staff.models import Staff

NEVER_SENT = "demo data: never sent"
"""As `seed.NEVER_SENT` says it (imported there from here would be circular)."""
TITLE = "Signing in to the app fails (error 503)"
MESSAGE = (
    "Signing in to our app and website fails for many of you in Europe with “error 503”. Your account, "
    "your orders and your payments are safe: nothing is lost, and no payment is taken twice. "
    "Our engineers are on it."
)
PATTERN = '"error 503"'
TAGS = ("login",)
TOLD = 300
"""About how many customers are told: the list is filled up to it with account holders who never wrote."""
STRANGERS = ("old.address@mailbox.example", "left.us@inbox.example")
"""Addresses on the list that are no customer: reported back, never added."""
BEGAN = timedelta(minutes=55)
NEW_CONTACTS = (
    (
        "Can't sign in — error 503",
        "Hi, for the last hour the app only shows error 503 when I sign in. Is it you or me?",
    ),
    ("App login broken", "Your website says error 503 when I try to log in, and I need my invoice today."),
)


def seed_incident(session: Session, supervisor: Staff, now: datetime, *, seed: int = 7) -> int | None:
    """Declare the outage, tell those on the list, link two new contacts; returns the incident's id.

    None when the demo has no customers to tell.
    """
    rng = random.Random(seed)  # noqa: S311 - made-up names, not secrets
    known: list[tuple[str, int]] = [
        (value, customer_id)
        for value, customer_id in session.execute(
            select(CustomerIdentity.value, CustomerIdentity.customer_id)
            .where(CustomerIdentity.kind == IdentityKind.EMAIL)
            .order_by(CustomerIdentity.id)
        )
    ]
    if not known:
        return None
    first_mail = (session.scalar(select(func.max(OutboundMail.id))) or 0) + 1
    with_open = set(session.scalars(select(Case.customer_id).where(Case.status.in_(ACTIVE))))
    signing_in = set(
        session.scalars(
            select(Case.customer_id).where(
                Case.status.in_(ACTIVE), Case.id.in_(select(CaseTag.case_id).where(CaseTag.tag.in_(TAGS)))
            )
        )
    )
    # On the list: customers with no open case (a listed customer's open cases are all linked to the incident,
    # and theirs are about other things), then account holders who never wrote, up to about `TOLD` in all.
    quiet = [value for value, customer_id in known if customer_id not in with_open]
    writers = _writers(session, known, with_open | signing_in)
    wanted = TOLD - len(quiet) - len(signing_in) - len(writers)
    listed = [*quiet, *_subscribers(session, rng, now, max(wanted, 0)), *STRANGERS]
    contacts.listen(heard=intake.heard, acknowledging=intake.acknowledging)  # as `wiring` does for the app
    # As it happens (the clock not frozen): after everything else the demo did, so every timeline stays in order.
    declared = incidents.declare(
        session,
        staff_actor(supervisor),
        title=TITLE,
        message=MESSAGE,
        since=now - BEGAN,
        tell_everyone=True,
        tags=TAGS,
        pattern=PATTERN,
        customer_list=("email\n" + "\n".join(listed) + "\n").encode(),
    )
    session.flush()
    incident_id = declared.incident.id
    # The worker's part, done here as it would be: find who is affected, then tell them a batch at a time.
    reach.find_affected(session, incident_id)
    while reach.tell(session, incident_id, 0, portal=None):
        pass
    _settle_jobs(session, incident_id)
    for customer, (subject, body) in zip(writers, NEW_CONTACTS, strict=False):
        cases_service.open_case(
            session, customer_actor(customer), customer=customer, subject=subject, body=body, channel=Channel.PORTAL
        )
    session.flush()
    _never_send(session, first_mail)
    return incident_id


def _writers(session: Session, known: list[tuple[str, int]], besides: set[int]) -> list[Customer]:
    """Who writes about it: the demo customer (so the portal shows it signed in as them), then someone else."""
    ids = dict(known)
    chosen = [ids[DEMO_CUSTOMER_EMAIL]] if DEMO_CUSTOMER_EMAIL in ids else []
    chosen += [c for _, c in known if c not in besides and c not in chosen][: len(NEW_CONTACTS) - len(chosen)]
    return [c for c in (session.get(Customer, i) for i in chosen) if c is not None]


def _subscribers(session: Session, rng: random.Random, now: datetime, count: int) -> list[str]:
    """Account holders who never wrote to us: customers since some time in the last two years."""
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 10**6))
    made: list[str] = []
    while len(made) < count:
        first, last = str(fake.first_name()), str(fake.last_name())
        local = f"{first}.{last}{rng.randint(1, 999)}".lower().replace(" ", "").replace("'", "")
        address = f"{local}@accounts.example"
        if not local.isascii() or address in made:
            continue
        with clock.frozen(now - timedelta(days=rng.uniform(100, 730))):
            customers_service.find_or_create(session, kind=IdentityKind.EMAIL, value=address, name=f"{first} {last}")
        made.append(address)
    return made


def _settle_jobs(session: Session, incident_id: int) -> None:
    """The declaration queued the worker's job; the demo did its work above, so it is done."""
    for job in session.scalars(select(Job).where(Job.kind == incidents.REACH, Job.state == "pending")):
        if job.payload.get("incident_id") == incident_id:
            job.state = "done"


def _never_send(session: Session, first_mail: int) -> None:
    """The notices and acknowledgements queued above are recorded, never sent (`seed._never_send`)."""
    queued: Sequence[OutboundMail] = session.scalars(
        select(OutboundMail).where(OutboundMail.id >= first_mail, OutboundMail.state == OutboundState.QUEUED)
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
