"""SweepStore: the only code that writes sweeps; a sweep's trials are runs with its id.

Like RunStore, every public method is one short transaction and returns plain records.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import sessionmaker

from playground.store.models import Metric, Run, RunEvent, Sweep
from playground.store.records import EventRecord, MetricRecord, NewTrial, RunRecord, SweepRecord
from playground.store.rows import STATUS_EVENT, clean_name, insert_events, status_payload, to_record
from playground.store.states import RunStatus

MAX_SWEEPS = 500  # a page of the sweep list
FINAL_SPLITS = ("train", "val")  # the splits of an epoch's metrics (not step, layer, opt)
CURVE_SPLITS = ("train", "val", "opt", "time")  # what a sweep's viewer is sent per epoch
# The names of those series (ml.metrics.split_metrics, the lr, the epoch's seconds): listed,
# so that ix_metrics_run_id_name_split_step finds them without reading every step's loss
# and layer statistic (64 trials of 100 epochs: 83 -> 10 ms).
FINAL_NAMES = ("loss", "accuracy", "mse", "mae", "r2")
CURVE_NAMES = (*FINAL_NAMES, "lr", "seconds")


def to_sweep(sweep: Sweep) -> SweepRecord:
    return SweepRecord(
        id=sweep.id, name=sweep.name, kind=sweep.kind, metric=sweep.metric,
        request=sweep.request, base_run_id=sweep.base_run_id, created_at=sweep.created_at,
        owner_id=sweep.owner_id,
    )  # fmt: skip


class SweepStore:
    """Sweeps and the reads that span all of a sweep's trials, over one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def create_sweep(
        self,
        *,
        name: str,
        kind: str,
        metric: str,
        request: dict[str, Any],
        trials: Sequence[NewTrial],
        base_run_id: int | None = None,
        owner_id: int | None = None,
    ) -> tuple[SweepRecord, list[RunRecord]]:
        """Store a sweep and all its trials as queued runs, each with its first 'status'
        event (seq 1), in one transaction: a sweep is stored whole or not at all."""
        sweep = Sweep(
            name=clean_name(name), kind=kind, metric=metric, request=request,
            base_run_id=base_run_id, owner_id=owner_id,
        )  # fmt: skip
        with self._sessions.begin() as s:
            s.add(sweep)
            s.flush()  # assigns the id
            runs = [
                Run(
                    name=clean_name(t.name),
                    status=RunStatus.QUEUED.value,
                    dataset=t.dataset,
                    spec=t.spec,
                    seed=t.seed,
                    tags=[],
                    last_seq=1,
                    sweep_id=sweep.id,
                    trial=t.trial,
                    owner_id=owner_id,
                    shared=False,
                )
                for t in trials
            ]
            s.add_all(runs)
            s.flush()
            insert_events(s, [(run.id, 1, STATUS_EVENT, status_payload(run)) for run in runs])
            return to_sweep(sweep), [to_record(r) for r in runs]

    def get_sweep(self, sweep_id: int) -> SweepRecord | None:
        with self._sessions.begin() as s:
            sweep = s.get(Sweep, sweep_id)
            return None if sweep is None else to_sweep(sweep)

    def list_sweeps(self, *, limit: int = 100, owner_id: int | None = None) -> list[SweepRecord]:
        """The newest sweeps first (only `owner_id`'s when given)."""
        if not 1 <= limit <= MAX_SWEEPS:
            raise ValueError(f"limit must be between 1 and {MAX_SWEEPS}, got {limit}")
        query = select(Sweep).order_by(Sweep.created_at.desc(), Sweep.id.desc()).limit(limit)
        if owner_id is not None:
            query = query.where(Sweep.owner_id == owner_id)
        with self._sessions.begin() as s:
            return [to_sweep(sweep) for sweep in s.scalars(query)]

    def trials(self, sweep_id: int) -> list[RunRecord]:
        """The sweep's runs, in trial order (they were stored in it)."""
        query = select(Run).where(Run.sweep_id == sweep_id).order_by(Run.id)
        with self._sessions.begin() as s:
            return [to_record(run) for run in s.scalars(query)]

    def status_counts(self, sweep_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """sweep id -> {status: trials}, in one query."""
        query = (
            select(Run.sweep_id, Run.status, func.count())
            .where(Run.sweep_id.in_(sweep_ids))
            .group_by(Run.sweep_id, Run.status)
        )
        counts: dict[int, dict[str, int]] = {i: {} for i in sweep_ids}
        with self._engine.connect() as conn:
            for sweep_id, status, n in conn.execute(query):
                counts[sweep_id or 0][status] = n  # never NULL: the WHERE picks sweeps
        return counts

    def final_metrics(self, sweep_id: int) -> dict[int, dict[str, float | None]]:
        """run id -> its last epoch's train/val metrics ({"val_loss": ...}), in one query."""
        query = (
            select(Metric.run_id, Metric.split, Metric.name, Metric.value)
            .join(Run, Run.id == Metric.run_id)
            .where(
                Run.sweep_id == sweep_id,
                Metric.name.in_(FINAL_NAMES),
                Metric.split.in_(FINAL_SPLITS),
                Metric.epoch == Run.epochs_done,
            )
        )
        out: dict[int, dict[str, float | None]] = {}
        with self._engine.connect() as conn:
            for run_id, split, name, value in conn.execute(query):
                out.setdefault(run_id, {})[f"{split}_{name}"] = value
        return out

    def epoch_metrics(self, sweep_id: int) -> dict[int, list[MetricRecord]]:
        """run id -> its epoch metrics (train, val, lr, seconds) in seq order, one query."""
        query = (
            select(
                Metric.run_id,
                Metric.seq,
                Metric.step,
                Metric.epoch,
                Metric.split,
                Metric.name,
                Metric.value,
            )
            .join(Run, Run.id == Metric.run_id)
            .where(
                Run.sweep_id == sweep_id,
                Metric.name.in_(CURVE_NAMES),
                Metric.split.in_(CURVE_SPLITS),
            )
            .order_by(Metric.run_id, Metric.seq, Metric.id)
        )
        out: dict[int, list[MetricRecord]] = {}
        with self._engine.connect() as conn:
            for run_id, seq, step, epoch, split, name, value in conn.execute(query):
                value = math.nan if value is None else value  # NULL is NaN, as in read_after
                record = MetricRecord(seq, step, epoch, split, name, value)
                out.setdefault(run_id, []).append(record)
        return out

    def last_boundaries(self, sweep_id: int) -> dict[int, EventRecord]:
        """run id -> its newest boundary grid (2-D sets), one query."""
        newest = (
            select(RunEvent.run_id, func.max(RunEvent.id).label("id"))
            .join(Run, Run.id == RunEvent.run_id)
            .where(Run.sweep_id == sweep_id, RunEvent.type == "boundary")
            .group_by(RunEvent.run_id)
            .subquery()
        )
        query = select(RunEvent.run_id, RunEvent.seq, RunEvent.type, RunEvent.payload).join(
            newest, newest.c.id == RunEvent.id
        )
        with self._engine.connect() as conn:
            return {run_id: EventRecord(*row) for run_id, *row in conn.execute(query)}

    def delete_sweep(self, sweep_id: int) -> list[int] | None:
        """Delete a sweep and its trial runs (with everything stored for them); the runs'
        ids, or None when there was no such sweep."""
        with self._sessions.begin() as s:
            runs = list(s.scalars(delete(Run).where(Run.sweep_id == sweep_id).returning(Run.id)))
            gone = s.scalar(delete(Sweep).where(Sweep.id == sweep_id).returning(Sweep.id))
        return None if gone is None else sorted(runs)
