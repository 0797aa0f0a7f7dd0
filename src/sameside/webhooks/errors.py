"""Expected failures of webhooks, each with its HTTP status."""

from __future__ import annotations

from sameside.kit.errors import Conflict, NotFound


class WebhookNotFound(NotFound):
    title = "Webhook not found"
    slug = "webhook-not-found"


class DeliveryNotFound(NotFound):
    title = "Delivery not found"
    slug = "webhook-delivery-not-found"


class WebhookPaused(Conflict):
    title = "Webhook paused"
    slug = "webhook-paused"
