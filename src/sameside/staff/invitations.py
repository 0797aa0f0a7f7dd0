"""Inviting someone to the desk: an invitation row, a single-use link, and accepting it. Never commits.

An admin invites by email with the role, team and department the person will
have. Nobody is on staff until the invitee opens the link and chooses a
password: an invitation that is never accepted leaves no account behind that
could be signed into. The link carries 256 random bits; only its digest is
kept, and resending replaces it, so an older copy stops working. Mailing the
link is the caller's (`auth.staff_access`): this package sits below the mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.addresses import normalize_email
from sameside.kit.secrets import digest, new_token
from sameside.staff import rules, service
from sameside.staff.errors import AlreadyInvited, BadInvitation, DuplicateStaff, InvitationClosed, InvitationNotFound
from sameside.staff.models import Staff, StaffInvitation

VALID_DAYS = 7
"""How long an invitation link works; a resend starts the count again."""


@dataclass(frozen=True)
class Issued:
    invitation: StaffInvitation
    token: str
    """The link's secret, to be mailed now: it is not kept."""


def state_of(invitation: StaffInvitation) -> str:
    """`pending`, `expired`, `accepted` or `revoked`: what the people page says of it."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= clock.now() else "pending"


def invite(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role,
    team_id: int | None = None,
    department_id: int | None = None,
) -> Issued:
    """A new invitation; refused when the address is already on staff or already has an open invitation."""
    rules.require_admin(actor)
    address = normalize_email(email)
    name = " ".join(name.split())[:200]
    if session.scalar(select(Staff.id).where(Staff.email == address)) is not None:
        raise DuplicateStaff(f"{address} is already on staff.")
    if open_for(session, address) is not None:
        raise AlreadyInvited(f"{address} is already invited; resend or revoke that invitation instead.")
    service.check_links(session, team_id, department_id)
    token = new_token()
    now = clock.now()
    invitation = StaffInvitation(
        email=address,
        name=name or address,
        role=role,
        team_id=team_id,
        department_id=department_id,
        token_digest=digest(token),
        invited_by_id=actor.staff_id if isinstance(actor, StaffActor) else None,
        created_at=now,
        sent_at=now,
        expires_at=now + timedelta(days=VALID_DAYS),
    )
    session.add(invitation)
    session.flush()
    return Issued(invitation, token)


def resend(session: Session, actor: Actor, invitation: StaffInvitation) -> Issued:
    """A fresh link for a pending or expired invitation, valid from now; the old link stops working."""
    rules.require_admin(actor)
    if state_of(invitation) in ("accepted", "revoked"):
        raise InvitationClosed(f"The invitation to {invitation.email} was {state_of(invitation)}; invite them anew.")
    token = new_token()
    now = clock.now()
    invitation.token_digest = digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=VALID_DAYS)
    session.flush()
    return Issued(invitation, token)


def revoke(session: Session, actor: Actor, invitation: StaffInvitation) -> StaffInvitation:
    """The link stops working at once. Revoking twice changes nothing; an accepted one cannot be revoked."""
    rules.require_admin(actor)
    if invitation.accepted_at is not None:
        raise InvitationClosed(f"{invitation.email} already accepted; deactivate them instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = clock.now()
        session.flush()
    return invitation


def get(session: Session, invitation_id: int) -> StaffInvitation:
    found = session.get(StaffInvitation, invitation_id)
    if found is None:
        raise InvitationNotFound(f"There is no invitation with id {invitation_id}.")
    return found


def open_for(session: Session, email: str) -> StaffInvitation | None:
    """The address's invitation that is neither accepted nor revoked (expired or not), if any."""
    return session.scalar(
        select(StaffInvitation)
        .where(
            StaffInvitation.email == email,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.revoked_at.is_(None),
        )
        .order_by(StaffInvitation.id.desc())
        .limit(1)
    )


def outstanding(session: Session) -> Sequence[StaffInvitation]:
    """Invitations nobody accepted or revoked yet (expired ones too, to resend), newest first."""
    return session.scalars(
        select(StaffInvitation)
        .where(StaffInvitation.accepted_at.is_(None), StaffInvitation.revoked_at.is_(None))
        .order_by(StaffInvitation.id.desc())
    ).all()


def by_token(session: Session, token: str) -> StaffInvitation:
    """The invitation a link names, if it can still be accepted; else BadInvitation saying what to do."""
    found = session.scalar(select(StaffInvitation).where(StaffInvitation.token_digest == digest(token[:200])))
    if found is None:
        raise BadInvitation(
            "This invitation link is not valid: it may have been replaced by a newer one. "
            "Use the latest invitation email, or ask an admin to send it again."
        )
    match state_of(found):
        case "accepted":
            raise BadInvitation("This invitation was already used. Sign in with your email and password.")
        case "revoked":
            raise BadInvitation("This invitation was withdrawn. Ask an admin if you should still join.")
        case "expired":
            raise BadInvitation("This invitation link has expired. Ask an admin to send you a new one.")
    return found


def accept(session: Session, token: str, *, password: str, name: str | None = None) -> Staff:
    """Use the link once: the invitee joins the staff with the role, team and department they were given.

    Of two simultaneous acceptances only one claims the row (a conditional
    update); the other is told the link was used.
    """
    invitation = by_token(session, token)
    rules.check_password(password)
    claimed = session.execute(
        update(StaffInvitation)
        .where(StaffInvitation.id == invitation.id, StaffInvitation.accepted_at.is_(None))
        .values(accepted_at=clock.now())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise BadInvitation("This invitation was already used. Sign in with your email and password.")
    if session.scalar(select(Staff.id).where(Staff.email == invitation.email)) is not None:
        raise DuplicateStaff(f"{invitation.email} is already on staff: sign in with that account.")
    staff = service.add_staff(
        session,
        rules.INVITATION,
        email=invitation.email,
        name=(name or "").strip() or invitation.name,
        role=invitation.role,
        team_id=invitation.team_id,
        department_id=invitation.department_id,
        password=password,
    )
    session.refresh(invitation)
    invitation.staff_id = staff.id
    session.flush()
    return staff
