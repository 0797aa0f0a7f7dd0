"""Inviting staff by email, and deactivating and reactivating them (admins only).

An invitation mails a single-use link to `/invite/<token>`, where the invitee
chooses a password; the link is never in an answer here. Deactivating someone
hands their open cases back to their teams' queues and ends their sessions
and API tokens (`cases.departures`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from sameside.auth import staff_access
from sameside.cases import departures
from sameside.http.deps import Admin, AppSettings, ReadSession, Write
from sameside.http.idempotency import idempotent
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.staff import invitations, queries
from sameside.staff.invitation_schemas import Deactivated, InvitationCreate, InvitationOut
from sameside.staff.models import StaffInvitation
from sameside.staff.schemas import StaffOut

router = APIRouter(tags=["admin"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
TAKEN: dict[int | str, dict[str, Any]] = {409: {"description": "Already on staff, or already invited"}}
CLOSED: dict[int | str, dict[str, Any]] = {409: {"description": "The invitation was accepted or revoked"}}
REFUSED: dict[int | str, dict[str, Any]] = {409: {"description": "Yourself, or the last active admin"}}


def invitation_out(invitation: StaffInvitation) -> InvitationOut:
    return InvitationOut.model_validate(
        {
            "id": invitation.id,
            "email": invitation.email,
            "name": invitation.name,
            "role": invitation.role,
            "team_id": invitation.team_id,
            "department_id": invitation.department_id,
            "state": invitations.state_of(invitation),
            "created_at": invitation.created_at,
            "sent_at": invitation.sent_at,
            "expires_at": invitation.expires_at,
        }
    )


@router.get("/staff/invitations", response_model=list[InvitationOut])
@offload
def list_invitations(_: Admin, session: ReadSession) -> list[InvitationOut]:
    """Invitations not yet accepted or revoked (expired ones too, to resend), newest first."""
    return [invitation_out(i) for i in invitations.outstanding(session)]


@router.post("/staff/invitations", status_code=status.HTTP_201_CREATED, response_model=InvitationOut, responses=TAKEN)
@offload
@idempotent
def invite(body: InvitationCreate, actor: Admin, write: Write, settings: AppSettings) -> InvitationOut:
    """Invite someone by email; they get a link valid for 7 days to choose a password and sign in."""
    with write() as session:
        made = staff_access.invite(
            session,
            actor,
            email=body.email,
            name=body.name,
            role=body.role,
            team_id=body.team_id,
            department_id=body.department_id,
            link_base=settings.base_url,
        )
        return invitation_out(made)


@router.post("/staff/invitations/{invitation_id}/resend", response_model=InvitationOut, responses=CLOSED)
@offload
def resend_invitation(invitation_id: Id, actor: Admin, write: Write, settings: AppSettings) -> InvitationOut:
    """Mail a fresh link, valid for 7 days from now; the link mailed before stops working."""
    with write() as session:
        invitation = invitations.get(session, invitation_id)
        staff_access.resend(session, actor, invitation, link_base=settings.base_url)
        return invitation_out(invitation)


@router.delete("/staff/invitations/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CLOSED)
@offload
def revoke_invitation(invitation_id: Id, actor: Admin, write: Write) -> Response:
    """Withdraw an invitation: its link stops working at once."""
    with write() as session:
        invitations.revoke(session, actor, invitations.get(session, invitation_id))
        return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/staff/{staff_id}/deactivate", response_model=Deactivated, responses=REFUSED)
@offload
def deactivate(staff_id: Id, actor: Admin, write: Write) -> Deactivated:
    """They can no longer sign in or use the API; their open cases go back, unowned, to their team's queue."""
    with write() as session:
        gone = departures.deactivate(session, actor, queries.get_staff(session, staff_id))
        return Deactivated(
            staff=StaffOut.model_validate(gone.staff), returned_cases=gone.returned, tokens_revoked=gone.tokens_revoked
        )


@router.post("/staff/{staff_id}/reactivate", response_model=StaffOut)
@offload
def reactivate(staff_id: Id, actor: Admin, write: Write) -> StaffOut:
    """They may sign in again with their password; revoked API tokens stay revoked."""
    with write() as session:
        return StaffOut.model_validate(departures.reactivate(session, actor, queries.get_staff(session, staff_id)))
