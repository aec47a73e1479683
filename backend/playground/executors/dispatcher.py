"""The dispatcher: one queue of jobs, and the one thread that owns every worker pipe.

The queue is FIFO within each owner (the user who queued the entry; None is one shared
lane) and serves owners in turn (run_queue.py), so one user's 200 queued runs do not
starve another's one; an owner at the running limit is passed over.

A queue entry is one run, or the trials of a sweep group that one worker trains together
(grouping.py); an entry is handed out whole, and a queued trial can be dropped from it.

The thread hands queued jobs to idle workers, forwards worker events to `on_event`, and
notices dead workers through their process sentinels, having `Slots` replace them. It
wakes for the first deadline (an ignored cancel, a run past its time limit) and kills that
worker, which is then reaped and replaced like any other. The other methods run on the
caller's thread: they touch shared state under `lock` and wake the thread. The one pipe
write they do is `submit`'s: an entry that finds an idle worker is sent to it at once,
under `lock` as the thread does (an idle worker is in recv, or on its way there, so the
send waits for nothing else); handing it over through the thread cost a thread switch on
every run's way to its first metric, a scheduler wait of milliseconds on a busy machine.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import wait
from multiprocessing.context import SpawnContext
from typing import Any

from playground.executors import worker
from playground.executors.base import EventCallback, WorkerInfo, deliver
from playground.executors.control import Hold
from playground.executors.events import Event, Finished, Paused, Started
from playground.executors.grouping import Entry
from playground.executors.lifecycle import ENDED, WorkerState
from playground.executors.lifecycle import WorkerState as S
from playground.executors.run_queue import Owner, RunQueue
from playground.executors.slots import Slots, Worker
from playground.ml.hooks import RunResult

log = logging.getLogger(__name__)

READ_BATCH = 64  # messages read from one worker before looking at the others


class Dispatcher:
    """Queue, wake-up pipe and dispatcher thread of a LocalExecutor (see local.py)."""

    def __init__(
        self,
        ctx: SpawnContext,
        slots: Slots,
        on_event: EventCallback,
        max_running_per_owner: int | None = None,
    ) -> None:
        self._slots = slots
        self._max_running = max_running_per_owner  # None: no limit; never for owner None
        self._worker_owner: dict[int, Owner] = {}  # id(worker) -> owner of its current job
        self._on_event = on_event
        self.lock = threading.Lock()  # guards everything below and `slots`
        self._booted = threading.Condition(self.lock)
        self._queue = RunQueue()  # owners in turn; each entry is handed out whole
        self._outbox: list[Event] = []  # events raised outside the dispatcher thread
        self._wake_r, self._wake_w = ctx.Pipe(duplex=False)
        self._wake_pending = False
        self.thread: threading.Thread | None = None
        self._stopping = False

    # ---- caller threads ---------------------------------------------------------------
    def start(self) -> None:
        with self.lock:
            if self.thread is not None or self._stopping:
                raise RuntimeError("the executor was already started")
            self._slots.start()
            self.thread = threading.Thread(
                target=self._loop, name="playground-executor", daemon=True
            )
            self.thread.start()

    def wait_booted(self, timeout: float | None) -> bool:
        with self._booted:
            return self._booted.wait_for(self._slots.all_booted, timeout)

    def submit(self, entries: list[Entry], owner: Owner = None) -> None:
        """Queue entries (each a run alone or a group's trials) of one owner, all or none."""
        with self.lock:
            if self._stopping:
                raise RuntimeError("the executor is stopped")
            self._queue.add(entries, owner, lambda r: self._slots.running(r) is not None)
            self._assign()  # to an idle worker now (see the module doc)
        self._wake()  # the thread still looks: the new job's deadlines, the outbox

    def cancel(self, run_id: int) -> bool:
        with self.lock:
            if self._queue.cancel(run_id):
                self._outbox.append(Finished(run_id, RunResult("cancelled")))
            else:
                w = self._slots.running(run_id)
                if w is None:
                    return False
                w.cancel(run_id, deadline=time.perf_counter() + self._slots.grace)
        self._wake()
        return True

    def hold(self, run_id: int, hold: Hold) -> bool:
        """Pause, resume or step a running run; False when it is not running here, or
        trains in a group (its trials share every step)."""
        with self.lock:
            w = self._slots.running(run_id)
            if w is None or w.state is not S.BUSY or w.grouped:
                return False
            w.control.set_hold(hold)
        return True

    def in_group(self, run_id: int) -> bool:
        with self.lock:
            w = self._slots.running(run_id)
            return w is not None and w.grouped

    def position(self, run_id: int) -> int | None:
        """The place of the run's entry in the queue (a group's trials share it)."""
        with self.lock:
            return self._queue.position(run_id)

    def snapshot(self) -> tuple[list[WorkerInfo], int]:
        """Each slot's current worker, and how many runs wait (each trial of a group)."""
        with self.lock:
            return [w.info() for w in self._slots.workers], len(self._queue)

    def shut_down(self, timeout: float) -> None:
        """Cancel running runs, drop queued ones, end every worker and the thread."""
        with self.lock:
            self._stopping = True
            self._queue.clear()
            for w in self._slots.workers:
                w.cancel_all(deadline=None)  # stop()'s own timeout bounds the wait
        self._wake()
        if self.thread is not None:
            self.thread.join(timeout)
            for force in (False, True):  # SIGTERM, then SIGKILL
                if not self.thread.is_alive():
                    break
                with self.lock:
                    self._slots.signal_all(force)
                self.thread.join(2.0)
            if self.thread.is_alive():
                log.error("the executor thread did not end; is on_event blocked?")
                return
        self._wake_w.close()

    # ---- dispatcher thread ------------------------------------------------------------
    def _loop(self) -> None:
        """Run `_turn` until stopped with every worker reaped."""
        done = False
        while not done:
            try:
                done = self._turn()
            except Exception:  # a dead dispatcher would hang every run: log and go on
                log.exception("executor dispatcher error")
                time.sleep(0.1)  # no hot loop if the error repeats
        with self.lock:
            self._wake_r.close()

    def _turn(self) -> bool:
        """Dispatch, wait for any pipe or process, handle what is ready; True when done."""
        with self.lock:
            self._assign()
            events, self._outbox = self._outbox, []
            waitables = self._waitables()
            done = self._stopping and not waitables
            timeout = self._slots.next_deadline()
        self._emit_all(events)
        if done:
            return True
        for obj in wait([self._wake_r, *waitables], timeout):
            if obj is self._wake_r:
                self._drain_wake()
                continue
            w = waitables[obj]
            if obj is w.conn:
                self._read(w, READ_BATCH)
            elif w.state not in ENDED:  # its pipe, read first, may have been its end
                self._reap(w)
        with self.lock:
            self._slots.kill_overdue()
        return False

    def _assign(self) -> None:
        """Under the lock: give queued jobs to idle workers, or tell idle workers to exit."""
        for w in self._slots.workers:
            if not w.takes_jobs:
                continue
            if self._stopping:
                w.tell_to_exit()
                continue
            if not self._queue:
                break
            entry = self._next_entry()
            if entry is None:  # every waiting owner is at their running limit
                break
            if w.assign(entry):  # else it stays first in line, for the next worker
                self._worker_owner[id(w)] = self._queue.serve(entry)
        if self._queue and self._slots.all_broken():
            reason = self._slots.broken_reason
            error = f"no worker process could start ({reason}); see the server log"
            for run_id in self._queue.clear():
                self._outbox.append(Finished(run_id, RunResult("failed", error=error)))

    def _next_entry(self) -> Entry | None:
        """Under the lock: the queue's next entry among owners below their running limit;
        None when there is none."""
        busy: dict[Owner, int] = {}
        if self._max_running is not None:
            for w in self._slots.workers:
                if w.run_ids and id(w) in self._worker_owner:
                    owner = self._worker_owner[id(w)]
                    busy[owner] = busy.get(owner, 0) + 1
        limit = self._max_running
        full = {o for o, n in busy.items() if o is not None and limit is not None and n >= limit}
        return self._queue.next_entry(full)

    def _waitables(self) -> dict[Any, Worker]:
        """Under the lock: each live worker's process sentinel and open pipe."""
        found: dict[Any, Worker] = {}
        for w in self._slots.workers:
            if w.state not in ENDED:
                found[w.process.sentinel] = w
                if not w.conn.closed:
                    found[w.conn] = w
        return found

    def _read(self, w: Worker, limit: int | None) -> None:
        """Handle up to `limit` messages from a worker (all of them when None)."""
        n = 0
        while not w.conn.closed and (limit is None or n < limit):
            try:
                if not w.conn.poll():
                    return
                message = w.conn.recv()
            except (EOFError, OSError):  # it exited; its sentinel tells how
                with self.lock:
                    w.conn.close()
                return
            n += 1
            self._handle(w, message)

    def _handle(self, w: Worker, message: worker.WorkerMessage) -> None:
        if isinstance(message, worker.Ready):
            with self._booted:
                w.booted()
                self._booted.notify_all()
            log.info(
                "worker %s (%s) ready in %.2f s (warm-up run %.2f s)",
                w.pid, w.device, w.boot_seconds, message.warm_up_seconds,
            )  # fmt: skip
            return
        if isinstance(message, Finished | Started | Paused):
            now = time.perf_counter()
            with self.lock:  # the moves that end a run, or start or stop its clock
                if isinstance(message, Finished):
                    w.finished(message.run_id)
                elif isinstance(message, Started):
                    w.started(message.run_id, now)
                else:
                    w.held(message.run_id, message.paused, now)
        self._emit(message)

    def _reap(self, w: Worker) -> None:
        """A worker process ended: drain its pipe, report its unfinished runs as lost (each
        trial of a group), replace it."""
        self._read(w, None)  # what it sent before dying still counts
        w.process.join(5.0)  # its sentinel fired, so this returns at once
        with self._booted:
            lost = self._slots.retire(w, replace=not self._stopping)
            if w.state is WorkerState.BROKEN:
                self._booted.notify_all()
        self._emit_all(lost)

    # ---- wake-ups and events ----------------------------------------------------------
    def _wake(self) -> None:
        """Make the dispatcher look at the queue and outbox again."""
        with self.lock:
            if self._wake_pending:  # at most one byte in flight: the pipe never fills
                return
            self._wake_pending = True
            with contextlib.suppress(OSError):  # stopped: nobody listens any more
                self._wake_w.send_bytes(b"")

    def _drain_wake(self) -> None:
        with self.lock:
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
            self._wake_pending = False

    def _emit_all(self, events: Sequence[Event]) -> None:
        deliver(self._on_event, events)

    def _emit(self, event: Event) -> None:
        deliver(self._on_event, (event,))
