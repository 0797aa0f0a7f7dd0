"""How people on staff get access and lose it: invitations mailed, and a departure's sessions and tokens ended.

Never commits. The invitation itself (who, which role, the single-use link)
is `staff.invitations`'; here it is mailed through the outbox, in the same
transaction, so a rolled-back invitation sends nothing. The message carries a
credential, so its stored copy is erased once the relay has it
(`sensitive`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sameside.auth.models import ApiToken, SignInSession
from sameside.kit import clock
from sameside.kit.actors import Actor, Role
from sameside.mail import outbox
from sameside.staff import invitations, rules
from sameside.staff.invitations import Issued
from sameside.staff.models import Staff, StaffInvitation

PURPOSE = "staff_invitation"
"""The outbox's name for these messages."""

ROLE_WORDS = {Role.AGENT: "an agent", Role.SUPERVISOR: "a supervisor", Role.ADMIN: "an admin"}


def invite(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role,
    team_id: int | None = None,
    department_id: int | None = None,
    link_base: str,
    company: str = "",
) -> StaffInvitation:
    """Invite someone and mail them their link (`link_base` + `/invite/<token>`)."""
    issued = invitations.invite(
        session, actor, email=email, name=name, role=role, team_id=team_id, department_id=department_id
    )
    _mail(session, issued, link_base=link_base, company=company)
    return issued.invitation


def resend(session: Session, actor: Actor, invitation: StaffInvitation, *, link_base: str, company: str = "") -> None:
    """Mail a fresh link; the one mailed before stops working."""
    _mail(session, invitations.resend(session, actor, invitation), link_base=link_base, company=company)


def _mail(session: Session, issued: Issued, *, link_base: str, company: str) -> None:
    invitation = issued.invitation
    cfg = outbox.config()
    outbox.queue(
        session,
        purpose=PURPOSE,
        envelope=outbox.Envelope(
            to_address=invitation.email,
            to_name=invitation.name,
            from_name=company or cfg.from_name,
            from_address=cfg.from_address,
        ),
        subject=f"You are invited to the {company or cfg.from_name} help desk",
        text=(
            f"Hello {invitation.name},\n\n"
            f"you are invited to join the {company or cfg.from_name} help desk as "
            f"{ROLE_WORDS[invitation.role]}. Open this link to choose your password and sign in:\n\n"
            f"{link_base.rstrip('/')}/invite/{issued.token}\n\n"
            f"It works once, within the next {invitations.VALID_DAYS} days. "
            "If you did not expect this, you can ignore this email: nothing happens without the link."
        ),
        automatic="auto-generated",
        sensitive=True,
    )


def end_access(session: Session, staff_id: int) -> int:
    """Sign them out everywhere and revoke their API tokens; returns how many tokens were revoked.

    Deactivation alone already stops both (`auth.service` checks
    `is_active`); ending them too means reactivating someone later does not
    bring back a session or a token that may have leaked meanwhile.
    """
    session.execute(delete(SignInSession).where(SignInSession.staff_id == staff_id))
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.staff_id == staff_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return int(revoked.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    owner: Staff


def every_token(session: Session, actor: Actor) -> Sequence[TokenRow]:
    """Every staff member's API tokens with their owner, live ones first, newest first: the admin's overview."""
    rules.require_admin(actor)
    rows = session.execute(
        select(ApiToken, Staff)
        .join(Staff, Staff.id == ApiToken.staff_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        .limit(500)
    ).all()
    return [TokenRow(token, owner) for token, owner in rows]
