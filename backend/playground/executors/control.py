"""Shared memory through which the parent steers the job a worker trains: cancel (per
trial of a group), and hold (pause, resume, step one epoch: single runs only). The worker
only reads it, except to turn a finished step back into a pause, which it does under the
value's lock so a resume in between is kept.
"""

from __future__ import annotations

import ctypes
import multiprocessing
from dataclasses import dataclass
from enum import IntEnum
from multiprocessing.context import SpawnContext
from typing import Any

# Cancel flags in one control block: one per trial of the largest group a worker may be
# sent (executors/grouping.py sizes groups; a single run uses flag 0). 256 bytes.
MAX_TRIALS = 256


class Hold(IntEnum):
    RUN = 0
    PAUSE = 1  # wait before the next step
    STEP = 2  # train to the end of the current epoch, then pause


@dataclass(frozen=True)
class RunControl:
    """One worker's control block; created by the parent, handed over at spawn."""

    # RawArray(c_bool, MAX_TRIALS): flag i True asks trial i of the current job to stop.
    # One byte per trial, each written by the parent alone: no lock needed.
    cancels: Any
    hold: Any  # Value(c_int) with a lock: a Hold

    @classmethod
    def create(cls, ctx: SpawnContext) -> RunControl:
        return cls(ctx.RawArray(ctypes.c_bool, MAX_TRIALS), ctx.Value(ctypes.c_int, Hold.RUN))

    @classmethod
    def local(cls) -> RunControl:
        """A control block for hooks used in this process (tests, benchmarks)."""
        return cls((ctypes.c_bool * MAX_TRIALS)(), multiprocessing.Value(ctypes.c_int, Hold.RUN))

    def reset(self) -> None:
        """Before a new job (parent only): no trial cancelled, not held."""
        ctypes.memset(self.cancels, 0, MAX_TRIALS)
        self.set_hold(Hold.RUN)

    def cancel(self, trial: int = 0) -> None:
        """Ask trial `trial` of the current job (0: a single run) to stop."""
        self.cancels[trial] = True

    def cancelled(self, trial: int = 0) -> bool:
        """Whether trial `trial` was asked to stop (a plain read, no syscall)."""
        return bool(self.cancels[trial])

    def set_hold(self, hold: Hold) -> None:
        with self.hold.get_lock():
            self.hold.value = int(hold)

    def holding(self) -> bool:
        """Whether the run must wait before its next step (a plain read)."""
        return bool(self.hold.value == Hold.PAUSE)

    def epoch_done(self) -> None:
        """Worker, at an epoch's end: a requested step is over, so pause again."""
        with self.hold.get_lock():
            if self.hold.value == Hold.STEP:
                self.hold.value = int(Hold.PAUSE)
