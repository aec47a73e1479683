"""WS /api/sweeps/{id}/stream: the sweep, then every trial's epochs, grids and statuses."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from playground.api.deps import MAX_ID
from playground.api.routes.stream import (
    FRAME_BYTES,
    TOO_SLOW,
    _close,
    _watch_disconnect,
    viewer,
)
from playground.api.wire import SWEEP_VIEW
from playground.services.hub import Hub, Subscription
from playground.services.manager import run_topic
from playground.services.messages import StreamMessage, encode, is_final
from playground.services.sweeps import SweepReplay, Sweeps, trial_messages

router = APIRouter(tags=["stream"])


@router.websocket("/api/sweeps/{sweep_id}/stream")
async def sweep_stream(ws: WebSocket, sweep_id: int) -> None:
    """Frames are JSON arrays, as on a run's stream: first [{"type": "sweep", "sweep":
    SweepView}], then the stored curves and newest grid of each trial, then live
    {"type": "trial", "run_id", "message"} until every trial has ended."""
    await ws.accept()  # before any close: a close before accept reaches browsers as 1006
    if (user := await viewer(ws)) is None:
        return
    sweeps: Sweeps = ws.app.state.sweeps
    hub: Hub = ws.app.state.hub
    in_range = 1 <= sweep_id <= MAX_ID  # a larger id is no id (and overflows BIGINT)
    ids = (
        await run_in_threadpool(lambda: sweeps.trial_ids(sweep_id=sweep_id, user=user))
        if in_range
        else None
    )
    if ids is None:
        await ws.close(code=4404, reason=f"sweep {sweep_id} not found")
        return
    # Subscribe before reading the store, so nothing published meanwhile is missed.
    async with hub.subscribe_all([run_topic(i) for i in ids]) as sub:
        replay = await run_in_threadpool(lambda: sweeps.replay(sweep_id=sweep_id))
        if replay is None:
            await ws.close(code=4404, reason=f"sweep {sweep_id} not found")
            return
        await _replay(ws, replay)
        if not replay.finished:
            await _follow(ws, sub, dict(replay.last_seq), set(replay.ended))
    await _close(ws)


async def _replay(ws: WebSocket, replay: SweepReplay) -> None:
    """The sweep, then the trials' stored messages in frames of about FRAME_BYTES."""
    intro = {"type": "sweep", "sweep": SWEEP_VIEW.dump_python(replay.sweep, mode="json")}
    await ws.send_text(encode([intro]))
    chunk: list[str] = []
    size = 0
    for m in trial_messages(replay.messages):
        text = encode(m)
        if chunk and size + len(text) > FRAME_BYTES:
            await ws.send_text("[" + ",".join(chunk) + "]")
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
    if chunk:
        await ws.send_text("[" + ",".join(chunk) + "]")


async def _follow(ws: WebSocket, sub: Subscription, last: dict[int, int], ended: set[int]) -> None:
    """Forward each trial's live frames (newer than its replay) until every trial ended.

    The hub's frames each hold one run's batch; `last` is that run's newest seq sent.
    """
    watcher = asyncio.create_task(_watch_disconnect(ws, sub))
    try:
        while len(ended) < len(last) and (frame := await sub.queue.get()) is not None:
            run_id = _run_of(frame.messages)
            if run_id in last and frame.seq > last[run_id]:
                last[run_id] = frame.seq
                if any(map(is_final, frame.messages)):
                    ended.add(run_id)
                wrapped = trial_messages(frame.messages)
                if wrapped:
                    await ws.send_text(encode(wrapped))
            if sub.lagging and sub.queue.empty():
                await ws.close(code=TOO_SLOW, reason="viewer too slow; reconnect")
                return
    except (WebSocketDisconnect, RuntimeError, OSError):
        return  # the viewer went away mid-send
    finally:
        watcher.cancel()


def _run_of(messages: list[StreamMessage]) -> int | None:
    return int(messages[0]["run_id"]) if messages else None
