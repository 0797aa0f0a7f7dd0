"""Reading webhooks: the subscriptions, their deliveries with each attempt, the allowed hosts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sameside.kit import clock
from sameside.kit import cursor as cursors
from sameside.kit.errors import Invalid
from sameside.webhooks.errors import DeliveryNotFound, WebhookNotFound
from sameside.webhooks.models import Webhook, WebhookAllowedHost, WebhookAttempt, WebhookDelivery, WebhookMessage
from sameside.webhooks.rules import DeliveryState, signing_secrets


def listed(session: Session) -> Sequence[Webhook]:
    return session.scalars(select(Webhook).order_by(Webhook.id)).all()


def get(session: Session, webhook_id: int) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise WebhookNotFound(f"There is no webhook {webhook_id}.")
    return hook


def delivery_of(session: Session, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """A delivery of this webhook; one of another webhook's is as missing as one that never was."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook_id:
        raise DeliveryNotFound(f"Webhook {webhook_id} has no delivery {delivery_id}.")
    return delivery


@dataclass(frozen=True)
class Logged:
    delivery: WebhookDelivery
    attempts: Sequence[WebhookAttempt]
    """Oldest first."""


@dataclass(frozen=True)
class DeliveryPage:
    items: Sequence[Logged]
    next_cursor: str | None


def deliveries(session: Session, webhook_id: int, *, limit: int = 50, cursor: str | None = None) -> DeliveryPage:
    """A webhook's deliveries, newest first, each with its attempts (two queries, whatever the page's size)."""
    if not 1 <= limit <= 200:
        raise Invalid("limit must be between 1 and 200.")
    get(session, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if cursor is not None:
        (last_id,) = cursors.decode(cursor, (int,))
        query = query.where(WebhookDelivery.id < last_id)
    rows = list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    attempts: dict[int, list[WebhookAttempt]] = defaultdict(list)
    if rows:
        for attempt in session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_([r.id for r in rows]))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number, WebhookAttempt.id)
        ):
            attempts[attempt.delivery_id].append(attempt)
    items = [Logged(row, attempts[row.id]) for row in rows]
    return DeliveryPage(items, cursors.encode([rows[-1].id]) if more else None)


def allowed_hosts(session: Session) -> Sequence[WebhookAllowedHost]:
    return session.scalars(select(WebhookAllowedHost).order_by(WebhookAllowedHost.host)).all()


@dataclass(frozen=True)
class Outgoing:
    """What the worker needs to make one attempt, read in a short transaction before it goes to the network."""

    delivery_id: int
    webhook_id: int
    url: str
    wire_id: str
    body: dict[str, object]
    secrets: list[str]
    allowed_hosts: frozenset[str]
    paused: bool


def outgoing(session: Session, delivery_id: int) -> Outgoing | None:
    """The delivery's attempt to make, or None when there is none (delivered, gone, or not waiting)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state is not DeliveryState.PENDING:
        return None
    hook = session.get(Webhook, delivery.webhook_id)
    message = session.get(WebhookMessage, delivery.message_id)
    if hook is None or message is None:
        return None
    return Outgoing(
        delivery_id=delivery.id,
        webhook_id=hook.id,
        url=hook.url,
        wire_id=delivery.wire_id,
        body=message.payload,
        secrets=signing_secrets(hook.secret, hook.previous_secret, hook.previous_secret_until, clock.now()),
        allowed_hosts=frozenset(session.scalars(select(WebhookAllowedHost.host)).all()),
        paused=not hook.active,
    )
