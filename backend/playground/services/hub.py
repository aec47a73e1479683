"""Fan-out of live run frames to websocket viewers: one bounded queue per subscriber.

A frame is encoded to JSON once, by the producer, and the same text goes to every viewer.
The producer (the RunManager, on the event loop) never waits: a viewer whose queue is full
is marked lagging and closed with a reason, and reconnects with from_seq to catch up from
the store. So a slow viewer never slows training or other viewers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property

from playground.services.messages import StreamMessage, encode, is_final

QUEUE_SIZE = 1024  # frames per viewer before it is considered too slow


@dataclass(frozen=True)
class Frame:
    """Messages sent together (one stored batch), with their JSON text made once."""

    messages: list[StreamMessage]

    @cached_property
    def text(self) -> str:
        return encode(self.messages)

    @cached_property
    def seq(self) -> int:
        """The newest seq in the frame (a batch shares one seq; 0 when there is none)."""
        return max((int(m.get("seq", 0)) for m in self.messages), default=0)

    @cached_property
    def final(self) -> bool:
        """Whether the frame carries the run's final status."""
        return any(map(is_final, self.messages))


@dataclass(eq=False)
class Subscription:
    """A viewer's queue; `lagging` is set when it overflowed and must resync."""

    topic: str
    queue: asyncio.Queue[Frame | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    lagging: bool = False

    def wake(self) -> None:
        """Unblock a reader waiting on the queue (None = stop), e.g. when the viewer left."""
        # A full queue means the reader is busy with frames and will meet the closed socket.
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)


class Hub:
    """Topic -> subscribers; topics are 'run:<id>' and 'runs' (status changes for lists)."""

    def __init__(self) -> None:
        self._subs: dict[str, set[Subscription]] = defaultdict(set)

    def publish(self, topic: str, frame: Frame) -> None:
        """Queue one frame for every subscriber; never blocks."""
        for sub in tuple(self._subs.get(topic, ())):
            if sub.lagging:
                continue
            try:
                sub.queue.put_nowait(frame)
            except asyncio.QueueFull:
                sub.lagging = True

    def subscribers(self, topic: str) -> int:
        return len(self._subs.get(topic, ()))

    def watched(self, topic: str) -> bool:
        """Whether anyone follows `topic` now; safe from any thread (a dict read)."""
        return bool(self._subs.get(topic))

    def subscribe(self, topic: str) -> AbstractAsyncContextManager[Subscription]:
        """Register a queue for the duration of the block; always removed in `finally`."""
        return self.subscribe_all([topic])

    @asynccontextmanager
    async def subscribe_all(self, topics: Sequence[str]) -> AsyncIterator[Subscription]:
        """One queue for several topics (a sweep's viewer follows every trial), in the
        order frames are published; removed from each in `finally`."""
        sub = Subscription(",".join(topics))
        for topic in topics:
            self._subs[topic].add(sub)
        try:
            yield sub
        finally:
            for topic in topics:
                self._subs[topic].discard(sub)
                if not self._subs[topic]:
                    del self._subs[topic]
