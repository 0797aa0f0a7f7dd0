"""The task the worker adapter owns itself: delivering queued mail (`worker.delivery`)."""

from __future__ import annotations

from sameside.jobs.registry import register
from sameside.mail.outbox import DELIVER
from sameside.worker.delivery import deliver

register(DELIVER, deliver)
