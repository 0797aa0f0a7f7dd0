"""Webhooks (admins only): subscriptions, their delivery log, redelivery, secret rotation, a test message, and
the private hosts deliveries may reach. What a receiver is sent is documented as the document's `webhooks`
(`documented`, one entry per message type)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response, status

from sameside.http.deps import Admin, ReadSession, Write
from sameside.http.offload import offload
from sameside.kit.ids import MAX_ID
from sameside.webhooks import queries, service
from sameside.webhooks.models import Webhook, WebhookAllowedHost, WebhookAttempt, WebhookDelivery
from sameside.webhooks.rules import EVENT_WORDS, HOST_MAX, WebhookEvent
from sameside.webhooks.schemas import (
    MESSAGES,
    AllowedHostIn,
    AllowedHostOut,
    AttemptOut,
    DeliveryOut,
    DeliveryPageOut,
    SecretOut,
    WebhookChange,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

WebhookId = Annotated[int, Path(ge=1, le=MAX_ID, description="The webhook's id")]
DeliveryId = Annotated[int, Path(ge=1, le=MAX_ID, description="The delivery's id")]
PAUSED: dict[int | str, dict[str, Any]] = {409: {"description": "The webhook is paused: resume it first"}}
ALLOWED: dict[int | str, dict[str, Any]] = {409: {"description": "Already allowed"}}
RECEIVED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Received: any 2xx within 15 seconds; anything else is tried again"}
}


def webhook_out(hook: Webhook) -> WebhookOut:
    return WebhookOut(
        id=hook.id,
        url=hook.url,
        description=hook.description,
        events=[WebhookEvent(e) for e in hook.events or ()],
        active=hook.active,
        paused_reason=hook.paused_reason,
        paused_at=hook.paused_at,
        failing_since=hook.failing_since,
        previous_secret_until=hook.previous_secret_until,
        created_at=hook.created_at,
    )


def attempt_out(row: WebhookAttempt) -> AttemptOut:
    return AttemptOut(
        number=row.number,
        at=row.at,
        status=row.status,
        response=row.response,
        error=row.error,
        duration_ms=row.duration_ms,
        manual=row.manual,
    )


def delivery_out(row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryOut:
    return DeliveryOut(
        id=row.id,
        webhook_id=row.webhook_id,
        type=row.type,
        wire_id=row.wire_id,
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        log=[attempt_out(a) for a in attempts],
    )


def host_out(row: WebhookAllowedHost) -> AllowedHostOut:
    return AllowedHostOut(host=row.host, added_at=row.added_at)


# The allowed hosts first: `/webhooks/allowed-hosts` is not a webhook's id.


@router.get("/allowed-hosts", response_model=list[AllowedHostOut])
@offload
def allowed_hosts(actor: Admin, session: ReadSession) -> list[AllowedHostOut]:
    """Hosts deliveries may reach though they resolve to private, loopback or link-local addresses."""
    return [host_out(row) for row in queries.allowed_hosts(session)]


@router.post(
    "/allowed-hosts",
    status_code=status.HTTP_201_CREATED,
    response_model=AllowedHostOut,
    responses=ALLOWED,
)
@offload
def allow_host(body: AllowedHostIn, actor: Admin, write: Write) -> AllowedHostOut:
    """Allow a host name or IP address (an internal receiver). Checked when delivering, against the URL's host."""
    with write() as session:
        return host_out(service.allow_host(session, actor, body.host))


@router.delete("/allowed-hosts/{host}", status_code=status.HTTP_204_NO_CONTENT)
@offload
def disallow_host(
    host: Annotated[str, Path(min_length=1, max_length=HOST_MAX, description="The host, as listed")],
    actor: Admin,
    write: Write,
) -> Response:
    """No longer allow the host (idempotent): its private addresses are refused again."""
    with write() as session:
        service.disallow_host(session, actor, host)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=list[WebhookOut])
@offload
def webhooks(actor: Admin, session: ReadSession) -> list[WebhookOut]:
    """Every subscription, oldest first. Secrets are never shown again after they are made."""
    return [webhook_out(hook) for hook in queries.listed(session)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreatedOut)
@offload
def subscribe(body: WebhookIn, actor: Admin, write: Write) -> WebhookCreatedOut:
    """Subscribe a receiver to events. The answer carries its signing secret, shown this once."""
    with write() as session:
        hook, secret = service.subscribe(
            session, actor, url=str(body.url), events=body.events, description=body.description
        )
        return WebhookCreatedOut(**webhook_out(hook).model_dump(), secret=secret)


@router.get("/{webhook_id}", response_model=WebhookOut)
@offload
def webhook(webhook_id: WebhookId, actor: Admin, session: ReadSession) -> WebhookOut:
    return webhook_out(queries.get(session, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookOut)
@offload
def change(webhook_id: WebhookId, body: WebhookChange, actor: Admin, write: Write) -> WebhookOut:
    """Change its URL, events or description; `active` false pauses it, true resumes it (failures forgotten)."""
    with write() as session:
        hook = service.change(
            session,
            actor,
            webhook_id,
            url=str(body.url) if body.url is not None else None,
            events=body.events,
            description=body.description,
        )
        if body.active is True and not hook.active:
            hook = service.resume(session, actor, webhook_id)
        elif body.active is False and hook.active:
            hook = service.pause(session, actor, webhook_id)
        return webhook_out(hook)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
@offload
def remove(webhook_id: WebhookId, actor: Admin, write: Write) -> Response:
    """Remove the subscription, with its deliveries and their log."""
    with write() as session:
        service.remove(session, actor, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{webhook_id}/rotate-secret", response_model=SecretOut)
@offload
def rotate_secret(webhook_id: WebhookId, actor: Admin, write: Write) -> SecretOut:
    """A new secret, shown once. For a day messages carry two signatures, by the new and the old secret, so
    the receiver can switch at any moment in that day without missing one."""
    with write() as session:
        secret, until = service.rotate_secret(session, actor, webhook_id)
        return SecretOut(secret=secret, previous_secret_until=until)


@router.post("/{webhook_id}/test", status_code=status.HTTP_202_ACCEPTED, response_model=DeliveryOut)
@offload
def send_test(webhook_id: WebhookId, actor: Admin, write: Write) -> DeliveryOut:
    """Send a `webhook.ping` message now, paused or not (the worker delivers it); it is logged like any other."""
    with write() as session:
        delivery_id = service.ping(session, actor, webhook_id)
        return delivery_out(queries.delivery_of(session, webhook_id, delivery_id), [])


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPageOut)
@offload
def deliveries(
    webhook_id: WebhookId,
    actor: Admin,
    session: ReadSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> DeliveryPageOut:
    """The delivery log, newest first: each message's state and every attempt with the receiver's answer."""
    page = queries.deliveries(session, webhook_id, limit=limit, cursor=cursor)
    return DeliveryPageOut(
        items=[delivery_out(item.delivery, list(item.attempts)) for item in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=DeliveryOut,
    responses=PAUSED,
)
@offload
def redeliver(webhook_id: WebhookId, delivery_id: DeliveryId, actor: Admin, write: Write) -> DeliveryOut:
    """Deliver the message again now, with the same `webhook-id` (a receiver that has it may ignore it)."""
    with write() as session:
        delivery = service.redeliver(session, actor, webhook_id, delivery_id)
        return delivery_out(delivery, [])


# ---------------------------------------------------------------- what receivers are sent

documented = APIRouter()
"""The document's `webhooks`: one POST per message type, its body the message's envelope."""


def _document(kind: str) -> None:
    model = MESSAGES[kind]
    words = {e.value: w for e, w in EVENT_WORDS.items()}.get(kind, "A test message (`POST …/test`)")

    def receive(body: object) -> None:
        """Signed by the Standard Webhooks scheme: `webhook-id`, `webhook-timestamp`, `webhook-signature`."""

    receive.__annotations__ = {"body": model, "return": None}  # the envelope of this type, for the document
    receive.__name__ = kind.replace(".", "_")
    documented.post(
        kind,
        summary=words,
        description=receive.__doc__,
        operation_id=f"webhook_{receive.__name__}",
        responses=RECEIVED,
    )(receive)


for _kind in MESSAGES:
    _document(_kind)
