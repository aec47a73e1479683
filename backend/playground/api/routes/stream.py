"""Websockets: one run's messages (replay from the store, then live) and all status changes."""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from playground.api.auth import identify_async
from playground.api.deps import MAX_ID
from playground.services.access import UserRecord
from playground.services.hub import Frame, Hub, Subscription
from playground.services.manager import RUNS_TOPIC, run_topic
from playground.services.runs import Runs

router = APIRouter(tags=["stream"])
FRAME_BYTES = 256 * 1024  # largest websocket frame we send (clients often cap at 1 MiB)
TOO_SLOW = 1013  # "try again later": the viewer fell behind; reconnect with from_seq
# What sending to (or closing) a websocket raises once the viewer has gone: Starlette's
# disconnect, its "already closed" RuntimeError, or the server's ClientDisconnected (OSError).
GONE = (WebSocketDisconnect, RuntimeError, OSError)
UNAUTHORIZED = 4401  # as HTTP's 401: log in, or pass a token


async def viewer(ws: WebSocket) -> UserRecord | None:
    """The handshake's user (cookie, Authorization header, or ?token= for clients that
    cannot set headers); closes the accepted socket with 4401 and returns None without one."""
    user = await identify_async(ws, query_token=True)
    if user is None:
        await _close(ws, code=UNAUTHORIZED, reason="log in first, or pass ?token=")
    return user


@router.websocket("/api/runs/{run_id}/stream")
async def run_stream(
    ws: WebSocket, run_id: int, from_seq: int = 0, from_step: int | None = None
) -> None:
    """Replays every stored message with seq > from_seq, then follows live; closes after the
    final status. `from_step` is accepted as another name for from_seq."""
    await ws.accept()  # before any close: a close before accept reaches browsers as 1006
    if (user := await viewer(ws)) is None:
        return
    if not 1 <= run_id <= MAX_ID:
        await _close(ws, code=4404, reason=f"run {run_id} not found")
        return
    runs: Runs = ws.app.state.runs
    hub: Hub = ws.app.state.hub
    after = from_step if from_step is not None else from_seq
    # Subscribe before reading the store, so nothing published meanwhile is missed.
    async with hub.subscribe(run_topic(run_id)) as sub:
        # Reading, rendering and encoding the replay all happen in a worker thread: a long
        # run's history must not hold up the other viewers' frames.
        replay = await run_in_threadpool(
            lambda: runs.replay_frames(run_id=run_id, after=after, user=user, max_bytes=FRAME_BYTES)
        )
        if replay is None:  # none, or not one this user may see: the same answer
            await _close(ws, code=4404, reason=f"run {run_id} not found")
            return
        try:
            for text in replay.frames:
                await ws.send_text(text)
            # A finished run has everything in the store: a viewer that already saw its end
            # (from_seq >= last seq) gets an empty replay, and must not wait for more.
            if not replay.final and not replay.finished:
                await _follow(ws, sub, max(replay.sent_seq, replay.last_seq))
        except GONE:
            return  # the viewer left mid-send: an ordinary end, nothing to report
    await _close(ws)


async def _follow(ws: WebSocket, sub: Subscription, last: int) -> None:
    """Forward live frames until the run ends, the viewer leaves, or it falls behind.

    One plain `await queue.get()` per frame: this loop runs for every viewer of every
    frame, so it creates no tasks; a watcher wakes it with None when the viewer leaves.
    """
    watcher = asyncio.create_task(_watch_disconnect(ws, sub))
    try:
        while (frame := await sub.queue.get()) is not None:
            if frame.seq > last:  # older frames were in the replay
                await ws.send_text(frame.text)  # encoded once for all viewers
                last = frame.seq
                if frame.final:
                    return
            if sub.lagging and sub.queue.empty():
                await ws.close(
                    code=TOO_SLOW, reason=f"viewer too slow; reconnect with from_seq={last}"
                )
                return
    except GONE:
        return  # the viewer went away mid-send
    finally:
        watcher.cancel()


async def _watch_disconnect(ws: WebSocket, sub: Subscription) -> None:
    await _until_disconnect(ws)
    sub.wake()


async def _until_disconnect(ws: WebSocket) -> None:
    try:
        while True:
            await ws.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return


async def _close(ws: WebSocket, code: int = 1000, reason: str | None = None) -> None:
    with contextlib.suppress(*GONE):  # already closed by either side
        await ws.close(code=code, reason=reason)


@router.websocket("/api/events")
async def all_events(ws: WebSocket) -> None:
    """Status changes ({type: status | deleted, run_id, ...}) of every run the user may see,
    for live lists."""
    hub: Hub = ws.app.state.hub
    runs: Runs = ws.app.state.runs
    await ws.accept()
    if (user := await viewer(ws)) is None:
        return
    seen: dict[int, bool] = {}  # run id -> visible to this user (asked once per run)
    async with hub.subscribe(RUNS_TOPIC) as sub:
        watcher = asyncio.create_task(_watch_disconnect(ws, sub))
        try:
            while (frame := await sub.queue.get()) is not None:
                if not user.is_admin and not await _visible(runs, user, frame, seen):
                    continue
                await ws.send_text(frame.text)
                if sub.lagging:
                    await ws.close(code=TOO_SLOW, reason="viewer too slow; reload the list")
                    return
        except GONE:
            return
        finally:
            watcher.cancel()


async def _visible(runs: Runs, user: UserRecord, frame: Frame, seen: dict[int, bool]) -> bool:
    """Whether every message of a status frame is about a run `user` may see. A deleted
    run is no longer stored: its answer is the one remembered from its earlier frames."""
    for m in frame.messages:
        run_id = int(m["run_id"])
        if run_id not in seen:
            if m["type"] == "deleted":
                return False
            seen[run_id] = await run_in_threadpool(runs.sees, user, run_id)
        if not seen[run_id]:
            return False
    return True
