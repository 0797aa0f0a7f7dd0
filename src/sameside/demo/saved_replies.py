"""The demo's saved replies: a few shared answers a retail help desk gives every day, one agent's own, and a
signature for everyone who answers customers.

Written through the saved replies service, so each is checked as a real one
would be. The seed calls `seed_saved_replies(session, staff, admin_email,
agent_email)` once, after the staff exist.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sameside.auth.service import staff_actor
from sameside.cases.rules import CaseStatus, Priority
from sameside.saved_replies import service
from sameside.staff.models import Staff

SHARED: tuple[tuple[str, str, CaseStatus | None, Priority | None, tuple[str, ...], int], ...] = (
    (
        "Refund on its way",
        "Dear {{ customer.form_of_address }},\n\n"
        "your refund for case #{{ case.number }} is on its way: it reaches your account within 3 to 5 working "
        "days, depending on your bank. You do not need to do anything.\n\n"
        "If it has not arrived by then, reply to this email and it comes straight back to me.",
        CaseStatus.RESOLVED,
        None,
        ("refund",),
        14,
    ),
    (
        "Parcel search opened with the courier",
        "Dear {{ customer.form_of_address }},\n\n"
        "thank you for telling us. I have opened a search with the courier for your parcel today. They answer "
        "within two working days; as soon as they do, you hear from me — and if it is lost, you choose between "
        "a new one and your money back.",
        CaseStatus.WAITING_ON_INTERNAL,
        None,
        ("delivery", "courier-search"),
        9,
    ),
    (
        "Need a few details",
        "Hello {{ customer.first_name }},\n\n"
        "so that I can sort this out for you, could you send me your order number and, if you have one, a photo "
        "of the label? Then it is with me, and you will not have to tell the story again.",
        CaseStatus.WAITING_ON_CUSTOMER,
        None,
        (),
        21,
    ),
    (
        "We are busier than usual",
        "Dear {{ customer.form_of_address }},\n\n"
        "thank you for your patience. {{ team.name }} is busier than usual, and lately we answer "
        "{{ team.typical_wait }}. Your case #{{ case.number }} is in the queue and will not be forgotten.",
        None,
        None,
        (),
        3,
    ),
    (
        "Urgent: passed to a supervisor",
        "Dear {{ customer.form_of_address }},\n\n"
        "I have asked a supervisor to look at case #{{ case.number }} today; it stays with me, so you keep one "
        "person to talk to.",
        None,
        Priority.HIGH,
        ("escalated",),
        2,
    ),
)

PERSONAL = (
    "My usual thanks",
    "{% if customer.form_of_address %}Dear {{ customer.form_of_address }}{% else %}Hello "
    "{{ customer.first_name }}{% endif %},\n\nthanks for getting back to me — that is everything I needed.",
)


def seed_saved_replies(session: Session, staff: dict[str, Staff], *, admin_email: str, agent_email: str) -> None:
    """Shared replies (by the admin), one of the demo agent's own, and a signature for each person in a team."""
    admin = staff_actor(staff[admin_email])
    for title, body, status, priority, tags, uses in SHARED:
        made = service.create(
            session, admin, title=title, body=body, shared=True, status=status, priority=priority, tags=list(tags)
        )
        made.use_count = uses  # the demo's history: these are the ones people reach for
    agent = staff_actor(staff[agent_email])
    service.create(session, agent, title=PERSONAL[0], body=PERSONAL[1])
    for person in staff.values():
        if person.team_id is not None:
            first = person.name.split()[0] if person.name.strip() else person.name
            service.set_signature(session, staff_actor(person), f"{first}\nCustomer care — we are on your side")
