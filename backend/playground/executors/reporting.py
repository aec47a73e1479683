"""Worker-side hooks: turn one run's reports into events, coalescing progress into batches."""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from pathlib import Path

from torch import nn

from playground.executors.events import Finished, Progress, SnapshotSaved, Started
from playground.ml.hooks import BoundaryGrid, EpochReport, Hooks, RunResult, RunStart, StepReport
from playground.ml.snapshots import save_snapshot, snapshot_path

FLUSH_INTERVAL = 1 / 30  # seconds: at most ~30 Progress batches a second leave a worker

Send = Callable[[Started | Progress | Finished], None]


class PipeHooks(Hooks):
    """Sends Started and Finished at once; buffers step, epoch and grid reports and sends
    them as one Progress batch when FLUSH_INTERVAL has passed since the last one.

    Without a timer thread, a buffered report leaves at the next report or at the next
    `tick` (the loop ticks before every step), so it waits at most
    max(FLUSH_INTERVAL, one step).
    """

    def __init__(
        self, run_id: int, send: Send, flag: ctypes.c_bool, artifacts: Path | None = None
    ) -> None:
        self.run_id = run_id
        self._artifacts = artifacts  # snapshot root; None: keep no snapshots
        self._send = send
        self._flag = flag  # shared memory the parent sets to cancel
        self._steps: list[StepReport] = []
        self._epochs: list[EpochReport] = []
        self._grids: list[BoundaryGrid] = []
        self._snapshots: list[SnapshotSaved] = []
        self._pending = 0
        self._urgent = False
        self._last_flush = time.perf_counter()
        self.ended = False

    def tick(self) -> None:
        """Before every step: send the buffer when it is due (the bound in the class doc)."""
        if self._pending and (
            self._urgent or time.perf_counter() - self._last_flush >= FLUSH_INTERVAL
        ):
            self.flush()

    @property
    def cancelled(self) -> bool:
        """Read before every step: a shared-memory byte, no syscall."""
        return bool(self._flag.value)

    @cancelled.setter
    def cancelled(self, value: bool) -> None:
        self._flag.value = value

    def on_start(self, start: RunStart) -> None:
        self._send(Started(self.run_id, start))
        self._last_flush = time.perf_counter()

    def on_step(self, report: StepReport) -> None:
        self._steps.append(report)
        self._added()

    def on_epoch(self, report: EpochReport) -> None:
        self._epochs.append(report)
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
        """Write the weights here, in the worker; the API registers the file when the
        batch that reports it is stored (so a listed snapshot always exists on disk)."""
        if self._artifacts is None:
            return
        size = save_snapshot(model, snapshot_path(self._artifacts, self.run_id, epoch))
        self._snapshots.append(SnapshotSaved(epoch, size))
        self._added()

    def on_end(self, result: RunResult) -> None:
        self.flush()
        self._send(Finished(self.run_id, result))
        self.ended = True

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
        if self._urgent or time.perf_counter() - self._last_flush >= FLUSH_INTERVAL:
            self.flush()
