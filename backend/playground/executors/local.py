"""The local executor: a warm pool of spawned worker processes fed from one FIFO queue.

One dispatcher thread owns every worker pipe. It hands queued jobs to idle workers,
forwards worker events to `on_event`, and notices dead workers through their process
sentinels, replacing them. Public methods only touch shared state under `_lock` and
wake the dispatcher; they never do pipe I/O to a worker themselves.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnProcess
from pathlib import Path
from types import TracebackType
from typing import Any

from playground.executors import worker
from playground.executors.base import EventCallback, Executor, ExecutorStatus, WorkerInfo
from playground.executors.events import Event, Finished, WorkerLost
from playground.executors.host import default_devices, threads_per_worker
from playground.ml.hooks import RunResult
from playground.ml.limits import Limits

log = logging.getLogger(__name__)

MAX_BOOT_FAILURES = 3  # consecutive deaths before `Ready` after which a slot gives up
READ_BATCH = 64  # messages read from one worker before looking at the others


@dataclass(eq=False)
class _Worker:
    """One worker process and what the parent knows about it."""

    slot: int
    device: str
    process: SpawnProcess
    pid: int
    conn: Connection[worker.Job, worker.WorkerMessage]
    flag: ctypes.c_bool  # shared memory: True asks the current run to stop
    spawned: float  # perf_counter seconds
    boot_failures: int = 0  # of this slot, before this process
    ready: bool = False
    boot_seconds: float | None = None  # spawn -> Ready
    run_id: int | None = None
    cancel_deadline: float | None = None  # perf_counter seconds; then the process is killed
    forced: bool = False  # killed because a cancel did not take effect in time
    conn_open: bool = True
    told_to_exit: bool = False
    reaped: bool = False
    broken: bool = False  # kept dying while booting; not replaced

    @property
    def state(self) -> str:
        if self.broken:
            return "broken"
        if not self.ready:
            return "starting"
        return "idle" if self.run_id is None else "busy"


class LocalExecutor(Executor):
    """Runs specs in a pool of spawned processes: one per GPU, else `workers` on the CPU."""

    def __init__(
        self,
        on_event: EventCallback,
        *,
        workers: int = 1,
        data_dir: Path | None = None,
        limits: Limits | None = None,
        devices: list[str] | None = None,
        threads: int | None = None,
        warm_up: bool = True,
        cancel_grace: float = 10.0,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._on_event = on_event
        self._devices = devices or default_devices(workers)
        self._config = worker.WorkerConfig(
            device="cpu",  # replaced per worker
            threads=threads or threads_per_worker(len(self._devices)),
            limits=limits or Limits(),
            data_dir=data_dir,
            warm_up=warm_up,
        )
        # A run whose worker ignores a cancel this long (one huge step) is killed.
        self._cancel_grace = cancel_grace  # seconds
        # spawn, never fork: a forked child would inherit the API's threads, locks and
        # (with CUDA) an unusable GPU context.
        self._ctx = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._queue: dict[int, str] = {}  # run_id -> spec JSON, in submission order
        self._workers: list[_Worker] = []
        self._outbox: list[Event] = []  # events raised outside the dispatcher thread
        self._wake_r, self._wake_w = self._ctx.Pipe(duplex=False)
        self._wake_pending = False
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._broken_reason = ""  # how the last worker that gave up ended

    # ---- public interface -----------------------------------------------------------
    def start(self) -> None:
        """Spawn the workers and the dispatcher; returns at once (see wait_ready)."""
        with self._lock:
            if self._thread is not None or self._stopping:
                raise RuntimeError("the executor was already started")
            self._workers = [self._spawn(i, d) for i, d in enumerate(self._devices)]
            self._thread = threading.Thread(
                target=self._loop, name="playground-executor", daemon=True
            )
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until every worker slot has booted (or given up); False on timeout."""
        with self._ready:
            return self._ready.wait_for(
                lambda: all(w.ready or w.broken for w in self._workers), timeout
            )

    def submit(self, run_id: int, spec_json: str) -> None:
        """Queue a run; it starts when a worker is free, in submission order."""
        with self._lock:
            if self._stopping:
                raise RuntimeError("the executor is stopped")
            if run_id in self._queue or any(w.run_id == run_id for w in self._workers):
                raise ValueError(f"run {run_id} is already queued or running")
            self._queue[run_id] = spec_json
        self._wake()

    def cancel(self, run_id: int) -> bool:
        """Drop a queued run (emitting Finished(cancelled)) or flag a running one."""
        with self._lock:
            if self._queue.pop(run_id, None) is not None:
                self._outbox.append(Finished(run_id, RunResult("cancelled")))
            else:
                w = next((w for w in self._workers if w.run_id == run_id), None)
                if w is None:
                    return False
                w.flag.value = True
                if w.cancel_deadline is None:
                    w.cancel_deadline = time.perf_counter() + self._cancel_grace
        self._wake()
        return True

    def queue_position(self, run_id: int) -> int | None:
        """0 for the next run to start; None when the run is not waiting."""
        with self._lock:
            for i, queued in enumerate(self._queue):
                if queued == run_id:
                    return i
        return None

    def status(self) -> ExecutorStatus:
        """Worker and queue counts, and each worker's pid, device and run."""
        with self._lock:
            pool = [
                WorkerInfo(
                    pid=None if w.reaped else w.pid,
                    device=w.device,
                    state=w.state,
                    run_id=w.run_id,
                    boot_seconds=w.boot_seconds,
                )
                for w in self._workers
            ]
            queued = len(self._queue)
        states = [w["state"] for w in pool]
        return ExecutorStatus(
            engine="local",
            workers=len(pool),
            busy=states.count("busy"),
            idle=states.count("idle"),
            starting=states.count("starting"),
            queued=queued,
            devices=list(self._devices),
            pool=pool,
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel running runs, drop queued ones and end every worker; idempotent.

        Workers get `timeout` seconds to finish cancelling and exit, then SIGTERM, then
        SIGKILL; each is joined, so none is left as a zombie.
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("stop() from on_event would wait for itself")
        with self._lock:
            self._stopping = True
            self._queue.clear()
            for w in self._workers:
                if w.run_id is not None:
                    w.flag.value = True
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout)
            for force in (False, True):  # SIGTERM, then SIGKILL
                if not self._thread.is_alive():
                    break
                self._signal_all(force)
                self._thread.join(2.0)
            if self._thread.is_alive():
                log.error("the executor thread did not end; is on_event blocked?")
                return
        self._wake_w.close()

    def __enter__(self) -> LocalExecutor:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- dispatcher thread ----------------------------------------------------------
    def _loop(self) -> None:
        """Run `_turn` until stopped with every worker reaped."""
        done = False
        while not done:
            try:
                done = self._turn()
            except Exception:  # a dead dispatcher would hang every run: log and go on
                log.exception("executor dispatcher error")
                time.sleep(0.1)  # no hot loop if the error repeats
        with self._lock:
            self._wake_r.close()

    def _turn(self) -> bool:
        """Dispatch, wait for any pipe or process, handle what is ready; True when done."""
        with self._lock:
            self._assign()
            events, self._outbox = self._outbox, []
            waitables: dict[Any, _Worker] = dict(self._waitables())  # pipe or sentinel
            done = self._stopping and not waitables
            timeout = self._until_deadline()
        self._emit_all(events)
        if done:
            return True
        for obj in wait([self._wake_r, *waitables], timeout):
            if obj is self._wake_r:
                self._drain_wake()
            else:
                w = waitables[obj]
                if obj is w.conn:
                    self._read(w, READ_BATCH)
                elif not w.reaped:
                    self._reap(w)
        self._enforce_deadlines()
        return False

    def _assign(self) -> None:
        """Under the lock: give queued jobs to idle workers, or tell idle workers to exit."""
        for w in self._workers:
            if w.state != "idle" or not w.conn_open or w.forced:  # forced: being killed
                continue
            if self._stopping:
                if not w.told_to_exit:
                    w.told_to_exit = True
                    self._send(w, None)
                continue
            if not self._queue:
                break
            run_id = next(iter(self._queue))
            spec_json = self._queue.pop(run_id)
            w.run_id, w.flag.value = run_id, False  # reset only here, never in the worker
            if not self._send(w, (run_id, spec_json)):
                w.run_id = None
                self._queue = {run_id: spec_json, **self._queue}  # back to the front
        if self._queue and self._workers and all(w.broken for w in self._workers):
            error = f"no worker process could start ({self._broken_reason}); see the server log"
            for run_id in self._queue:
                self._outbox.append(Finished(run_id, RunResult("failed", error=error)))
            self._queue.clear()

    def _waitables(self) -> Iterator[tuple[Connection[Any, Any] | int, _Worker]]:
        for w in self._workers:
            if not w.reaped:
                yield w.process.sentinel, w
                if w.conn_open:
                    yield w.conn, w

    def _read(self, w: _Worker, limit: int | None) -> None:
        """Handle up to `limit` messages from a worker (all of them when None)."""
        n = 0
        while w.conn_open and (limit is None or n < limit):
            try:
                if not w.conn.poll():
                    return
                message = w.conn.recv()
            except (EOFError, OSError):  # it exited; its sentinel tells how
                w.conn_open = False
                return
            n += 1
            self._handle(w, message)

    def _handle(self, w: _Worker, message: worker.WorkerMessage) -> None:
        if isinstance(message, worker.Ready):
            with self._ready:
                w.ready, w.boot_seconds = True, time.perf_counter() - w.spawned
                self._ready.notify_all()
            log.info(
                "worker %s (%s) ready in %.2f s (warm-up run %.2f s)",
                w.pid, w.device, w.boot_seconds, message.warm_up_seconds,
            )  # fmt: skip
            return
        if isinstance(message, Finished):
            with self._lock:
                if w.run_id == message.run_id:
                    w.run_id, w.cancel_deadline = None, None
        self._emit(message)

    def _reap(self, w: _Worker) -> None:
        """A worker process ended: drain its pipe, report its run as lost, replace it."""
        self._read(w, None)  # what it sent before dying still counts
        w.process.join(5.0)  # its sentinel fired, so this returns at once
        with self._lock:
            code = w.process.exitcode
            if code is None:  # closed the sentinel yet lives on (cannot happen): end it
                w.process.kill()
                w.process.join()
            w.process.close()
            w.conn.close()
            w.conn_open, w.reaped = False, True
            lost, w.run_id, w.cancel_deadline = w.run_id, None, None
            if not self._stopping:
                self._replace(w, _describe_exit(code), mid_run=lost is not None)
        if lost is None:
            return
        if w.forced:
            error = (
                f"the run ignored the cancel for {self._cancel_grace:g} s; its worker was killed"
            )
            self._emit(Finished(lost, RunResult("cancelled", error=error)))
        else:
            self._emit(WorkerLost(lost, f"worker process {_describe_exit(code)}"))

    def _replace(self, w: _Worker, how: str, *, mid_run: bool) -> None:
        """Under the lock: spawn a successor in the dead worker's slot, unless it keeps
        dying while booting (a broken install or device), which would loop forever."""
        failures = 0 if w.ready else w.boot_failures + 1
        if failures >= MAX_BOOT_FAILURES:
            log.error(
                "worker slot %s (%s) %s while booting %s times; giving up",
                w.slot,
                w.device,
                how,
                failures,
            )
            w.broken, self._broken_reason = True, f"the last one {how}"
            self._ready.notify_all()
            return
        if not w.forced:
            stage = "mid-run" if mid_run else "while idle" if w.ready else "while booting"
            log.warning("worker %s (%s) %s %s; starting another", w.pid, w.device, how, stage)
        self._workers[w.slot] = self._spawn(w.slot, w.device, failures)

    def _enforce_deadlines(self) -> None:
        now = time.perf_counter()
        with self._lock:
            for w in self._workers:
                if w.cancel_deadline is not None and now >= w.cancel_deadline and not w.reaped:
                    w.cancel_deadline, w.forced = None, True
                    w.process.kill()

    def _until_deadline(self) -> float | None:
        deadlines = [w.cancel_deadline for w in self._workers if w.cancel_deadline is not None]
        return max(0.0, min(deadlines) - time.perf_counter()) if deadlines else None

    # ---- helpers ----------------------------------------------------------------------
    def _spawn(self, slot: int, device: str, boot_failures: int = 0) -> _Worker:
        parent, child = self._ctx.Pipe()
        flag = self._ctx.RawValue(ctypes.c_bool, False)
        config = dataclasses.replace(self._config, device=device)
        process = self._ctx.Process(
            target=worker.main,
            args=(child, flag, config),
            name=f"playground-worker-{slot}",
            daemon=True,  # ended by multiprocessing's atexit if stop() is never called
        )
        process.start()
        child.close()  # only the worker holds its end now, so its exit reads as EOF here
        assert process.pid is not None
        return _Worker(
            slot, device, process, process.pid, parent, flag, time.perf_counter(), boot_failures
        )

    def _send(self, w: _Worker, job: worker.Job) -> bool:
        try:
            w.conn.send(job)
        except OSError:  # it just died; the sentinel will say so
            return False
        return True

    def _signal_all(self, force: bool) -> None:
        """SIGTERM (or SIGKILL) to every worker still running; the dispatcher reaps them."""
        with self._lock:
            for w in self._workers:
                if not w.reaped:
                    w.process.kill() if force else w.process.terminate()

    def _wake(self) -> None:
        """Make the dispatcher look at the queue and outbox again."""
        with self._lock:
            if self._wake_pending:  # at most one byte in flight: the pipe never fills
                return
            self._wake_pending = True
            with contextlib.suppress(OSError):  # stopped: nobody listens any more
                self._wake_w.send_bytes(b"")

    def _drain_wake(self) -> None:
        with self._lock:
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
            self._wake_pending = False

    def _emit_all(self, events: list[Event]) -> None:
        for event in events:
            self._emit(event)

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:  # a broken consumer must not take the pool down with it
            log.exception("on_event failed for %s", type(event).__name__)


def _describe_exit(code: int | None) -> str:
    """-9 -> 'died (signal 9, SIGKILL)'; 1 -> 'exited with code 1'."""
    if code is None:
        return "ended (exit status unknown)"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            return f"died (signal {-code})"
        return f"died (signal {-code}, {name})"
    return f"exited with code {code}"
