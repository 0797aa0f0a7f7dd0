"""Changing webhooks, as verbs: subscribe, change, remove, rotate a secret, pause and resume, allow a private
host, deliver again, ping — admins only — and `record_attempt`, the worker's account of one try.

Never commits. A failed attempt schedules the next by `rules.RETRY_AFTER` (a job with its `run_after`);
a subscription that has failed every attempt for `rules.PAUSE_AFTER` is paused and the admins are told,
in the same transaction as the attempt that tipped it.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sameside.jobs.service import enqueue
from sameside.kit import clock
from sameside.kit.actors import Actor, Role, StaffActor
from sameside.kit.errors import Conflict, Forbidden, Invalid
from sameside.staff import notifications
from sameside.staff.models import Staff
from sameside.webhooks import queries, rules
from sameside.webhooks.errors import WebhookPaused
from sameside.webhooks.models import Webhook, WebhookAllowedHost, WebhookAttempt, WebhookDelivery
from sameside.webhooks.outbox import DELIVER, record
from sameside.webhooks.rules import PING, DeliveryState, WebhookEvent

NOTICE_KIND = "webhook_paused"


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _admin(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor) or actor.role is not Role.ADMIN:
        raise Forbidden("Webhooks are set up by admins.")
    return actor


def _events(events: Iterable[WebhookEvent | str]) -> list[str]:
    try:
        return sorted({WebhookEvent(e).value for e in events})
    except ValueError:
        raise Invalid(f"Choose events from the list: {', '.join(e.value for e in WebhookEvent)}.") from None


def subscribe(
    session: Session, actor: Actor, *, url: str, events: Iterable[WebhookEvent | str], description: str = ""
) -> tuple[Webhook, str]:
    """A new, active subscription; returns it with its secret (shown to the admin once)."""
    admin = _admin(actor)
    chosen = _events(events)
    if not chosen:
        raise Invalid("Choose at least one event.")
    secret = new_secret()
    hook = Webhook(
        url=rules.checked_url(url),
        description=" ".join(description.split())[: rules.DESCRIPTION_MAX],
        events=chosen,
        secret=secret,
        active=True,
        created_by=admin.staff_id,
        created_at=clock.now(),
    )
    session.add(hook)
    session.flush()
    return hook, secret


def change(
    session: Session,
    actor: Actor,
    webhook_id: int,
    *,
    url: str | None = None,
    events: Iterable[WebhookEvent | str] | None = None,
    description: str | None = None,
) -> Webhook:
    _admin(actor)
    hook = queries.get(session, webhook_id)
    if url is not None:
        hook.url = rules.checked_url(url)
    if events is not None:
        chosen = _events(events)
        if not chosen:
            raise Invalid("Choose at least one event.")
        hook.events = chosen
    if description is not None:
        hook.description = " ".join(description.split())[: rules.DESCRIPTION_MAX]
    return hook


def remove(session: Session, actor: Actor, webhook_id: int) -> None:
    """Delete the subscription with its deliveries and their log."""
    _admin(actor)
    session.delete(queries.get(session, webhook_id))
    session.flush()


def rotate_secret(session: Session, actor: Actor, webhook_id: int) -> tuple[str, datetime]:
    """A new secret; the old one keeps signing too for `rules.ROTATION_OVERLAP`. Returns the secret and that end.

    A second rotation inside the overlap drops the oldest secret: a receiver updated to the middle one
    still verifies (it signs with the new and the middle one).
    """
    _admin(actor)
    hook = queries.get(session, webhook_id)
    until = clock.now() + rules.ROTATION_OVERLAP
    hook.previous_secret, hook.previous_secret_until = hook.secret, until
    hook.secret = new_secret()
    return hook.secret, until


def pause(session: Session, actor: Actor, webhook_id: int, reason: str = "Paused by an admin.") -> Webhook:
    """No events are recorded for it until resumed; attempts already queued are held."""
    _admin(actor)
    hook = queries.get(session, webhook_id)
    _pause(hook, reason)
    return hook


def _pause(hook: Webhook, reason: str) -> None:
    if hook.active:
        hook.active = False
        hook.paused_reason = reason[:300]
        hook.paused_at = clock.now()


def resume(session: Session, actor: Actor, webhook_id: int) -> Webhook:
    """Active again, its failures forgotten; deliveries held or failed meanwhile wait for a redelivery."""
    _admin(actor)
    hook = queries.get(session, webhook_id)
    hook.active = True
    hook.paused_reason = hook.paused_at = hook.failing_since = None
    return hook


def allow_host(session: Session, actor: Actor, host: str) -> WebhookAllowedHost:
    """Let deliveries reach `host` though it resolves to a private or loopback address (an internal receiver)."""
    admin = _admin(actor)
    name = rules.checked_host(host)
    if session.get(WebhookAllowedHost, name) is not None:
        raise Conflict(f"{name} is already allowed.")
    row = WebhookAllowedHost(host=name, added_by=admin.staff_id, added_at=clock.now())
    session.add(row)
    session.flush()
    return row


def disallow_host(session: Session, actor: Actor, host: str) -> None:
    _admin(actor)
    name = rules.checked_host(host)
    session.execute(delete(WebhookAllowedHost).where(WebhookAllowedHost.host == name))


def redeliver(session: Session, actor: Actor, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """Try a delivery again now (delivered, failed or held alike), with the same `webhook-id`."""
    _admin(actor)
    hook = queries.get(session, webhook_id)
    if not hook.active:
        raise WebhookPaused("This webhook is paused: resume it first, then deliver again.")
    delivery = queries.delivery_of(session, webhook_id, delivery_id)
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = clock.now()
    enqueue(session, DELIVER, delivery_id=delivery.id, manual=True)
    return delivery


def ping(session: Session, actor: Actor, webhook_id: int) -> int:
    """Send a `webhook.ping` message to the subscription now, paused or not; returns its delivery's id."""
    _admin(actor)
    hook = queries.get(session, webhook_id)
    data = {"webhook_id": hook.id, "text": "A test from Sameside: your receiver is reached and verifies."}
    [delivery_id] = record(session, PING, data, [hook.id], at=clock.now())
    return delivery_id


# ---------------------------------------------------------------- the worker's side


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: the receiver's status (None when no answer came), and its words or ours."""

    status: int | None
    response: str | None
    error: str | None
    duration_ms: int


def record_attempt(session: Session, delivery_id: int, outcome: Outcome, *, manual: bool = False) -> None:
    """Log one attempt and decide what follows: delivered; the next attempt; given up; or the webhook paused.

    A failure on a webhook that has failed every attempt for `rules.PAUSE_AFTER` pauses it and tells every
    active admin (a notification, and an email to those who chose it). Safe to repeat only as far as the
    job queue's lease allows: a second run of the same job logs a second attempt.
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return
    hook = session.get(Webhook, delivery.webhook_id)
    if hook is None:
        return
    now = clock.now()
    delivery.attempts += 1
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            number=delivery.attempts,
            at=now,
            status=outcome.status,
            response=_cut(outcome.response),
            error=_cut(outcome.error),
            duration_ms=outcome.duration_ms,
            manual=manual,
        )
    )
    delivery.last_status = outcome.status
    if rules.succeeded(outcome.status):
        delivery.state, delivery.delivered_at = DeliveryState.DELIVERED, now
        delivery.next_attempt_at, delivery.last_error = None, None
        hook.failing_since = None
        return
    delivery.last_error = _cut(outcome.error or f"HTTP {outcome.status}")
    hook.failing_since = hook.failing_since or now
    if hook.active and rules.should_pause(hook.failing_since, now):
        _pause(hook, f"Every attempt failed since {hook.failing_since:%Y-%m-%d %H:%M} UTC.")
        _tell_admins(session, hook)
    wait = rules.next_attempt_after(delivery.attempts if not manual else rules.ATTEMPTS)
    if not hook.active:
        delivery.state, delivery.next_attempt_at = DeliveryState.HELD, None
    elif wait is None:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = now + wait
        enqueue(session, DELIVER, run_after=delivery.next_attempt_at, delivery_id=delivery.id)


def hold(session: Session, delivery_id: int) -> None:
    """A delivery whose webhook was paused before its attempt: kept, not tried, until an admin redelivers."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is not None and delivery.state is DeliveryState.PENDING:
        delivery.state, delivery.next_attempt_at = DeliveryState.HELD, None


def _tell_admins(session: Session, hook: Webhook) -> None:
    admins = session.scalars(
        select(Staff.id).where(Staff.role == Role.ADMIN, Staff.is_active.is_(True)).order_by(Staff.id)
    ).all()
    notifications.notify(
        session,
        admins,
        kind=NOTICE_KIND,
        text=f"Webhook to {hook.url} paused: every delivery failed for a day. Fix the receiver, then resume it.",
        url=f"/desk/admin/webhooks/{hook.id}",
    )


def _cut(text: str | None) -> str | None:
    return None if text is None else text[: rules.EXCERPT_MAX]
