"""A small sliding-window rate limiter, kept in process memory.

Enough for sign-in and magic-link requests on one server process; with several
processes each keeps its own window (a shared store comes with the Redis
fan-out of the web issue).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from sameside.kit.errors import TooManyRequests


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one attempt for `key`; raise TooManyRequests past the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = max(1, math.ceil(hits[0] + self.window - now))
                raise TooManyRequests(f"Too many attempts; try again in {retry} seconds.", retry_after=retry)
            hits.append(now)
            if len(self._hits) > 100_000:  # bound memory under a spray of keys
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
