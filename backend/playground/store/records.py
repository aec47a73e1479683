"""Plain values the store hands out: no ORM object ever leaves a session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar

from playground.store.states import RunStatus


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run as stored (see models.Run for what each field means)."""

    id: int
    name: str
    status: RunStatus
    dataset: str
    spec: dict[str, Any]
    seed: int
    device: str | None
    tags: list[str]
    notes: str
    summary: dict[str, Any] | None
    result: dict[str, Any] | None
    error: str | None
    versions: dict[str, str] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    epochs_done: int
    best_val_accuracy: float | None
    test_accuracy: float | None
    last_seq: int
    sweep_id: int | None  # the sweep this run is a trial of
    trial: dict[str, Any] | None  # {"params": {path: value}, "index": i, "replicate": j}
    owner_id: int | None  # the user who made it (None: made with accounts off)
    shared: bool  # other users may read it (never change it)


@dataclass(frozen=True, slots=True)
class SweepRecord:
    """One sweep as stored (see models.Sweep)."""

    id: int
    name: str
    kind: str  # sweep | ablation
    metric: str
    request: dict[str, Any]
    base_run_id: int | None
    created_at: datetime
    owner_id: int | None  # the user who made it (None: made with accounts off)


@dataclass(frozen=True, slots=True)
class NewTrial:
    """A trial run to store with its sweep: what create_run takes, and the trial's params."""

    name: str
    spec: dict[str, Any]
    dataset: str
    seed: int
    trial: dict[str, Any]


Item = TypeVar("Item", bound="RunRecord")


@dataclass(frozen=True, slots=True)
class Page(Generic[Item]):
    """One page of runs and the cursor of the next (None on the last page)."""

    items: list[Item]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class SnapshotRecord:
    """A run's weights saved at one epoch (the file's name follows from run id and epoch)."""

    epoch: int
    bytes: int


class MetricRow(NamedTuple):
    """One metric value to append; `split` is train | val | test | layer.

    A tuple, not a frozen dataclass: a sweep makes ~150,000 of them in the API's writer
    thread, and a frozen dataclass's __init__ costs several times a tuple's."""

    step: int
    epoch: int
    split: str
    name: str
    value: float


@dataclass(frozen=True, slots=True)
class Batch:
    """What `append` stores for one run under one seq."""

    run_id: int
    metrics: Sequence[MetricRow] = ()
    events: Sequence[tuple[str, dict[str, Any]]] = ()
    snapshots: Sequence[SnapshotRecord] = ()
    epochs_done: int | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One `set_status` for `RunStore.set_statuses`, with events stored just before the
    status moves (`before`: a result) or just after it (`after`: the start report)."""

    run_id: int
    status: RunStatus
    values: dict[str, Any] = field(default_factory=dict)  # set_status's keyword fields
    before: Sequence[tuple[str, dict[str, Any]]] = ()
    after: Sequence[tuple[str, dict[str, Any]]] = ()


# One point of a series: (step, epoch, value), value NaN where the run produced NaN. A
# plain tuple, as the driver returns it: a million of them cost nothing more to build, and
# it JSON-encodes as [step, epoch, value].
Point = tuple[int, int, float]


class MetricRecord(NamedTuple):
    """A stored metric with the seq of the batch that carried it (for stream replay)."""

    seq: int
    step: int
    epoch: int
    split: str
    name: str
    value: float


class EventRecord(NamedTuple):
    """A stored stream event: (seq, type, payload)."""

    seq: int
    type: str
    payload: dict[str, Any]


def series_key(split: str, name: str) -> str:
    """The key of one series in `RunStore.metrics`: 'val/accuracy', 'layer/3.grad_norm'."""
    return f"{split}/{name}"


@dataclass(frozen=True, slots=True)
class UploadRecord:
    """One upload as stored (see models.Upload)."""

    id: int
    name: str
    kind: str  # csv | npz | idx
    bytes: int
    shapes: dict[str, Any]
    task: str
    columns: list[str] | None
    created_at: datetime
    owner_id: int | None
