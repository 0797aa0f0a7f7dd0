"""Notifications for people on staff: an escalation on their case, a consult answered, a call missed.

A notification is a row per person, written in the same transaction as the
change it tells of, so it exists exactly when the change does. Each one also
publishes `staff.notified` for that person, so an open page can refresh its
count once the transaction commits. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.kit import cursor as cursors
from sameside.kit.actors import Role, StaffActor
from sameside.kit.errors import Invalid, NotFound
from sameside.kit.events import publish
from sameside.staff.models import Notification, Staff

KIND_MAX = 32
TEXT_MAX = 500


class NotificationNotFound(NotFound):
    title = "Notification not found"
    slug = "notification-not-found"


@dataclass(frozen=True)
class NoticePage:
    items: Sequence[Notification]
    next_cursor: str | None


def notify(
    session: Session,
    staff_ids: Iterable[int | None],
    *,
    kind: str,
    text: str,
    case_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> list[Notification]:
    """Tell each person once (ids repeat when the owner is also a supervisor; None is skipped).

    Text longer than a notification holds is cut with an ellipsis: the case
    link carries the rest.
    """
    if not kind or len(kind) > KIND_MAX:
        raise Invalid(f"A notification's kind has 1 to {KIND_MAX} characters.")
    text = " ".join(text.split())
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    now = clock.now()
    made: list[Notification] = []
    for staff_id in dict.fromkeys(i for i in staff_ids if i is not None):
        row = Notification(staff_id=staff_id, case_id=case_id, kind=kind, text=text, data=data or None, created_at=now)
        session.add(row)
        made.append(row)
    if made:
        session.flush()
        for row in made:
            publish(session.info, "staff.notified", staff_id=row.staff_id, notification_id=row.id, case_id=case_id)
    return made


def unread_count(session: Session, staff_id: int) -> int:
    """How many notifications the person has not read (one index range: staff, read_at null)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.staff_id == staff_id, Notification.read_at.is_(None))
        )
        or 0
    )


def list_for(
    session: Session, staff_id: int, *, unread_only: bool = False, limit: int = 50, cursor: str | None = None
) -> NoticePage:
    """The person's notifications, newest first, paged by keyset on id."""
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.")
    query = select(Notification).where(Notification.staff_id == staff_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if cursor is not None:
        (last_id,) = cursors.decode(cursor, (int,))
        query = query.where(Notification.id < last_id)
    rows = session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)).all()
    if len(rows) > limit:
        rows = rows[:limit]
        return NoticePage(rows, cursors.encode([rows[-1].id]))
    return NoticePage(rows, None)


def mark_read(session: Session, actor: StaffActor, notification_id: int) -> Notification:
    """Mark one of your own notifications read. Someone else's answers as missing, like a missing one."""
    row = session.get(Notification, notification_id)
    if row is None or row.staff_id != actor.staff_id:
        raise NotificationNotFound(f"There is no notification {notification_id}.")
    if row.read_at is None:
        row.read_at = clock.now()
        session.flush()
        publish(session.info, "staff.notified", staff_id=actor.staff_id, notification_id=row.id, read=True)
    return row


def mark_all_read(session: Session, actor: StaffActor) -> int:
    """Mark all your unread notifications read; returns how many there were."""
    done = session.execute(
        update(Notification)
        .where(Notification.staff_id == actor.staff_id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    count = int(done.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        publish(session.info, "staff.notified", staff_id=actor.staff_id, read=True)
    return count


def supervisors_of(session: Session, *, staff_id: int | None = None, team_id: int | None = None) -> list[Staff]:
    """Who answers for a person or a team: the active supervisors of their team; if none, the active admins.

    Given a person, their own team counts (falling back to `team_id` when they
    have none), and they are never their own supervisor. So there is always
    someone to tell, as long as anyone is an admin.
    """
    if staff_id is not None:
        person = session.get(Staff, staff_id)
        if person is not None and person.team_id is not None:
            team_id = person.team_id
    found: Sequence[Staff] = []
    if team_id is not None:
        found = session.scalars(
            select(Staff)
            .where(
                Staff.team_id == team_id,
                Staff.role == Role.SUPERVISOR,
                Staff.is_active.is_(True),
                Staff.id != (staff_id or 0),
            )
            .order_by(Staff.id)
        ).all()
    if not found:
        found = session.scalars(
            select(Staff)
            .where(Staff.role == Role.ADMIN, Staff.is_active.is_(True), Staff.id != (staff_id or 0))
            .order_by(Staff.id)
            .limit(20)
        ).all()
    return list(found)


def department_members(session: Session, department_id: int) -> list[int]:
    """The active people of a back-office department, by id."""
    return list(
        session.scalars(
            select(Staff.id).where(Staff.department_id == department_id, Staff.is_active.is_(True)).order_by(Staff.id)
        )
    )
