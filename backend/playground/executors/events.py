"""Events an executor delivers for a run: plain, picklable dataclasses of report objects.

A run's events arrive in order: `Started` (once the data set is loaded and the model
built; absent when the spec is rejected first), any number of `Progress` batches, then
exactly one terminal event, `Finished` or `WorkerLost`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.ml.hooks import BoundaryGrid, EpochReport, RunResult, RunStart, StepReport


@dataclass(frozen=True)
class Started:
    """Training began: seed, device, versions, layer summary."""

    run_id: int
    start: RunStart


@dataclass(frozen=True)
class SnapshotSaved:
    """The worker wrote the weights after `epoch` to the run's snapshot file."""

    epoch: int
    bytes: int


@dataclass(frozen=True)
class Progress:
    """Reports coalesced by the worker (at most ~30 batches a second), each list in order."""

    run_id: int
    steps: list[StepReport] = field(default_factory=list)
    epochs: list[EpochReport] = field(default_factory=list)
    grids: list[BoundaryGrid] = field(default_factory=list)
    snapshots: list[SnapshotSaved] = field(default_factory=list)


@dataclass(frozen=True)
class Paused:
    """The run is holding before its next step (paused), or goes on again (not paused)."""

    run_id: int
    paused: bool
    epoch: int  # the last finished epoch


@dataclass(frozen=True)
class Finished:
    """The run ended; `result.status` is succeeded, failed, cancelled or diverged."""

    run_id: int
    result: RunResult


@dataclass(frozen=True)
class WorkerLost:
    """The process running the run died (killed, crashed, out of memory); the run is lost."""

    run_id: int
    reason: str


Event = Started | Progress | Paused | Finished | WorkerLost
TERMINAL_EVENTS = (Finished, WorkerLost)  # the event types that end a run
