"""Shared memory through which the parent steers the run a worker trains: cancel, and hold
(pause, resume, step one epoch). The worker only reads it, except to turn a finished step
back into a pause, which it does under the value's lock so a resume in between is kept.
"""

from __future__ import annotations

import ctypes
import multiprocessing
from dataclasses import dataclass
from enum import IntEnum
from multiprocessing.context import SpawnContext
from typing import Any


class Hold(IntEnum):
    RUN = 0
    PAUSE = 1  # wait before the next step
    STEP = 2  # train to the end of the current epoch, then pause


@dataclass(frozen=True)
class RunControl:
    """One worker's control block; created by the parent, handed over at spawn."""

    cancel: Any  # RawValue(c_bool): True asks the current run to stop
    hold: Any  # Value(c_int) with a lock: a Hold

    @classmethod
    def create(cls, ctx: SpawnContext) -> RunControl:
        return cls(ctx.RawValue(ctypes.c_bool, False), ctx.Value(ctypes.c_int, Hold.RUN))

    @classmethod
    def local(cls) -> RunControl:
        """A control block for hooks used in this process (tests, benchmarks)."""
        return cls(ctypes.c_bool(False), multiprocessing.Value(ctypes.c_int, Hold.RUN))

    def reset(self) -> None:
        """Before a new job (parent only): not cancelled, not held."""
        self.cancel.value = False
        self.set_hold(Hold.RUN)

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
