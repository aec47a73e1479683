"""Test data for the store: runs through the public API, or many at once with one INSERT."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select

from playground.store import MetricRow, RunRecord, RunStatus, RunStore
from playground.store.models import Metric, Run, RunEvent, RunTag

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def new_run(store: RunStore, name: str = "run", **overrides: Any) -> RunRecord:
    """A queued run with a tiny spec; keyword arguments override create_run's."""
    args: dict[str, Any] = {"spec": {"data": {"dataset": "spiral"}}, "dataset": "spiral", "seed": 0}
    return store.create_run(name=name, **(args | overrides))


def status_of(store: RunStore, run_id: int) -> RunStatus:
    """The stored status of a run that must exist."""
    run = store.get_run(run_id)
    assert run is not None, f"run {run_id} is gone"
    return run.status


def run_row(i: int, **overrides: Any) -> dict[str, Any]:
    """Column values of the i-th bulk-inserted run (ids follow insertion order)."""
    row: dict[str, Any] = {
        "name": f"run-{i:05d}", "status": "succeeded", "dataset": "spiral",
        "spec": {"i": i}, "seed": i, "tags": [], "created_at": T0 + timedelta(seconds=i),
    }  # fmt: skip
    return row | overrides


def insert_runs(engine: Engine, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert many runs in one executemany (test setup only); their ids in order."""
    with engine.begin() as conn:
        first = conn.scalar(select(func.coalesce(func.max(Run.id), 0))) or 0
        conn.execute(insert(Run), list(rows))
        ids = list(conn.scalars(select(Run.id).where(Run.id > first).order_by(Run.id)))
        tags = [
            {"run_id": i, "tag": t} for i, row in zip(ids, rows, strict=True) for t in row["tags"]
        ]
        if tags:
            conn.execute(insert(RunTag), tags)
    return ids


def series(
    name: str, values: Iterable[float], *, split: str = "train", epoch: int = 0
) -> list[MetricRow]:
    """One metric row per value, at steps 0, 1, 2, ..."""
    return [MetricRow(step, epoch, split, name, v) for step, v in enumerate(values)]


def count_rows(engine: Engine, run_id: int) -> dict[str, int]:
    """How many metric, event and tag rows a run has."""
    with engine.connect() as conn:
        return {
            table.__tablename__: conn.scalar(
                select(func.count()).select_from(table).where(table.run_id == run_id)
            )
            or 0
            for table in (Metric, RunEvent, RunTag)
        }
