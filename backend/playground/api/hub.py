"""Fan-out of live run messages to websocket viewers: one bounded queue per subscriber.

The producer (the RunManager, on the event loop) never waits: a viewer whose queue is full
is marked lagging and closed with a reason, and reconnects with from_seq to catch up from
the store. So a slow viewer never slows training or other viewers.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

Message = dict[str, Any]
QUEUE_SIZE = 1024  # frames per viewer before it is considered too slow


@dataclass(eq=False)
class Subscription:
    """A viewer's queue; `lagging` is set when it overflowed and must resync."""

    topic: str
    queue: asyncio.Queue[list[Message]] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    lagging: bool = False


class Hub:
    """Topic -> subscribers; topics are 'run:<id>' and 'runs' (status changes for lists)."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)

    def publish(self, topic: str, frame: list[Message]) -> None:
        """Queue one frame (a list of messages) for every subscriber; never blocks."""
        for sub in tuple(self._subs.get(topic, ())):
            if sub.lagging:
                continue
            try:
                sub.queue.put_nowait(frame)
            except asyncio.QueueFull:
                sub.lagging = True

    def subscribers(self, topic: str) -> int:
        return len(self._subs.get(topic, ()))

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[Subscription]:
        """Register a queue for the duration of the block; always removed in `finally`."""
        sub = Subscription(topic)
        self._subs[topic].add(sub)
        try:
            yield sub
        finally:
            self._subs[topic].discard(sub)
            if not self._subs[topic]:
                del self._subs[topic]
