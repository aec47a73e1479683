"""Reading series back: grouping, order, filters, NaN and downsampling."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, event

from playground.store import MetricRow, RunStore, make_engine
from tests.store.builders import new_run, series


def test_series_keyed_by_split_and_name(store: RunStore) -> None:
    run = new_run(store)
    store.append(run.id, metrics=series("loss", [3.0, 2.0]) + series("loss", [2.5], split="val"))
    store.append(run.id, metrics=[MetricRow(0, 0, "layer", "1.grad_norm", 0.01)], epochs_done=0)
    assert store.metrics(run.id) == {
        "layer/1.grad_norm": [(0, 0, 0.01)],
        "train/loss": [(0, 0, 3.0), (1, 0, 2.0)],
        "val/loss": [(0, 0, 2.5)],
    }


def test_points_come_in_step_order(store: RunStore) -> None:
    run = new_run(store)
    for step in (5, 1, 3):  # batches arrive out of step order
        store.append(run.id, metrics=[MetricRow(step, 0, "train", "loss", float(step))])
    assert [step for step, _, _ in store.metrics(run.id)["train/loss"]] == [1, 3, 5]


def test_filters(store: RunStore) -> None:
    run = new_run(store)
    rows = series("loss", [1.0]) + series("accuracy", [0.5]) + series("loss", [1.1], split="val")
    store.append(run.id, metrics=rows)
    assert set(store.metrics(run.id, names=["loss"])) == {"train/loss", "val/loss"}
    assert set(store.metrics(run.id, split="val")) == {"val/loss"}
    assert set(store.metrics(run.id, names=["accuracy"], split="train")) == {"train/accuracy"}
    assert store.metrics(run.id, names=[]) == {}
    assert store.metrics(run.id + 1) == {}


def test_nan_and_infinity_survive(store: RunStore) -> None:
    run = new_run(store)
    store.append(run.id, metrics=series("loss", [1.0, math.inf, math.nan]))
    values = [value for _, _, value in store.metrics(run.id)["train/loss"]]
    assert values[:2] == [1.0, math.inf]
    assert math.isnan(values[2])
    assert math.isnan(store.metrics_after(run.id, 0)[2].value)


def test_max_points_keeps_the_spike(store: RunStore) -> None:
    run = new_run(store)
    loss = [2.0 * math.exp(-step / 1500) for step in range(5000)]
    loss[3777] = 50.0  # a loss spike that a chart must still show
    store.append(run.id, metrics=series("loss", loss) + series("lr", [0.1] * 50))
    full = store.metrics(run.id)
    small = store.metrics(run.id, max_points=100)
    assert len(full["train/loss"]) == 5000
    assert 50 <= len(small["train/loss"]) <= 100  # a smooth fall: min and last coincide
    steps = [step for step, _, _ in small["train/loss"]]
    assert 3777 in steps
    assert (steps[0], steps[-1]) == (0, 4999)
    assert small["train/lr"] == full["train/lr"]  # already short enough: untouched


def test_max_points_with_nan(store: RunStore) -> None:
    run = new_run(store)
    store.append(
        run.id, metrics=series("loss", [math.nan if i % 10 == 0 else 1.0 for i in range(100)])
    )
    points = store.metrics(run.id, max_points=10)["train/loss"]
    assert 5 <= len(points) <= 10
    assert (points[0][0], points[-1][0]) == (0, 99)
    assert math.isnan(points[0][2])


def test_max_points_too_small(store: RunStore) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        store.metrics(1, max_points=2)


def test_series_come_from_one_snapshot(store: RunStore, engine: Engine) -> None:
    # A batch stored while the series are read (one query each) is in none of them, not in
    # the series read after it only: a chart never shows val one step ahead of train.
    run = new_run(store)
    store.append(run.id, metrics=series("loss", [1.0]) + series("loss", [2.0], split="val"))
    writer = make_engine(engine.url.render_as_string(hide_password=False))
    batch = [MetricRow(1, 0, "train", "loss", 0.5), MetricRow(1, 0, "val", "loss", 1.5)]
    written: list[int] = []

    def write_between(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "metrics.step" in statement and not written:  # the first series' query ran
            written.append(RunStore(writer).append(run.id, metrics=batch))

    event.listen(engine, "after_cursor_execute", write_between)
    try:
        read = store.metrics(run.id)
    finally:
        event.remove(engine, "after_cursor_execute", write_between)
        writer.dispose()
    assert written
    assert read == {"train/loss": [(0, 0, 1.0)], "val/loss": [(0, 0, 2.0)]}
    assert store.metrics(run.id) == {
        "train/loss": [(0, 0, 1.0), (1, 0, 0.5)],
        "val/loss": [(0, 0, 2.0), (1, 0, 1.5)],
    }
