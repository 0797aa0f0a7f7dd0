"""The hub wakes every open page, whichever loop or thread the change was committed on."""

from __future__ import annotations

import asyncio
import threading
import time

from sameside.live.hub import Hub


def test_a_page_on_one_loop_hears_a_change_published_from_another() -> None:
    hub = Hub()
    published = threading.Event()

    async def the_hubs_own_loop(ready: threading.Event, done: threading.Event) -> None:
        async with hub.run():
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.01)

    ready, done = threading.Event(), threading.Event()
    server = threading.Thread(target=asyncio.run, args=(the_hubs_own_loop(ready, done),))
    server.start()
    try:
        assert ready.wait(5)

        heard: list[dict[str, object]] = []

        async def a_page() -> None:
            subscription = hub.subscribe({"case:7"})
            threading.Thread(target=lambda: (hub.publish("case:7", {"type": "changed"}), published.set())).start()
            # No timer on this loop: only a proper hand-over can wake it from its wait.
            heard.append(await subscription.queue.get())

        page = threading.Thread(target=asyncio.run, args=(a_page(),), daemon=True)
        page.start()
        page.join(10)
    finally:
        done.set()
        server.join(5)
    assert published.is_set()
    assert heard == [{"type": "changed", "topic": "case:7"}], "the page never woke up"


def test_a_page_that_listens_after_a_change_it_did_not_read_is_told_it_missed_it() -> None:
    hub = Hub()
    began = time.time()
    hub._deliver({"type": "case.updated", "topic": "case:9"})  # what the hub's loop does with a publish
    assert hub.changed_since("case:9", began)
    assert not hub.changed_since("case:9", time.time() + 1)  # a page that began reading after it saw it
    assert not hub.changed_since("case:10", began)
    hub._deliver({"type": "presence", "topic": "case:11:staff", "name": "Dana", "joined": True})
    assert not hub.changed_since("case:11:staff", began)  # someone opening a case changes nothing on it
