"""Notifications for staff: what needs your attention — a case assigned or transferred to you, a consult
answered, a breach coming, an escalation, a call missed — and which kinds also come by email."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sameside.http.deps import ReadSession, StaffUser, Write
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.staff import notifications
from sameside.staff.models import Notification
from sameside.staff.notification_schemas import (
    NotificationOut,
    NotificationPage,
    NotificationPreferencesIn,
    NotificationPreferencesOut,
    ReadAllOut,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def notification_out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        text=row.text,
        url=notifications.link_of(row),
        case_number=row.case_id,
        data=row.data,
        created_at=row.created_at,
        read_at=row.read_at,
    )


@router.get("", response_model=NotificationPage)
@offload
def list_notifications(
    actor: StaffUser,
    session: ReadSession,
    unread: Annotated[bool, Query(description="Only the ones you have not read")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> NotificationPage:
    """Your notifications, newest first, paged by cursor."""
    page = notifications.list_for(session, actor.staff_id, unread_only=unread, limit=limit, cursor=cursor)
    return NotificationPage(
        items=[notification_out(n) for n in page.items],
        next_cursor=page.next_cursor,
        unread=notifications.unread_count(session, actor.staff_id),
    )


@router.get("/preferences", response_model=NotificationPreferencesOut)
@offload
def get_preferences(actor: StaffUser, session: ReadSession) -> NotificationPreferencesOut:
    """The kinds of notification you also get by email."""
    return NotificationPreferencesOut(
        email_kinds=notifications.email_kinds(session, actor.staff_id), kinds=notifications.KINDS
    )


@router.put("/preferences", response_model=NotificationPreferencesOut)
@offload
def set_preferences(body: NotificationPreferencesIn, actor: StaffUser, write: Write) -> NotificationPreferencesOut:
    """Choose the kinds of notification you also get by email (an unknown kind is a 422, by name)."""
    with write() as session:
        chosen = notifications.set_email_kinds(session, actor, body.email_kinds)
    return NotificationPreferencesOut(email_kinds=chosen, kinds=notifications.KINDS)


@router.post("/read-all", response_model=ReadAllOut)
@offload
def read_all(actor: StaffUser, write: Write) -> ReadAllOut:
    """Mark all your notifications read."""
    with write() as session:
        return ReadAllOut(marked=notifications.mark_all_read(session, actor))


@router.post("/{notification_id}/read", response_model=NotificationOut)
@offload
def read_one(notification_id: Id, actor: StaffUser, write: Write) -> NotificationOut:
    """Mark one of your notifications read; someone else's is a 404, like a missing one."""
    with write() as session:
        return notification_out(notifications.mark_read(session, actor, notification_id))
