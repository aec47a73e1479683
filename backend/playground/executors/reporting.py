"""Worker-side hooks: turn one run's reports into events, coalescing progress into batches.

A group job gives each of its trials its own PipeHooks (its own run id, buffer, snapshot
writer and cancel flag); they share the worker's pipe and control block.
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from torch import Tensor, nn

from playground.executors.control import Hold, RunControl
from playground.executors.events import Finished, Paused, Progress, SnapshotSaved, Started
from playground.ml.hooks import (
    BoundaryGrid,
    EpochReport,
    GroupTicks,
    Hooks,
    RunResult,
    RunStart,
    StepReport,
)
from playground.ml.runtime import lower_this_thread
from playground.ml.snapshots import snapshot_path, snapshot_state, write_state

FLUSH_INTERVAL = 1 / 30  # seconds: at most ~30 Progress batches a second leave a worker
log = logging.getLogger(__name__)
HOLD_POLL = 0.02  # seconds between looks at the control block while paused

Send = Callable[[Started | Progress | Paused | Finished], None]


class PipeHooks(Hooks):
    """Sends Started and Finished at once; buffers step, epoch and grid reports and sends
    them as one Progress batch when `flush_interval` (FLUSH_INTERVAL) has passed since the
    last one.

    Without a timer thread, a buffered report leaves at the next report or at the next
    `tick` (the loop ticks before every step), so it waits at most
    max(flush_interval, one step).
    """

    def __init__(
        self,
        run_id: int,
        send: Send,
        control: RunControl,
        artifacts: Path | None = None,
        max_pause: float = 600.0,
        trial: int = 0,
        writer: SnapshotWriter | None = None,
        flush_interval: float = FLUSH_INTERVAL,
    ) -> None:
        self.run_id = run_id
        self._interval = flush_interval  # seconds between this run's batches, at least
        self._send = send
        self._control = control  # shared memory the parent sets: cancel, pause, step
        # This run's cancel flag: its place in its group job (0: a run alone). The flags
        # are read directly: `cancelled` is read before every step of every trial.
        self._cancels, self._trial = control.cancels, trial
        self._max_pause = max_pause  # seconds one pause may hold the worker's slot
        # Snapshot files are written off the training thread (about 0.5 ms each, mostly
        # file-system calls, would otherwise be ~3 % of a small run). A run alone owns a
        # writer under `artifacts` (None: keep none); a group's trials share `writer`, one
        # thread for them all, which their worker closes.
        self._owns_writer = writer is None and artifacts is not None
        if writer is None and artifacts is not None:
            writer = SnapshotWriter(artifacts)
        self._writer = writer
        self._epoch = 0  # the last epoch reported
        self._steps: list[StepReport] = []
        self._epochs: list[EpochReport] = []
        self._grids: list[BoundaryGrid] = []
        self._snapshots: list[SnapshotSaved] = []
        self._pending = 0
        self._urgent = False
        self._last_flush = time.perf_counter()
        self.ended = False

    def tick(self) -> float:
        """Before every step: send the buffer when it is due (the bound in the class doc),
        and hold while the run is paused; returns the seconds it held."""
        if self._writer is not None:
            self._written(self._writer.take(self.run_id))
        if self._pending and (
            self._urgent or time.perf_counter() - self._last_flush >= self._interval
        ):
            self.flush()
        if not self._control.holding() or self.cancelled:
            return 0.0
        return self._hold()

    def _hold(self) -> float:
        """Wait until resumed, stepped, cancelled, or the pause limit passes (then resume:
        a forgotten pause must not hold a worker slot for ever)."""
        started = time.perf_counter()
        self.flush()
        self._send(Paused(self.run_id, True, self._epoch))
        while self._control.holding() and not self.cancelled:
            if time.perf_counter() - started >= self._max_pause:
                self._control.set_hold(Hold.RUN)
                break
            time.sleep(HOLD_POLL)
        self._send(Paused(self.run_id, False, self._epoch))
        self._last_flush = time.perf_counter()
        return self._last_flush - started

    @property
    def cancelled(self) -> bool:
        """Read before every step: a shared-memory byte, no syscall."""
        return bool(self._cancels[self._trial])

    @cancelled.setter
    def cancelled(self, value: bool) -> None:
        self._cancels[self._trial] = value

    def on_start(self, start: RunStart) -> None:
        self._send(Started(self.run_id, start))
        self._last_flush = time.perf_counter()

    def on_step(self, report: StepReport) -> None:
        self._steps.append(report)
        self._added()

    def on_epoch(self, report: EpochReport) -> None:
        self._epochs.append(report)
        self._epoch = report.epoch
        if report.epoch > 0:
            self._control.epoch_done()  # a requested one-epoch step ends here
        if report.epoch == 0:
            # The first sign of life goes out at the next report or step, so that
            # epoch 0's boundary grid (sent right after it) travels in the same batch.
            self._pending += 1
            self._urgent = True
        else:
            self._added()

    def on_boundary(self, grid: BoundaryGrid) -> None:
        self._grids.append(grid)
        self._added()

    def on_snapshot(self, epoch: int, model: nn.Module) -> None:
        """Copy the weights now; the writer thread puts them on disk, and the file is
        reported (then registered by the API) only once it is there."""
        if self._writer is not None:
            self._writer.submit(self.run_id, epoch, snapshot_state(model))

    def on_snapshot_state(
        self, epoch: int, state: dict[str, Tensor], model: Callable[[], nn.Module]
    ) -> None:
        """The state is a private CPU copy already (the hooks contract): written as it is,
        and no module is built."""
        if self._writer is not None:
            self._writer.submit(self.run_id, epoch, state)

    def on_end(self, result: RunResult) -> None:
        if self._writer is not None:
            self._written(self._writer.finish(self.run_id))  # every file on disk before Finished
            if self._owns_writer:
                self._writer.close()
        self.flush()
        self._send(Finished(self.run_id, result))
        self.ended = True

    def take_files(self) -> None:
        """Queue the snapshot files written since the last look for the next batch."""
        if self._writer is not None:
            self._written(self._writer.take(self.run_id))

    @property
    def trial(self) -> int:
        """This run's place in its job: the index of its cancel flag."""
        return self._trial

    def _written(self, files: list[SnapshotSaved]) -> None:
        self._snapshots += files
        self._pending += len(files)

    def flush(self) -> None:
        """Send what is buffered as one Progress batch (nothing when the buffer is empty)."""
        if self._pending:
            self._send(
                Progress(self.run_id, self._steps, self._epochs, self._grids, self._snapshots)
            )
            self._steps, self._epochs, self._grids, self._snapshots = [], [], [], []
            self._pending = 0
        self._urgent = False
        self._last_flush = time.perf_counter()

    def _added(self) -> None:
        self._pending += 1
        if self._urgent or time.perf_counter() - self._last_flush >= self._interval:
            self.flush()


class GroupPipe(GroupTicks):
    """A group's one tick before each step, for all its trials' PipeHooks: every
    `flush_interval` it sends each trial's buffer (one burst, which the API stores in one
    transaction), and it reads every trial's cancel flag in one copy of the control block.

    The trials' own hooks never flush on a timer (build them with `flush_interval=math.inf`);
    they still send at once what must not wait (epoch 0, the end).
    """

    def __init__(self, hooks: list[PipeHooks], control: RunControl, flush_interval: float) -> None:
        self._hooks = hooks
        self._interval = flush_interval
        self._block = ctypes.addressof(control.cancels)
        self._size = max((h.trial for h in hooks), default=-1) + 1
        self._position = {h.trial: k for k, h in enumerate(hooks)}  # flag -> position
        self._last_flush = time.perf_counter()

    def tick(self) -> list[int]:
        now = time.perf_counter()
        if now - self._last_flush >= self._interval:
            self._last_flush = now
            for hooks in self._hooks:
                if not hooks.ended:
                    hooks.take_files()
                    hooks.flush()
        flags = ctypes.string_at(self._block, self._size)
        if flags.count(0) == self._size:  # the usual case: nobody asked to stop
            return []
        return [self._position[i] for i, flag in enumerate(flags) if flag and i in self._position]


class SnapshotWriter:
    """Writes snapshot files on a thread of its own, in order: one run's, or every trial's
    of a group (one thread, not one per trial: a group may have 256)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._jobs: queue.SimpleQueue[tuple[int, int, dict[str, Tensor]] | threading.Event | None]
        self._jobs = queue.SimpleQueue()
        self._done: dict[int, list[SnapshotSaved]] = {}  # run id -> files not taken yet
        self._folders: set[Path] = set()  # made by this writer (the writer thread's alone)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="snapshot-writer", daemon=True)
        self._thread.start()

    def submit(self, run_id: int, epoch: int, state: dict[str, Tensor]) -> None:
        self._jobs.put((run_id, epoch, state))

    def take(self, run_id: int) -> list[SnapshotSaved]:
        """The run's files written since the last call."""
        if not self._done.get(run_id):  # a plain read (the usual case, before every step)
            return []
        with self._lock:
            return self._done.pop(run_id, [])

    def finish(self, run_id: int) -> list[SnapshotSaved]:
        """Wait until every file submitted so far is written; the run's not taken yet."""
        written = threading.Event()
        self._jobs.put(written)  # jobs run in order: set once those before it are done
        written.wait()
        return self.take(run_id)

    def close(self) -> None:
        """Write what is left, then end the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        lower_this_thread()  # files wait for training, not the other way (ml/runtime.py)
        while (job := self._jobs.get()) is not None:
            if isinstance(job, threading.Event):
                job.set()
                continue
            run_id, epoch, state = job
            try:
                size = self._write(snapshot_path(self._root, run_id, epoch), state)
            except OSError:  # a full disk costs the picture, not the run
                log.exception("could not write the snapshot of run %s, epoch %s", run_id, epoch)
                continue
            with self._lock:
                self._done.setdefault(run_id, []).append(SnapshotSaved(epoch, size))

    def _write(self, path: Path, state: dict[str, Tensor]) -> int:
        """write_state, making the run's folder only for its first file (a mkdir that
        finds it there costs ~7 us, a group writes 1,152 files). A folder removed meanwhile
        (its run deleted) is made again."""
        folder = path.parent
        if folder in self._folders:
            try:
                return write_state(state, path, mkdir=False)
            except FileNotFoundError:
                self._folders.discard(folder)
        size = write_state(state, path)
        self._folders.add(folder)
        return size
