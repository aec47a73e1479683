"""Store query timings: list_runs over 10,000 runs, metrics() over 1,000,000 rows.

    .venv/bin/python bench/store_queries.py [--runs 10000] [--rows 1000000] [--repeat 5]

Builds a fresh SQLite file in a temporary folder (WAL, as the server runs it), fills it
through the store's own write paths where that is the thing measured (append), and prints
the median wall time of each query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from playground.store import MetricRow, RunStore, make_engine, migrate
from playground.store.models import Run, RunTag

SERIES = [
    ("train", "loss"),
    ("train", "accuracy"),
    ("train", "lr"),
    ("val", "loss"),
    ("val", "accuracy"),
]
SERIES += [("layer", f"{i}.grad_norm") for i in range(5)]  # 10 series in all
BATCH = 1_000  # metric rows per append: one worker message


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def fill_runs(engine: Engine, n: int) -> None:
    """n finished runs with realistic JSON (spec, summary, result) in one executemany."""
    rng = random.Random(0)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    spec = {
        "data": {"dataset": "mnist"},
        "model": {"layers": [{"type": "Linear", "out_features": 64}] * 4},
    }
    result = {
        "test": {"accuracy": 0.9},
        "confusion": [[rng.randint(0, 99) for _ in range(10)] for _ in range(10)],
    }
    rows = [
        {"name": f"run {i}", "status": rng.choice(["succeeded", "failed", "cancelled"]),
         "dataset": rng.choice(["mnist", "spiral", "moons"]), "spec": spec, "seed": i,
         "tags": ["sweep"] if i % 10 == 0 else [], "summary": {"layers": [{"params": 100}] * 4},
         "result": result, "created_at": t0 + timedelta(seconds=i), "epochs_done": 20,
         "test_accuracy": rng.random(), "best_val_accuracy": rng.random()}
        for i in range(n)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(Run), rows)
        conn.execute(insert(RunTag), [{"run_id": i + 1, "tag": "sweep"} for i in range(0, n, 10)])


def deepest_cursor(store: RunStore, **query: Any) -> str | None:
    """The cursor of the last page, reached by following every next_cursor."""
    page = store.list_runs(**query)
    cursor = None
    while page.next_cursor is not None:
        cursor = page.next_cursor
        page = store.list_runs(cursor=cursor, **query)
    return cursor


def bench_lists(store: RunStore, repeat: int) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("newest first", {}),
        ("test_accuracy, best first", {"sort": "test_accuracy"}),
        ("name A-Z", {"sort": "name", "descending": False}),
        ("status = failed", {"status": "failed"}),
        ("tag = sweep", {"tag": "sweep"}),
        ("name contains '99'", {"name": "99"}),
    ]
    print("list_runs, limit 50            first page     last page")
    for label, query in cases:
        first, _ = timed(partial(store.list_runs, limit=50, **query), repeat)
        cursor = deepest_cursor(store, limit=50, **query)
        last, _ = timed(partial(store.list_runs, limit=50, cursor=cursor, **query), repeat)
        print(f"  {label:<28} {first * 1e3:8.2f} ms   {last * 1e3:8.2f} ms")


def fill_metrics(store: RunStore, rows: int) -> int:
    """One run with `rows` metric rows over 10 series, written by append in batches."""
    run = store.create_run(name="long", spec={}, dataset="mnist", seed=0)
    store.set_status(run.id, "running")
    rng = random.Random(1)
    per_series = rows // len(SERIES)
    batch: list[MetricRow] = []
    start = time.perf_counter()
    for step in range(per_series):
        batch += [MetricRow(step, step // 1000, s, n, rng.random()) for s, n in SERIES]
        if len(batch) >= BATCH:
            store.append(run.id, metrics=batch)
            batch = []
    if batch:
        store.append(run.id, metrics=batch)
    seconds = time.perf_counter() - start
    print(f"append: {per_series * len(SERIES):,} rows in batches of {BATCH:,}: {seconds:.1f} s "
          f"({per_series * len(SERIES) / seconds:,.0f} rows/s)")  # fmt: skip
    return run.id


def bench_metrics(store: RunStore, run_id: int, repeat: int) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("all series, every point", {}),
        ("all series, max_points=1000", {"max_points": 1000}),
        ("train/loss only, every point", {"names": ["loss"], "split": "train"}),
        (
            "train/loss only, max_points=1000",
            {"names": ["loss"], "split": "train", "max_points": 1000},
        ),
    ]
    print("metrics()")
    for label, query in cases:
        seconds, result = timed(partial(store.metrics, run_id, **query), repeat)
        points = sum(len(v) for v in result.values())
        print(f"  {label:<34} {seconds * 1e3:9.1f} ms   {points:>9,} points")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        migrate(engine)
        store = RunStore(engine)
        fill_runs(engine, args.runs)
        print(f"{args.runs:,} runs")
        bench_lists(store, args.repeat)
        run_id = fill_metrics(store, args.rows)
        bench_metrics(store, run_id, max(1, args.repeat // 2))
        engine.dispose()


if __name__ == "__main__":
    main()
