"""Handing the SIP/RTP threads' events and frames to the event loop, in batches.

One ``call_soon_threadsafe`` per frame is a write to the loop's wake-up pipe and a wake-up of the
loop 50 times a second per call (5 000 at 100 calls), each contending for the GIL with the media
clock thread. Here the first item of a batch schedules one drain and the items that arrive
before it runs join it; one queue keeps the order across all calls (an ENDED never overtakes a
call's last frames).
"""
from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from typing import Any


class LoopHandoff:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._items: deque[tuple[Callable[[Any], None], Any]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False
        # Drains run and items handed over (a benchmark's measure of the batching).
        self.drains = 0
        self.items = 0

    def put(self, handler: Callable[[Any], None], arg: Any) -> None:
        with self._lock:
            self._items.append((handler, arg))
            if self._scheduled:
                return
            self._scheduled = True
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:
            pass  # the loop is closed: nobody listens any more

    def _drain(self) -> None:
        with self._lock:
            items, self._items = self._items, deque()
            self._scheduled = False
        self.drains += 1
        self.items += len(items)
        for handler, arg in items:
            handler(arg)
