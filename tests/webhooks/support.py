"""Helpers for webhook tests: an admin who subscribes through the API, and the worker's delivery runs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sameside.config import Settings
from sameside.db.engine import Database
from sameside.jobs.run import Provided
from sameside.webhooks.outbox import DELIVER
from sameside.worker.runner import Runner


def subscribe(client: TestClient, admin: dict[str, str], url: str, events: list[str], **extra: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/webhooks", json={"url": url, "events": events, **extra}, headers=admin)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def allow(client: TestClient, admin: dict[str, str], host: str) -> None:
    answer = client.post("/api/v1/webhooks/allowed-hosts", json={"host": host}, headers=admin)
    assert answer.status_code == 201, answer.text


def deliver_due(db: Database, settings: Settings) -> int:
    """Run every webhook attempt due now, as the worker would; returns how many ran."""
    runner = Runner(db, settings, Provided())
    ran = 0
    while runner.run_next((DELIVER,)):
        ran += 1
    return ran


def log_of(client: TestClient, admin: dict[str, str], webhook_id: int) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/webhooks/{webhook_id}/deliveries", headers=admin)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items
