"""The tasks the worker adapter owns itself: delivering queued mail (`worker.delivery`) and webhook messages
(`worker.webhooks`)."""

from __future__ import annotations

from sameside.jobs.registry import register
from sameside.mail.outbox import DELIVER
from sameside.webhooks.outbox import DELIVER as DELIVER_WEBHOOK
from sameside.worker import webhooks
from sameside.worker.delivery import deliver

register(DELIVER, deliver)
register(DELIVER_WEBHOOK, webhooks.deliver)
