"""Summary blocks: written with the metrics, equal to a recomputation from the raw rows,
read for long series, deleted with their run, and backfilled by migration 0007."""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, insert, select

from playground.store import MetricRow, RunStore
from playground.store.blocks import BLOCK_STEPS, FIELDS
from playground.store.db import MIGRATIONS
from playground.store.models import Metric, MetricBlock
from tests.store.builders import new_run, series

BlockRows = dict[tuple[str, str, int], tuple[Any, ...]]


def stored_blocks(engine: Engine, run_id: int) -> BlockRows:
    """The run's stored blocks, NaN as None (PostgreSQL keeps a NaN, SQLite stores NULL)."""
    cols = [getattr(MetricBlock, f) for f in FIELDS]
    query = select(MetricBlock.split, MetricBlock.name, MetricBlock.block, *cols).where(
        MetricBlock.run_id == run_id
    )
    with engine.connect() as conn:
        return {(r[0], r[1], r[2]): tuple(map(_none, r[3:])) for r in conn.execute(query)}


def recomputed(engine: Engine, run_id: int) -> BlockRows:
    """The oracle: blocks computed from the raw rows in (step, id) order with min and max."""
    query = (
        select(Metric.split, Metric.name, Metric.step, Metric.epoch, Metric.value)
        .where(Metric.run_id == run_id)
        .order_by(Metric.split, Metric.name, Metric.step, Metric.id)
    )
    groups: dict[tuple[str, str, int], list[tuple[int, int, float | None]]] = {}
    with engine.connect() as conn:
        for split, name, step, epoch, value in conn.execute(query):
            block = (step if split == "step" else epoch) // BLOCK_STEPS
            groups.setdefault((split, name, block), []).append((step, epoch, _none(value)))
    out: BlockRows = {}
    for key, points in groups.items():
        real = [p for p in points if p[2] is not None]
        low = min(real, key=lambda p: (p[2], p[0]), default=(None, None, None))
        high = min(real, key=lambda p: (-p[2], p[0]), default=(None, None, None))  # type: ignore[operator]
        out[key] = (len(points), *points[0], *points[-1], *low, *high)
    return out


def _none(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def test_blocks_equal_a_recomputation(store: RunStore, engine: Engine) -> None:
    run = new_run(store)
    rng = random.Random(3)
    values = [rng.choice([rng.random(), 0.5, math.nan, math.inf]) for _ in range(500)]
    # A per-step series (blocks by step) and per-epoch ones (blocks by epoch).
    rows = series("loss", values, split="step")
    rows += [MetricRow(s, s // 5, "opt", "lr", 0.1) for s in range(500)]
    rows += [MetricRow(s, s // 100, "val", "loss", math.nan) for s in range(0, 500, 100)]
    # Several batches of odd sizes, so that blocks are split across batches, and one batch
    # that comes back in time (steps out of order) with a duplicate step.
    cuts = [0, 37, 64, 65, 200, 333, len(rows)]
    for lo, hi in itertools.pairwise(cuts):
        store.append(run.id, metrics=rows[lo:hi])
    store.append(run.id, metrics=[MetricRow(70, 0, "step", "loss", -1.0)])
    blocks = stored_blocks(engine, run.id)
    assert blocks == recomputed(engine, run.id)
    assert blocks[("val", "loss", 0)][-3:] == (None, None, None)  # all NaN: no min or max
    assert blocks[("step", "loss", 1)][7:10] == (70, 0, -1.0)  # the late point is the min
    # 500 steps: 8 blocks of 64 steps; 100 epochs of the lr: 2 blocks of 64 epochs.
    assert len([k for k in blocks if k[:2] == ("step", "loss")]) == 8
    assert len([k for k in blocks if k[:2] == ("opt", "lr")]) == 2


def test_append_many_merges_batches_of_several_runs(store: RunStore, engine: Engine) -> None:
    from playground.store.records import Batch

    a, b = new_run(store), new_run(store)
    batches = [
        Batch(a.id, series("loss", [3.0, 1.0])),
        Batch(b.id, series("loss", [5.0])),
        Batch(a.id, [MetricRow(2, 0, "train", "loss", 2.0)]),
    ]
    store.append_many(batches)
    for run in (a, b):
        assert stored_blocks(engine, run.id) == recomputed(engine, run.id)
    assert stored_blocks(engine, a.id)[("train", "loss", 0)][0] == 3


def test_long_curve_keeps_extremes_and_last_point(store: RunStore) -> None:
    run = new_run(store)
    n = 30_000
    loss = [2.0 * math.exp(-step / 5000) + 0.01 * math.sin(step) for step in range(n)]
    loss[12_345] = 50.0  # a spike a chart must show
    loss[20_000] = -3.0  # and a dip
    loss[-1] = math.nan  # a run that diverged at the end
    rows = series("loss", loss)
    for lo in range(0, n, 5_000):
        store.append(run.id, metrics=rows[lo : lo + 5_000])
    curve = store.metrics(run.id, max_points=1000)["train/loss"]
    assert 900 <= len(curve) <= 1000
    steps = [p[0] for p in curve]
    assert steps == sorted(set(steps))
    assert (12_345, 0, 50.0) in curve
    assert (20_000, 0, -3.0) in curve
    assert curve[0] == (0, 0, 2.0)
    assert curve[-1][0] == n - 1
    assert math.isnan(curve[-1][2])


def test_short_and_middle_series(store: RunStore) -> None:
    run = new_run(store)
    store.append(run.id, metrics=series("loss", [float(i % 7) for i in range(2_000)]))
    full = store.metrics(run.id)["train/loss"]
    assert store.metrics(run.id, max_points=2_000)["train/loss"] == full  # fits: untouched
    small = store.metrics(run.id, max_points=1_000)["train/loss"]  # 32 blocks: read raw
    assert 600 <= len(small) <= 1_000
    assert set(small) <= set(full)
    assert small[-1] == full[-1]
    assert {v for _, _, v in small} == set(range(7))


def test_delete_removes_blocks(store: RunStore, engine: Engine) -> None:
    run, other = new_run(store), new_run(store)
    store.append(run.id, metrics=series("loss", [1.0] * 100, split="step"))
    store.append(other.id, metrics=series("loss", [1.0] * 100, split="step"))
    assert store.delete_run(run.id)
    assert stored_blocks(engine, run.id) == {}
    assert len(stored_blocks(engine, other.id)) == 2


def test_migration_0007_backfills_blocks(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    # Rows as a 0006 server stored them: straight into metrics, no blocks.
    store = RunStore(engine)
    run_ids = [new_run(store).id for _ in range(2)]
    with engine.begin() as conn:
        rng = random.Random(5)
        rows = [
            {"run_id": run_id, "seq": 2, "step": step, "epoch": step // 50, "split": split,
             "name": "loss", "value": rng.choice([rng.random(), 1.0, None])}
            for run_id in run_ids for split in ("train", "val")
            for step in rng.sample(range(400), 300)
        ]  # fmt: skip
        conn.execute(insert(Metric), rows + rows[:40])  # duplicates: equal steps
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        assert conn.scalar(select(func.count()).select_from(MetricBlock)) > 0
    for run_id in run_ids:
        assert stored_blocks(engine, run_id) == recomputed(engine, run_id)
    # And appends after the upgrade merge into the backfilled blocks.
    store.append(run_ids[0], metrics=series("loss", [0.25] * 10))
    assert stored_blocks(engine, run_ids[0]) == recomputed(engine, run_ids[0])
