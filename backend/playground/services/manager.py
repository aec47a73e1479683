"""The RunManager: executor events -> the store (one writer thread) -> live messages.

Executors call `on_event` from their own threads. One writer thread takes the events in
order, stores each batch in one transaction (`RunStore.append` / `set_status`), renders the
messages from the stored rows and hands them to the event loop, where the hub fans them out.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playground.executors.events import Event, Finished, Paused, Progress, Started, WorkerLost
from playground.ml.runtime import lower_this_thread
from playground.ml.snapshots import snapshot_path
from playground.services.hub import Frame
from playground.services.messages import (
    StreamMessage,
    epoch_rows,
    flat_payload,
    payload,
    render,
    step_rows,
)
from playground.store.errors import RunNotFoundError
from playground.store.records import (
    Batch,
    EventRecord,
    MetricRecord,
    RunRecord,
    SnapshotRecord,
    StatusChange,
)
from playground.store.repo import RunStore
from playground.store.rows import status_event
from playground.store.states import IllegalTransition, RunStatus

log = logging.getLogger(__name__)
Publish = Callable[[str, Frame], None]


def run_topic(run_id: int) -> str:
    return f"run:{run_id}"


RUNS_TOPIC = "runs"  # status changes of every run, for lists
# Events stored in one transaction at most: a backlog (a sweep group's trials each send ~30
# batches a second) is written in a few commits, not one per batch.
MAX_COALESCED = 256


class RunManager:
    """Owns the write path for run progress; `publish` is called on the event loop."""

    def __init__(
        self,
        store: RunStore,
        publish: Publish,
        loop: asyncio.AbstractEventLoop,
        artifacts: Path | None = None,
        watched: Callable[[str], bool] | None = None,
    ) -> None:
        self.store, self._publish, self._loop = store, publish, loop
        # Whether a topic has viewers now (None: assume it does). Progress nobody watches is
        # stored but not rendered or encoded: a 64-trial sweep's batches cost the API more
        # to render than to store. A viewer who arrives later replays it from the store.
        self._watched = watched
        self._artifacts = artifacts  # snapshot root, to remove files of deleted runs
        self._events: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._drain, name="run-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._events.put(None)
        self._thread.join(timeout)

    def on_event(self, event: Event) -> None:
        """Called by executors from any thread; never blocks."""
        self._events.put(event)

    def publish_status(self, rec: RunRecord) -> None:
        """Announce a status change made outside the writer thread (create, cancel)."""
        # Rendered from the stored event, exactly as a replay renders it.
        messages = render(rec.id, [], [status_event(rec)])
        self._send(run_topic(rec.id), messages)
        self._send(RUNS_TOPIC, messages)

    def publish_deleted(self, run_id: int) -> None:
        """Tell list viewers that a run is gone."""
        self._send(RUNS_TOPIC, [{"type": "deleted", "run_id": run_id}])

    # ---- writer thread --------------------------------------------------------------
    def _drain(self) -> None:
        lower_this_thread()  # storing waits for training, not the other way (ml/runtime.py)
        stopping = False
        while not stopping and (event := self._events.get()) is not None:
            waiting = [event]
            while len(waiting) < MAX_COALESCED:  # whatever else is waiting goes in one commit
                try:
                    more = self._events.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                waiting.append(more)
            self._handle_all(waiting)

    def _handle_all(self, events: list[Event]) -> None:
        """Handle events, each run's in order; Progress batches are stored in as few
        transactions as that order allows, and so are Started and Finished events.

        Events are placed in phases of one kind: each goes into the first phase of its
        kind at or after the phase of its run's previous event. A group's trials end
        interleaved (progress, end, progress, end, ...): that is two commits, not 128.
        """
        phases: list[tuple[str, list[Event]]] = []
        last: dict[int, int] = {}  # run id -> the phase of its latest event
        for event in events:
            kind = _kind(event)
            start = last.get(event.run_id, 0)
            j = next((i for i in range(start, len(phases)) if phases[i][0] == kind), None)
            if j is None:
                phases.append((kind, []))
                j = len(phases) - 1
            phases[j][1].append(event)
            last[event.run_id] = j
        for _, phase in phases:
            self._store_run(phase)

    def _store_run(self, events: list[Event]) -> None:
        kind = _kind(events[0])
        if kind == "progress" and len(events) > 1:
            self._store_progress(events)  # type: ignore[arg-type]  # all Progress
        elif kind == "status" and len(events) > 1:
            try:
                self._store_changes(events)  # type: ignore[arg-type]  # Started, Finished
            except Exception:  # e.g. a run deleted meanwhile: each alone, the others stored
                for event in events:
                    self._safely(event)
        else:
            for event in events:
                self._safely(event)

    def _store_progress(self, batches: list[Progress]) -> None:
        stored = [_batch(event) for event in batches]
        try:
            seqs = self.store.append_many(stored)
        except RunNotFoundError:  # a run was deleted meanwhile: store the others one by one
            for event in batches:
                self._safely(event)
            return
        for batch, seq in zip(stored, seqs, strict=True):
            self._publish_batch(batch.run_id, seq, batch)

    def _store_changes(self, events: list[Started | Finished]) -> None:
        """Status moves with their start or result events, in one transaction; a single
        one raises what set_status raises, for _safely to log."""
        changes = [_change(event) for event in events]
        outcomes = self.store.set_statuses(changes)
        for change, outcome in zip(changes, outcomes, strict=True):
            if isinstance(outcome, IllegalTransition):
                if len(events) == 1:
                    raise outcome
                log.info("dropped the status change of run %s: %s", change.run_id, outcome)
                continue
            rec, seqs = outcome
            if change.before:  # a result, announced before the final status
                self._publish_batch(rec.id, seqs[0], Batch(rec.id, events=change.before))
            self.publish_status(rec)
            if change.after:
                self._publish_batch(rec.id, seqs[-1], Batch(rec.id, events=change.after))

    def _safely(self, event: Event) -> None:
        try:
            self._handle(event)
        except (RunNotFoundError, IllegalTransition) as e:
            log.info("dropped %s for run %s: %s", type(event).__name__, event.run_id, e)
            if isinstance(e, RunNotFoundError) and isinstance(event, Progress):
                self._remove_files(event)
        except Exception:  # the writer must survive anything one event does
            log.exception("failed to store %s for run %s", type(event).__name__, event.run_id)

    def _handle(self, event: Event) -> None:
        rid = event.run_id
        if isinstance(event, Started | Finished):
            self._store_changes([event])
        elif isinstance(event, Progress):
            batch = _batch(event)
            self._publish_batch(rid, self.store.append_many([batch])[0], batch)
        elif isinstance(event, Paused):
            self._append(rid, events=[("paused", payload(event, skip="run_id"))])
        elif isinstance(event, WorkerLost):
            self.publish_status(self.store.set_status(rid, RunStatus.FAILED, error=event.reason))

    def _remove_files(self, event: Progress) -> None:
        """Snapshots a worker wrote for a run deleted meanwhile: nobody will list them."""
        if self._artifacts is None:
            return
        for f in event.snapshots:
            snapshot_path(self._artifacts, event.run_id, f.epoch).unlink(missing_ok=True)

    def _append(self, run_id: int, **batch: Any) -> None:
        b = Batch(run_id, **batch)
        self._publish_batch(run_id, self.store.append_many([b])[0], b)

    def _publish_batch(self, run_id: int, seq: int, batch: Batch) -> None:
        """Live messages of a stored batch, rendered as a replay renders them."""
        topic = run_topic(run_id)
        if self._watched is not None and not self._watched(topic):
            return  # committed before this look: a viewer who subscribes now replays it
        metrics = [
            MetricRecord(seq, r.step, r.epoch, r.split, r.name, r.value) for r in batch.metrics
        ]
        events = [EventRecord(seq, kind, body) for kind, body in batch.events]
        self._send(topic, render(run_id, metrics, events))

    def _send(self, topic: str, messages: list[StreamMessage]) -> None:
        if messages:
            frame = Frame(messages)
            _ = frame.text  # encode here, off the event loop, once for every viewer
            self._loop.call_soon_threadsafe(self._publish, topic, frame)


def _kind(event: Event) -> str:
    """Which events _handle_all may store together: progress, status moves, or neither."""
    if isinstance(event, Progress):
        return "progress"
    return "status" if isinstance(event, Started | Finished) else "other"


def _change(event: Started | Finished) -> StatusChange:
    """A Started or Finished event as the status change the store makes of it."""
    if isinstance(event, Started):
        s = event.start
        values: dict[str, Any] = {"device": s.device, "summary": s.summary, "versions": s.versions}
        return StatusChange(event.run_id, RunStatus.RUNNING, values, after=[("start", payload(s))])
    result = payload(event.result)
    values = {"error": event.result.error, "result": result}
    status = RunStatus(event.result.status)
    return StatusChange(event.run_id, status, values, before=[("result", result)])


def _batch(event: Progress) -> Batch:
    """A Progress event as the store's batch: its rows, grids and snapshot files."""
    rows = [r for st in event.steps for r in step_rows(st)]
    rows += [r for ep in event.epochs for r in epoch_rows(ep)]
    events = [("boundary", flat_payload(g)) for g in event.grids]
    events += [("snapshot", flat_payload(f)) for f in event.snapshots]
    files = [SnapshotRecord(f.epoch, f.bytes) for f in event.snapshots]
    last_epoch = max((ep.epoch for ep in event.epochs), default=None)
    return Batch(event.run_id, rows, events, files, last_epoch)
