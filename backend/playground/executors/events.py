"""Events an executor delivers for a run: plain, picklable dataclasses of report objects.

A run's events arrive in order: `Started` (once the data set is loaded and the model
built; absent when the spec is rejected first), any number of `Progress` batches, then
exactly one terminal event, `Finished` or `WorkerLost`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playground.ml.hooks import (
    BoundaryGrid,
    EpochReport,
    LayerStats,
    RunResult,
    RunStart,
    StepReport,
)


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

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain tuples, rebuilt on arrival: pickle handles a dataclass through
        its __dict__, ~1 us an object each way, and a 64-trial sweep sends ~90,000 reports
        (64,000 step losses) from the worker to the API, which unpickles them on the thread
        that also reads every other worker's events. As tuples they cost a tenth of that."""
        steps = [(s.step, s.epoch, s.loss) for s in self.steps]
        epochs = [
            (e.epoch, e.step, e.metrics, [_layer_fields(x) for x in e.layers], e.seconds)
            for e in self.epochs
        ]
        grids = [tuple(vars(g).values()) for g in self.grids]
        snapshots = [(f.epoch, f.bytes) for f in self.snapshots]
        return (_progress, (self.run_id, steps, epochs, grids, snapshots))


def _layer_fields(s: LayerStats) -> tuple[Any, ...]:
    return (s.index, s.type, s.grad_norm, s.weight_norm, s.update_ratio)


def _progress(
    run_id: int,
    steps: list[tuple[int, int, float]],
    epochs: list[tuple[Any, ...]],
    grids: list[tuple[Any, ...]],
    snapshots: list[tuple[int, int]],
) -> Progress:
    """A pickled Progress rebuilt from its tuples (Progress.__reduce__)."""
    return Progress(
        run_id,
        [StepReport(*s) for s in steps],
        [
            EpochReport(e, s, m, [LayerStats(*x) for x in layers], t)
            for e, s, m, layers, t in epochs
        ],
        [BoundaryGrid(*g) for g in grids],
        [SnapshotSaved(*f) for f in snapshots],
    )


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
