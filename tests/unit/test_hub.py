"""The hub never blocks its producer: a slow viewer is marked lagging, others still get all."""

from __future__ import annotations

import asyncio

from playground.services.hub import QUEUE_SIZE, Frame, Hub


def test_slow_viewer_never_blocks_or_starves_others() -> None:
    async def scenario() -> tuple[int, bool, bool, int]:
        hub = Hub()
        async with hub.subscribe("run:1") as slow, hub.subscribe("run:1") as fast:
            received = 0
            for i in range(QUEUE_SIZE + 10):
                hub.publish(
                    "run:1", Frame([{"seq": i}])
                )  # returns at once, whatever the viewers do
                while not fast.queue.empty():
                    fast.queue.get_nowait()
                    received += 1
            return received, slow.lagging, fast.lagging, slow.queue.qsize()

    received, slow_lagging, fast_lagging, backlog = asyncio.run(scenario())
    assert received == QUEUE_SIZE + 10
    assert slow_lagging
    assert not fast_lagging
    assert backlog == QUEUE_SIZE  # bounded: what overflowed was dropped, not queued


def test_subscription_is_removed_on_exit_even_after_errors() -> None:
    async def scenario() -> int:
        hub = Hub()
        try:
            async with hub.subscribe("runs"):
                raise RuntimeError("viewer crashed")
        except RuntimeError:
            pass
        hub.publish("runs", Frame([{"seq": 1}]))  # nobody left: nothing to do, no error
        return hub.subscribers("runs")

    assert asyncio.run(scenario()) == 0


def test_frame_is_encoded_once_and_knows_its_seq_and_end() -> None:
    frame = Frame(
        [{"seq": 3, "type": "epoch"}, {"seq": 4, "type": "status", "status": "succeeded"}]
    )
    assert frame.text is frame.text  # cached: one encoding for every viewer
    assert frame.seq == 4
    assert frame.final
    assert not Frame([{"seq": 1, "type": "status", "status": "running"}]).final
