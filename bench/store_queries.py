"""Store query timings: list_runs over 10,000 runs, metrics() over 1,000,000 rows.

    .venv/bin/python bench/store_queries.py [--runs 10000] [--rows 1000000] [--repeat 5]
                                            [--backend sqlite|postgresql|both]
                                            [--sections lists,append,metrics,curve,replay]

Builds a fresh SQLite file in a temporary folder (WAL, as the server runs it), or a
database on a throwaway PostgreSQL server (tests/pg.py), fills it through the store's own
write paths where that is the thing measured (append), and prints the median wall time of
each query. Two side-by-side comparisons, in alternating rounds (median and range):

- append with the summary blocks (store/blocks.py) against the same append without them
  (the write path before migration 0007);
- a 1,000-point curve of a 100,000-point series from the blocks (what metrics() does)
  against reading every raw row of the series and bucketing it the same way;
- the stream replay of a finished 5,000-epoch run (read, render, encode into frames, as
  Runs.replay_frames does in the websocket's worker thread): downsampled (now) against
  whole (the replay before: TAIL_ROWS past the run's size), beside a GET of the same data
  (every series, encoded as the /metrics route does).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import Engine, insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import pg  # noqa: E402

from playground.ml.hooks import EpochReport, LayerStats, StepReport  # noqa: E402
from playground.services import replay  # noqa: E402
from playground.services.messages import (  # noqa: E402
    encode,
    epoch_rows,
    frames,
    render,
    step_rows,
)
from playground.store import MetricRow, RunStore, make_engine, migrate  # noqa: E402
from playground.store.downsample import extremes, piece_of  # noqa: E402
from playground.store.models import Run, RunTag  # noqa: E402
from playground.store.records import Batch  # noqa: E402
from playground.store.series import _read_one  # noqa: E402

# Ten dense series, a point every step (split "step", whose summary blocks are 64 steps;
# a real run has one such series, its per-step loss, beside per-epoch ones).
SERIES = [("step", name) for name in ("loss", "accuracy", "lr", "val_loss", "val_accuracy")]
SERIES += [("step", f"{i}.grad_norm") for i in range(5)]  # 10 series in all
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
        ("step/loss only, every point", {"names": ["loss"], "split": "step"}),
        (
            "step/loss only, max_points=1000",
            {"names": ["loss"], "split": "step", "max_points": 1000},
        ),
    ]
    print("metrics()")
    for label, query in cases:
        seconds, result = timed(partial(store.metrics, run_id, **query), repeat)
        points = sum(len(v) for v in result.values())
        print(f"  {label:<34} {seconds * 1e3:9.1f} ms   {points:>9,} points")


def spread(label: str, times: list[float], unit: float = 1e3, suffix: str = "ms") -> str:
    """'label: median X ms (range A-B, n rounds)'."""
    lo, hi, mid = min(times) * unit, max(times) * unit, statistics.median(times) * unit
    return f"{label}: median {mid:.1f} {suffix} (range {lo:.1f}-{hi:.1f}, {len(times)} rounds)"


def append_once(store: RunStore, steps: int) -> float:
    """Seconds to append steps x 10 series in batches of BATCH to a new run."""
    run = store.create_run(name="append", spec={}, dataset="mnist", seed=0)
    rng = random.Random(2)
    rows = [MetricRow(step, step // 100, s, n, rng.random()) for step in range(steps)
            for s, n in SERIES]  # fmt: skip
    start = time.perf_counter()
    for lo in range(0, len(rows), BATCH):
        store.append(run.id, metrics=rows[lo : lo + BATCH])
    seconds = time.perf_counter() - start
    store.delete_run(run.id)
    return seconds


def bench_append(store: RunStore, rounds: int, steps: int = 5_000) -> None:
    """Append cost with the summary blocks against without (patched out), alternating."""
    with_blocks: list[float] = []
    without: list[float] = []
    for _ in range(rounds):
        with_blocks.append(append_once(store, steps))
        with mock.patch("playground.store.repo.upsert_blocks", return_value=None):
            without.append(append_once(store, steps))
    per = 1000 / (steps * len(SERIES))  # seconds per run -> per 1,000 rows
    print(f"append of {steps * len(SERIES):,} rows in batches of {BATCH:,}, per 1,000 rows:")
    print("  " + spread("without blocks (0006)", [t * per for t in without]))
    print("  " + spread("with blocks          ", [t * per for t in with_blocks]))
    ratio = statistics.median(with_blocks) / statistics.median(without)
    print(f"  with / without: {ratio:.2f}x")


def raw_curve(store: RunStore, run_id: int, split: str, name: str, limit: int) -> list[Any]:
    """The path without blocks: every raw row of the series, bucketed the same way."""
    with store._snapshot.connect() as conn:
        return extremes([piece_of(p) for p in _read_one(conn, run_id, split, name)], limit)


def bench_curve(store: RunStore, run_id: int, rounds: int) -> None:
    """A 1,000-point curve of one long series and of all ten: blocks against raw rows."""
    one = partial(store.metrics, run_id, names=["loss"], split="step", max_points=1000)
    raw_one = partial(raw_curve, store, run_id, "step", "loss", 1000)
    every = partial(store.metrics, run_id, max_points=1000)

    def raw_every() -> list[Any]:
        return [raw_curve(store, run_id, s, n, 1000) for s, n in SERIES]

    cases = [("step/loss", one, raw_one), ("all 10 series", every, raw_every)]
    print(f"1,000-point curves of a run with {len(SERIES)} series:")
    for label, summary, raw in cases:
        from_blocks: list[float] = []
        from_rows: list[float] = []
        for _ in range(rounds):
            from_blocks.append(timed(summary, 1)[0])
            from_rows.append(timed(raw, 1)[0])
        print("  " + spread(f"{label:<14} raw rows   ", from_rows))
        print("  " + spread(f"{label:<14} from blocks", from_blocks))
        ratio = statistics.median(from_rows) / statistics.median(from_blocks)
        print(f"  {label:<14} {ratio:.0f}x faster from blocks")


def fill_long_run(store: RunStore, epochs: int = 5_000) -> int:
    """A finished run shaped like a real one of `epochs` epochs of 25 steps with automatic
    reporting (ml/run_reports.py): 1,000 step reports, 50 boundary grids of ~7 KB, and 12
    epoch rows an epoch (4 metrics, lr, 2 layers x 3 stats, seconds); one batch an epoch."""
    run = store.create_run(name="long", spec={}, dataset="spiral", seed=0)
    store.set_status(run.id, "running")
    rng = random.Random(4)
    log_every = epochs * 25 // 1000
    grid = {"epoch": 0, "x_range": [-1, 1], "y_range": [-1, 1], "resolution": 60,
            "channels": 2, "lo": 0.0, "hi": 1.0, "data": "A" * 9600}  # fmt: skip
    batches = []
    for e in range(epochs):
        m = {"train_loss": rng.random(), "val_loss": rng.random(), "train_accuracy": rng.random(),
             "val_accuracy": rng.random(), "lr": 0.01}  # fmt: skip
        layers = [LayerStats(i, "Linear", rng.random(), rng.random(), 1e-3) for i in (0, 2)]
        rows = epoch_rows(EpochReport(e, e * 25, m, layers, 0.01 * e))
        rows += [r for s in range(e * 25 + 1, e * 25 + 26) if s % log_every == 0
                 for r in step_rows(StepReport(s, e, rng.random()))]  # fmt: skip
        events = [("boundary", grid | {"epoch": e})] if e % (epochs // 50) == 0 else []
        batches.append(Batch(run.id, rows, events, epochs_done=e))
    store.append_many(batches)
    store.set_status(run.id, "succeeded")
    return run.id


def replay_frames(store: RunStore, run_id: int) -> list[str]:
    """What the websocket's worker thread does for a new viewer (Runs.replay_frames)."""
    metrics, events = replay.stored_rows(store, run_id, after=0)
    return frames(render(run_id, metrics, events), 0, 256 * 1024)[0]


def get_metrics(store: RunStore, run_id: int) -> str:
    """GET /api/runs/{id}/metrics of every series: read, then encoded with orjson."""
    return encode({"run_id": run_id, "series": store.metrics(run_id)})  # type: ignore[arg-type]


def bench_replay(store: RunStore, rounds: int) -> None:
    run_id = fill_long_run(store)
    whole: list[float] = []
    down: list[float] = []
    get: list[float] = []
    sizes: dict[str, int] = {}
    for _ in range(rounds):
        with mock.patch.object(replay, "TAIL_ROWS", 10**9):
            seconds, texts = timed(partial(replay_frames, store, run_id), 1)
        whole.append(seconds)
        sizes["whole"] = sum(map(len, texts))
        seconds, texts = timed(partial(replay_frames, store, run_id), 1)
        down.append(seconds)
        sizes["downsampled"] = sum(map(len, texts))
        seconds, text = timed(partial(get_metrics, store, run_id), 1)
        get.append(seconds)
        sizes["GET"] = len(text)
    print("replay of a finished 5,000-epoch run to a new viewer (read, render, encode):")
    for label, times in (("whole (before)", whole), ("downsampled", down), ("GET /metrics", get)):
        kb = sizes[label.split()[0] if label != "whole (before)" else "whole"] / 1e3
        print("  " + spread(f"{label:<15}", times) + f", {kb:,.0f} kB")
    ratio = statistics.median(down) / statistics.median(get)
    print(f"  downsampled / GET: {ratio:.2f}x; whole / downsampled: "
          f"{statistics.median(whole) / statistics.median(down):.1f}x")  # fmt: skip


SECTIONS = ("lists", "append", "metrics", "curve", "replay")


def bench_backend(url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    migrate(engine)
    store = RunStore(engine)
    wanted = set(args.sections.split(","))
    if "lists" in wanted:
        fill_runs(engine, args.runs)
        print(f"{args.runs:,} runs")
        bench_lists(store, args.repeat)
    if "append" in wanted:
        bench_append(store, args.repeat)
    if wanted & {"metrics", "curve"}:
        run_id = fill_metrics(store, args.rows)
        if "metrics" in wanted:
            bench_metrics(store, run_id, max(1, args.repeat // 2))
        if "curve" in wanted:
            bench_curve(store, run_id, args.repeat)
    if "replay" in wanted:
        bench_replay(store, args.repeat)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}"
    )
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        print("== SQLite")
        with tempfile.TemporaryDirectory() as tmp:
            bench_backend(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args)
    if args.backend in ("postgresql", "both"):
        print("== PostgreSQL (throwaway server from tests/pg.py)")
        directory = pg.bin_dir()
        if directory is None:
            print(f"  skipped: no PostgreSQL server: {pg.INSTALL_HINT}")
            return
        server = pg.PostgresServer(directory).start()
        try:
            with server.database() as url:
                bench_backend(url, args)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
