"""The interface every executor engine implements (local process pool now, Ray later).

Threading contract: `on_event` is called from the executor's own background thread, one
event at a time, in order per run. It must return quickly and must not block (an asyncio
caller hops onto its loop with `loop.call_soon_threadsafe`); while it runs, no further
events are read, so a slow callback slows the workers down rather than losing reports.
The public methods are thread-safe and may be called from the callback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol, TypedDict

from playground.executors.control import Hold
from playground.executors.events import Event

EventCallback = Callable[[Event], None]
log = logging.getLogger(__name__)


def deliver(on_event: EventCallback, events: Iterable[Event]) -> None:
    """Hand events to `on_event` in order; one it fails on is logged and the rest still go:
    a broken consumer must not take an executor's thread down with it."""
    for event in events:
        try:
            on_event(event)
        except Exception:
            log.exception("on_event failed for %s", type(event).__name__)


class WorkerInfo(TypedDict):
    """One worker slot as `status()` shows it."""

    pid: int | None  # the worker process; None once it has ended
    device: str  # "cpu" or "cuda:N"
    state: str  # "starting", "idle", "busy" or "broken" (kept failing to start)
    run_id: int | None  # the first of run_ids; None when it trains nothing
    run_ids: list[int]  # the runs it trains: one, or a sweep group's unfinished trials
    boot_seconds: float | None  # spawn -> ready to train, once booted


class ExecutorStatus(TypedDict):
    """Counts for health checks and the UI."""

    engine: str  # "local" or "ray"
    workers: int  # slots, whatever their state
    busy: int
    idle: int
    starting: int
    queued: int
    devices: list[str]
    pool: list[WorkerInfo]


class Executor(Protocol):
    """Runs specs somewhere and reports what happens through `on_event`."""

    def start(self) -> None:
        """Start the workers; returns at once, queued runs start as workers come up."""

    def submit(self, run_id: int, spec_json: str, owner: int | None = None) -> None:
        """Queue a run (FIFO per owner, owners served in turn; None: one shared lane); the
        spec is JSON text that the worker itself validates.

        ValueError if the run is already queued or running; RuntimeError once stopped."""

    def submit_group(self, jobs: list[tuple[int, str]], owner: int | None = None) -> None:
        """Queue a sweep's trials, `(run_id, spec_json)` each, in order: trials the
        executor can train together go to one worker as a group (one queue entry, FIFO
        with the runs), the others are queued like `submit`. ValueError (nothing queued)
        if a run is given twice or is already queued or running; RuntimeError once stopped."""

    def cancel(self, run_id: int) -> bool:
        """Stop a run: a queued one is dropped with Finished(cancelled), a running one is
        flagged and ends with Finished(cancelled) shortly. False when the run is unknown."""

    def hold(self, run_id: int, hold: Hold) -> bool:
        """Pause a running run before its next step, resume it, or let it train one more
        epoch and pause again (the worker keeps its state and its slot while paused, up to
        Limits.max_pause_seconds). False when the run is not running here, or trains in a
        group (see `in_group`)."""

    def in_group(self, run_id: int) -> bool:
        """Whether the run trains in a group with other trials right now: it can be
        cancelled alone but not held alone."""

    def queue_position(self, run_id: int) -> int | None:
        """0 for the next run (or group) to start; a queued group's trials share its
        position; None when the run is not waiting."""

    def status(self) -> ExecutorStatus:
        """Worker and queue counts."""

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel running runs, drop queued ones (no events: they stay queued in the
        store, to be submitted again at the next start) and end every worker."""
