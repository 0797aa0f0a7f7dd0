"""What `sameside demo` prints at the end: where the desk is, and one way in for each role.

Every link is built on the address being served (`base_url`), so a demo
served on another host or port prints links that open.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sameside.auth import service as auth
from sameside.customers.queries import customer_by_email
from sameside.demo.cast import (
    DEMO_ADMIN_EMAIL,
    DEMO_AGENT_EMAIL,
    DEMO_BACK_OFFICE_EMAIL,
    DEMO_CUSTOMER_EMAIL,
    DEMO_SUPERVISOR_EMAIL,
)
from sameside.demo.seed import DEMO_PASSWORD
from sameside.staff.queries import staff_by_email

LINK_MINUTES = 24 * 60

# role, account, what they do there
STAFF_ROLES = (
    ("admin", DEMO_ADMIN_EMAIL, "teams, people, settings, reports"),
    ("supervisor", DEMO_SUPERVISOR_EMAIL, "Customer Support's queues and reports"),
    ("agent", DEMO_AGENT_EMAIL, "answers cases in Customer Support"),
    ("back office", DEMO_BACK_OFFICE_EMAIL, "Operations: answers the consults agents ask"),
)


def sign_in_sheet(session: Session, base_url: str) -> str:
    """One sign-in per role, with links on `base_url`; issues the customer a fresh single-use link. Never commits."""
    base_url = base_url.rstrip("/")
    lines = [
        "",
        f"Sameside is at {base_url}/  (API docs: {base_url}/api/v1/docs)",
        "",
        f"Staff sign in at {base_url}/ with the password {DEMO_PASSWORD}:",
    ]
    width = max(len(email) for _, email, _ in STAFF_ROLES)
    for role, email, work in STAFF_ROLES:
        there = " " if staff_by_email(session, email) is not None else " (not in this database) "
        lines.append(f"  {role + ':':<13} {email:<{width}}{there} {work}")
    customer = customer_by_email(session, DEMO_CUSTOMER_EMAIL)
    if customer is None:
        lines.append("  customer:     (no demo customer in this database)")
    else:
        token = auth.issue_magic_link(session, customer, minutes=LINK_MINUTES)
        lines += [
            f"  {'customer:':<13} {base_url}/auth/magic?token={token}",
            f"  {'':<13} the portal as {DEMO_CUSTOMER_EMAIL} "
            "(valid 24 h, one use; `sameside demo --once` prints another)",
        ]
    return "\n".join([*lines, ""])
