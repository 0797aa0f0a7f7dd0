"""Webhook subscriptions, the events recorded for them, each delivery of one to one subscription, and its log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sameside.db.base import Base, UTCDateTime, str_enum
from sameside.kit import clock
from sameside.webhooks.rules import DeliveryState


class Webhook(Base):
    """A receiver's URL and the events it hears of, signed with its secret (and, while rotating, the one before)."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    """`WebhookEvent` values, sorted."""
    secret: Mapped[str] = mapped_column(String(100))
    """`whsec_` and the base64 of 24 random bytes: the Standard Webhooks form receivers' libraries read."""
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Until then, messages carry a signature by the previous secret too (a rotation without a gap)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    """False while paused, by an admin or after persistent failure: no events are recorded for it."""
    paused_reason: Mapped[str | None] = mapped_column(String(300))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The first failed attempt since its last success; None while it succeeds."""
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class WebhookAllowedHost(Base):
    """A host an admin allowed deliveries to reach though it resolves to a private or loopback address."""

    __tablename__ = "webhook_allowed_hosts"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class WebhookMessage(Base):
    """One event as subscribers read it (`type`, `timestamp`, `data`), recorded in the change's transaction."""

    __tablename__ = "webhook_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class WebhookDelivery(Base):
    """One message on its way to one subscription; the same `webhook-id` on every attempt."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True)
    wire_id: Mapped[str] = mapped_column(String(40), unique=True)
    """Its `webhook-id` header, `msg_…`: the same for each attempt, so a receiver can drop a repeat."""
    type: Mapped[str] = mapped_column(String(40))
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState), default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),)


class WebhookAttempt(Base):
    """One try at a delivery: what the receiver answered (a short excerpt), how long it took, or what failed."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    """1 for the first attempt; a redelivery goes on counting."""
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[int | None] = mapped_column(Integer)
    """The receiver's HTTP status; None when no answer came (refused, unreachable, timed out)."""
    response: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    """Asked for by an admin (a redelivery), not a scheduled retry."""

    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "number"),)
