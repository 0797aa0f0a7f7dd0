"""Notifications for people on staff: a case assigned or transferred to you, a consult answered, a breach
coming, someone asking for someone senior, a call missed.

A notification is a row per person, written in the same transaction as the
change it tells of, so it exists exactly when the change does. Each one also
publishes `staff.notified` for that person (with its words and link), so an
open desk page refreshes its count and can show it on the screen once the
transaction commits. Those who chose to be told of its kind by email get a
job queued in the same transaction (`EMAIL_TASK`, run by the worker). Each
notification links to a page: its own `url`, else its case's. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.kit import cursor as cursors
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Invalid, NotFound
from sameside.kit.events import publish
from sameside.kit.words import due_in, first_line
from sameside.staff.models import Notification, NotificationPreference, Staff

KIND_MAX = 32
TEXT_MAX = 500
EMAIL_TASK = "notifications.email"
"""The job that emails one notification to its person (its handler is the worker's: `worker.notices`)."""

KINDS: dict[str, str] = {
    "assigned": "Assigned to you",
    "transferred": "Transferred to you",
    "consult_answered": "Consult answered",
    "consult_overdue": "Consult overdue",
    "service_level_due": "Breach coming",
    "service_level_missed": "Service level missed",
    "escalation": "Asking for someone senior",
    "callback_missed": "Missed call",
    "grant_requested": "Grant to approve",
    "grant_reviewed": "Grant approved or declined",
    "offer_answered": "Offer answered",
    "feedback": "Feedback for your team",
    "feedback_answered": "Your feedback answered",
    "webhook_paused": "Webhook paused",
}
"""The kinds a person is told of, as the desk names them; each may also go by email (their choice)."""


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
    url: str | None = None,
) -> list[Notification]:
    """Tell each person once (ids repeat when the owner is also a supervisor; None is skipped).

    Text longer than a notification holds is cut at a word with an ellipsis:
    the link carries the rest. `url` is the page it links to (a path on this
    site); without one it links to its case.
    """
    if not kind or len(kind) > KIND_MAX:
        raise Invalid(f"A notification's kind has 1 to {KIND_MAX} characters.")
    if url is not None and not (url.startswith("/") and not url.startswith("//")):
        raise Invalid("A notification links to a page of this site (a path starting with /).")
    text = first_line(" ".join(text.split()), TEXT_MAX)
    data = {**(data or {}), "url": url} if url else (data or None)
    now = clock.now()
    made: list[Notification] = []
    for staff_id in dict.fromkeys(i for i in staff_ids if i is not None):
        row = Notification(staff_id=staff_id, case_id=case_id, kind=kind, text=text, data=data, created_at=now)
        session.add(row)
        made.append(row)
    if made:
        session.flush()
        emailed = wants_email(session, [row.staff_id for row in made], kind)
        for row in made:
            publish(
                session.info,
                "staff.notified",
                staff_id=row.staff_id,
                notification_id=row.id,
                case_id=case_id,
                kind=kind,
                text=text,
                url=f"/desk/notifications/{row.id}/open",
            )
            if row.staff_id in emailed:
                enqueue(session, EMAIL_TASK, notification_id=row.id)
    return made


def link_of(row: Notification) -> str:
    """The page a notification opens: its own link, else its case, else the notifications page."""
    url = (row.data or {}).get("url")
    if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
        return url
    return f"/desk/cases/{row.case_id}" if row.case_id else "/desk/notifications"


# ---------------------------------------------------------------- what people are told of


def notify_assigned(session: Session, case_id: int, subject: str, owner_id: int | None, actor: Actor) -> None:
    """Tell the new owner a colleague gave them a case (not one they took, nor one the software placed)."""
    by = actor.staff_id if isinstance(actor, StaffActor) else None
    if owner_id is None or by is None or owner_id == by:
        return
    notify(
        session,
        [owner_id],
        kind="assigned",
        text=f"#{case_id} {first_line(subject, 80)}: {_name(session, by)} assigned it to you.",
        case_id=case_id,
    )


def notify_transferred(
    session: Session, case_id: int, subject: str, owner_id: int | None, team_id: int | None, actor: Actor
) -> None:
    """Tell the receiver of a transfer: its new owner, or when nobody owns it, the receiving team's supervisors."""
    by = actor.staff_id if isinstance(actor, StaffActor) else None
    if owner_id is not None:
        told: list[int | None] = [owner_id]
        whom = "you"
    else:
        told = [s.id for s in supervisors_of(session, team_id=team_id)]
        whom = "your team"
    told = [i for i in told if i != by]
    notify(
        session,
        told,
        kind="transferred",
        text=f"#{case_id} {first_line(subject, 80)}: {_name(session, by)} transferred it to {whom}; "
        "the brief is above the conversation.",
        case_id=case_id,
    )


def notify_consult_answered(
    session: Session,
    *,
    case_id: int,
    consult_id: int,
    keeper_id: int | None,
    by: int | None,
    department: str,
    answer: str,
    late: bool,
) -> None:
    """Tell whoever keeps the case what the department answered (its first line; the case has it all)."""
    if keeper_id is None or keeper_id == by:
        return
    notify(
        session,
        [keeper_id],
        kind="consult_answered",
        text=f"#{case_id}: {department} answered{' (late)' if late else ''}: “{first_line(answer, 160)}”",
        case_id=case_id,
        data={"consult_id": consult_id},
    )


def notify_breach_coming(
    session: Session,
    *,
    case_id: int,
    subject: str,
    staff_ids: Iterable[int | None],
    due_at: datetime,
    what: str = "The next reply",
) -> list[Notification]:
    """Warn the people who answer for a case (its owner, their supervisors) that its service level is about to pass.

    `what` names the target ("The first reply", "The resolution"). Once per
    breach is the caller's to keep: this tells every time it is called.
    """
    return notify(
        session,
        staff_ids,
        kind="service_level_due",
        text=f"#{case_id} {first_line(subject, 80)}: {what} is {due_in(due_at, clock.now())}.",
        case_id=case_id,
        data={"due_at": due_at.isoformat()},
    )


def _name(session: Session, staff_id: int | None) -> str:
    person = session.get(Staff, staff_id) if staff_id is not None else None
    return person.name if person is not None else "Sameside"


# ---------------------------------------------------------------- by email, for those who choose it


def email_kinds(session: Session, staff_id: int) -> list[str]:
    """The kinds of notification the person also gets by email (none unless they chose some)."""
    row = session.get(NotificationPreference, staff_id)
    return [k for k in (row.email_kinds if row else []) if k in KINDS]


def set_email_kinds(session: Session, actor: StaffActor, kinds: Iterable[str]) -> list[str]:
    """Choose which kinds of notification reach you by email too; an unknown kind is refused by name."""
    chosen = list(dict.fromkeys(kinds))
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise Invalid(f"{unknown[0]!r} is not a kind of notification; the kinds are {', '.join(KINDS)}.")
    ordered = [k for k in KINDS if k in chosen]
    row = session.get(NotificationPreference, actor.staff_id, with_for_update=True)
    if row is None:
        session.add(NotificationPreference(staff_id=actor.staff_id, email_kinds=ordered, updated_at=clock.now()))
    else:
        row.email_kinds, row.updated_at = ordered, clock.now()
    session.flush()
    return ordered


def wants_email(session: Session, staff_ids: Sequence[int], kind: str) -> set[int]:
    """Which of these people chose to get this kind by email (one statement)."""
    if not staff_ids:
        return set()
    rows = session.execute(
        select(NotificationPreference.staff_id, NotificationPreference.email_kinds).where(
            NotificationPreference.staff_id.in_(staff_ids)
        )
    ).all()
    return {staff_id for staff_id, kinds in rows if kind in (kinds or [])}


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
