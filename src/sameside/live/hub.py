"""Live updates: committed changes reach open pages over WebSocket, in one process or many.

Domain events are delivered after their transaction commits (`kit.events`);
`wiring` hands them to the hub here as small messages on topics — `case:12`
for a case's page, `desk` for every agent's queues. Without Redis the hub
fans out in-process; with `SAMESIDE_REDIS_URL` every process publishes to
Redis and fans out what it hears, so a message posted on one server reaches a
browser connected to another. Messages say *what* changed, never the
content: a page that hears one fetches itself again, through the same access
checks as any request.

Presence ("Dana also has this case open") rides the same topics.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "sameside:live:"
CHANGES_KEPT = 10_000
CHANGES_KEPT_SECONDS = 600
"""When a topic last changed is kept for this long (once that many topics are kept), for `changed_since`."""


class Subscription:
    """One open page's topics, and the queue its socket reads from.

    The queue belongs to the loop the subscription was made on (an
    `asyncio.Queue` wakes its reader only from its own loop), so a message
    delivered from any other loop or thread is handed over through that loop.
    """

    def __init__(self, hub: Hub, topics: set[str]) -> None:
        self.hub = hub
        self.topics = topics
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=256)
        self.loop = asyncio.get_running_loop()

    def add(self, topic: str) -> None:
        self.topics.add(topic)
        self.hub._subscribers[topic].add(self)

    def deliver(self, message: dict[str, Any]) -> None:
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is self.loop:
            self._put(message)
        else:
            with contextlib.suppress(RuntimeError):  # its loop has closed: the page is gone
                self.loop.call_soon_threadsafe(self._put, message)

    def _put(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # a stalled page misses updates; it refreshes anyway
            self.queue.put_nowait(message)


class Hub:
    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self._viewers: dict[str, Counter[str]] = defaultdict(Counter)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._publisher: Any = None
        self._lock = threading.Lock()
        self._changed_at: dict[str, float] = {}

    # ------------------------------------------------------------ life cycle

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """Bind to the server's loop (and listen to Redis) for the app's lifetime."""
        self._loop = asyncio.get_running_loop()
        listener = asyncio.create_task(self._listen()) if self.redis_url else None
        try:
            yield
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await listener
            if self._publisher is not None:
                self._publisher.close()
            self._loop = None

    # ------------------------------------------------------------ publishing (any thread)

    def publish(self, topic: str, message: dict[str, Any]) -> None:
        """Send `message` to everyone watching `topic`, in every process. Safe from any thread."""
        payload = {**message, "topic": topic}
        if self.redis_url:
            try:
                self._redis().publish(CHANNEL_PREFIX + topic, json.dumps(payload))
                return
            except Exception:
                log.exception("could not publish a live update to Redis; delivering in this process only")
        self._hand_over(payload)

    def _redis(self) -> Any:
        with self._lock:
            if self._publisher is None:
                import redis

                self._publisher = redis.Redis.from_url(self.redis_url or "", socket_timeout=2)
            return self._publisher

    def _hand_over(self, payload: dict[str, Any]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._deliver, payload)

    def _deliver(self, payload: dict[str, Any]) -> None:
        topic = payload["topic"]
        if payload.get("type") == "presence":
            viewers = self._viewers[topic]
            viewers[payload["name"]] += 1 if payload["joined"] else -1
            viewers += Counter()  # drop those who left
            payload = {"type": "presence", "topic": topic, "viewers": sorted(viewers)}
        else:
            self._remember_change(topic)
        for subscriber in list(self._subscribers.get(topic, ())):
            subscriber.deliver(payload)

    async def _listen(self) -> None:
        import redis.asyncio as aioredis

        while True:
            try:
                client = aioredis.Redis.from_url(self.redis_url or "")
                async with client.pubsub() as pubsub:
                    await pubsub.psubscribe(CHANNEL_PREFIX + "*")
                    async for item in pubsub.listen():
                        if item.get("type") != "pmessage":
                            continue
                        with contextlib.suppress(ValueError, KeyError, TypeError):
                            self._deliver(json.loads(item["data"]))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lost the Redis connection for live updates; reconnecting")
                await asyncio.sleep(1)

    # ------------------------------------------------------------ subscribing (the loop)

    def subscribe(self, topics: set[str]) -> Subscription:
        subscription = Subscription(self, set())
        for topic in topics:
            subscription.add(topic)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            self._subscribers[topic].discard(subscription)
            if not self._subscribers[topic]:
                del self._subscribers[topic]

    def staff_online(self) -> bool:
        """Whether any agent has the workspace open on this server (the chat widget tells visitors)."""
        return bool(self._subscribers.get("desk"))

    def _remember_change(self, topic: str) -> None:
        now = time.time()
        if len(self._changed_at) >= CHANGES_KEPT:  # only the recent past matters: a page subscribes in seconds
            self._changed_at = {t: at for t, at in self._changed_at.items() if now - at < CHANGES_KEPT_SECONDS}
        self._changed_at[topic] = now

    def changed_since(self, topic: str, since: float) -> bool:
        """Whether this process heard of a change on `topic` at or after `since` (seconds since the epoch).

        A page that began reading before a change and subscribed after it would otherwise miss it.
        """
        changed = self._changed_at.get(topic)
        return changed is not None and changed >= since

    def viewers(self, topic: str) -> list[str]:
        return sorted(self._viewers.get(topic, Counter()))
