"""Recording webhook messages in the transaction of the change they tell of (the outbox).

Two listeners on every ORM session (`install`, from `wiring`):

- after each flush, the timeline entries and incidents that flush inserted are noted on the session (no
  SQL: SQLAlchemy's own list of new rows, already in memory);
- before the commit, once, what was noted becomes messages: one SELECT of the active subscriptions, and
  for each event some subscription wants, a `webhook_messages` row with its payload, a delivery row per
  subscription and a job for the worker — all in the same transaction, by Core INSERTs.

So a change that commits always has its messages, and one that rolls back never had them; a subscriber
is told of a case's change only after it is true. A savepoint rolled back takes its entries with it
(they are no longer persistent when the commit comes). The events are the ones the desk records anyway
— timeline entries and declared incidents — so no verb has to remember to call this.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from sameside.cases.events import (
    Assigned,
    GrantMade,
    PriorityChanged,
    StatusChanged,
    SurveyAnswered,
    Tagged,
    Transferred,
    payload_of,
)
from sameside.cases.models import Case, CaseTag, TimelineEntry
from sameside.cases.rules import CaseStatus, EntryKind, EventType
from sameside.incidents.models import Incident
from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.webhooks.models import Webhook, WebhookDelivery, WebhookMessage
from sameside.webhooks.rules import DeliveryState, WebhookEvent

DELIVER = "webhooks.deliver"
"""The job that makes one attempt at one delivery (its handler is the worker's: `worker.webhooks`)."""

_SEEN = "sameside.webhooks.seen"
_DELIVERIES = WebhookDelivery.metadata.tables[WebhookDelivery.__tablename__]
_MESSAGES = WebhookMessage.metadata.tables[WebhookMessage.__tablename__]


@dataclass
class _Config:
    base_url: str = ""


_config = _Config()


def configure(*, base_url: str) -> None:
    """Where the desk is, for the case links in payloads (`wiring`, from settings)."""
    _config.base_url = base_url.rstrip("/")


def install() -> None:
    """Listen to every session; once per process, however often it is called."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("before_commit", _before_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def new_wire_id() -> str:
    """A `webhook-id`: unique per delivery, the same across its attempts."""
    return "msg_" + secrets.token_urlsafe(18)


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    noted = [obj for obj in session.new if isinstance(obj, TimelineEntry | Incident)]
    if noted:
        session.info.setdefault(_SEEN, []).extend(noted)


def _after_rollback(session: Session) -> None:
    session.info.pop(_SEEN, None)


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the commit would flush now, so its entries are noted too
    seen: list[Any] = session.info.pop(_SEEN, [])
    if not seen:
        return
    kept = [obj for obj in seen if inspect(obj).persistent]
    wanted = [(kind, obj) for obj in kept if (kind := _kind_of(obj)) is not None]
    wanted.sort(key=lambda pair: pair[0] is not WebhookEvent.CASE_CREATED)  # a case is created before its message
    if not wanted:
        return
    hooks = session.execute(select(Webhook.id, Webhook.events).where(Webhook.active.is_(True))).all()
    if not hooks:
        return
    now = clock.now()
    for kind, obj in wanted:
        to = [hook_id for hook_id, events in hooks if kind in (events or ())]
        if to:
            record(session, kind, _payload(session, kind, obj), to, at=now)


def record(session: Session, kind: str, data: dict[str, Any], webhook_ids: list[int], *, at: Any) -> list[int]:
    """Write one message and a delivery (with its job) per subscription; returns the deliveries' ids."""
    body = {"type": kind, "timestamp": at.replace(microsecond=0).isoformat(), "data": data}
    message_id: int = session.execute(
        insert(_MESSAGES).values(type=kind, payload=body, created_at=at).returning(_MESSAGES.c.id)
    ).scalar_one()
    made: list[int] = []
    for webhook_id in webhook_ids:
        delivery_id: int = session.execute(
            insert(_DELIVERIES)
            .values(
                webhook_id=webhook_id,
                message_id=message_id,
                wire_id=new_wire_id(),
                type=kind,
                state=DeliveryState.PENDING.value,
                attempts=0,
                next_attempt_at=at,
                created_at=at,
            )
            .returning(_DELIVERIES.c.id)
        ).scalar_one()
        enqueue(session, DELIVER, delivery_id=delivery_id)
        made.append(delivery_id)
    return made


# ---------------------------------------------------------------- what each change is, to a subscriber

_BY_EVENT: dict[EventType, WebhookEvent] = {
    EventType.CREATED: WebhookEvent.CASE_CREATED,
    EventType.ASSIGNED: WebhookEvent.CASE_UPDATED,
    EventType.TRANSFERRED: WebhookEvent.CASE_UPDATED,
    EventType.PRIORITY_CHANGED: WebhookEvent.CASE_UPDATED,
    EventType.TAGGED: WebhookEvent.CASE_UPDATED,
    EventType.REOPENED: WebhookEvent.CASE_UPDATED,
    EventType.GRANT_MADE: WebhookEvent.GRANT_ISSUED,
    EventType.SURVEY_ANSWERED: WebhookEvent.SURVEY_ANSWERED,
}


def _kind_of(obj: TimelineEntry | Incident) -> WebhookEvent | None:
    if isinstance(obj, Incident):
        return WebhookEvent.INCIDENT_DECLARED
    if obj.kind is EntryKind.MESSAGE:
        return WebhookEvent.MESSAGE_RECEIVED if obj.direction == "inbound" else WebhookEvent.REPLY_SENT
    if obj.kind is not EntryKind.EVENT or obj.event is None:
        return None
    if obj.event is EventType.STATUS_CHANGED:
        resolved = (obj.data or {}).get("to") == CaseStatus.RESOLVED.value
        return WebhookEvent.CASE_RESOLVED if resolved else WebhookEvent.CASE_UPDATED
    return _BY_EVENT.get(obj.event)


def _payload(session: Session, kind: WebhookEvent, obj: TimelineEntry | Incident) -> dict[str, Any]:
    if isinstance(obj, Incident):
        return {
            "incident": {
                "id": obj.id,
                "title": obj.title,
                "message": obj.message,
                "status": obj.status.value,
                "since": obj.since.isoformat(),
                "urgent": obj.urgent,
                "declared_at": obj.declared_at.isoformat(),
            }
        }
    data: dict[str, Any] = {"case": case_data(session, obj.case_id)}
    details = _DETAILS.get(kind)
    if details is not None:
        data.update(details(obj))
    return data


def case_data(session: Session, case_id: int) -> dict[str, Any]:
    """The case as a receiver reads it (`schemas.WebhookCase`)."""
    case = session.get(Case, case_id)
    assert case is not None  # the entry that names it was just written in this transaction
    tags = session.scalars(select(CaseTag.tag).where(CaseTag.case_id == case_id).order_by(CaseTag.tag)).all()
    return {
        "number": case.id,
        "subject": case.subject,
        "status": case.status.value,
        "priority": case.priority.value,
        "channel": case.channel.value,
        "team_id": case.team_id,
        "owner_id": case.owner_id,
        "customer_id": case.customer_id,
        "tags": list(tags),
        "created_at": case.created_at.isoformat(),
        "url": f"{_config.base_url}/desk/cases/{case.id}",
    }


def _message(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "message": {
            "id": entry.id,
            "direction": "in" if entry.direction == "inbound" else "out",
            "channel": entry.channel.value if entry.channel else None,
            "body": entry.body,
            "author_staff_id": entry.author_staff_id,
            "author_customer_id": entry.author_customer_id,
            "automatic": bool(entry.is_automatic),
            "created_at": entry.created_at.isoformat(),
        }
    }


def _update(entry: TimelineEntry) -> dict[str, Any]:
    payload = payload_of(entry)
    if isinstance(payload, StatusChanged):
        return {"change": "status", "before": payload.from_.value, "after": payload.to.value}
    if isinstance(payload, Assigned):
        return {"change": "owner", "before": payload.previous_owner_id, "after": payload.owner_id}
    if isinstance(payload, Transferred):
        return {"change": "team", "before": payload.from_.team_id, "after": payload.to.team_id}
    if isinstance(payload, PriorityChanged):
        return {"change": "priority", "before": payload.from_.value, "after": payload.to.value}
    if isinstance(payload, Tagged):
        return {"change": "tags", "after": list(payload.tags)}
    return {"change": "reopened"}


def _grant(entry: TimelineEntry) -> dict[str, Any]:
    payload = payload_of(entry)
    if not isinstance(payload, GrantMade):
        return {}  # details it cannot read: the message still says which case (never fail the change)
    return {
        "grant": {
            "id": payload.grant_id,
            "kind": payload.grant,
            "purpose": payload.purpose,
            "amount_minor": payload.amount_minor,
            "currency": payload.currency,
        }
    }


def _survey(entry: TimelineEntry) -> dict[str, Any]:
    payload = payload_of(entry)
    if not isinstance(payload, SurveyAnswered):
        return {}
    return {
        "answer": {
            "survey_id": payload.survey_id,
            "score": payload.score,
            "comment": payload.comment,
            "via": payload.via,
        }
    }


_DETAILS: dict[WebhookEvent, Callable[[TimelineEntry], dict[str, Any]]] = {
    WebhookEvent.MESSAGE_RECEIVED: _message,
    WebhookEvent.REPLY_SENT: _message,
    WebhookEvent.CASE_UPDATED: _update,
    WebhookEvent.GRANT_ISSUED: _grant,
    WebhookEvent.SURVEY_ANSWERED: _survey,
}
