"""Sweeps: stored whole with their trial runs, read across trials, deleted with them."""

from __future__ import annotations

from sqlalchemy import Engine

from playground.store import MetricRow, RunStatus, RunStore
from playground.store.records import NewTrial
from playground.store.sweeps import SweepStore
from tests.store.builders import count_rows, new_run


def trials(n: int) -> list[NewTrial]:
    return [
        NewTrial(
            f"t{i}", {"data": {"dataset": "spiral"}}, "spiral", i, {"params": {"x": i}, "index": i}
        )
        for i in range(n)
    ]


def test_a_sweep_is_stored_with_its_trials(engine: Engine, store: RunStore) -> None:
    sweeps = SweepStore(engine)
    base = new_run(store)
    sweep, runs = sweeps.create_sweep(
        name=" lr ", kind="ablation", metric="val_loss", request={"grid": {}},
        trials=trials(3), base_run_id=base.id,
    )  # fmt: skip
    assert (sweep.name, sweep.kind, sweep.base_run_id) == ("lr", "ablation", base.id)
    assert sweeps.get_sweep(sweep.id) == sweep
    assert sweeps.get_sweep(sweep.id + 1) is None
    assert [r.trial for r in runs] == [{"params": {"x": i}, "index": i} for i in range(3)]
    assert {r.sweep_id for r in runs} == {sweep.id}
    assert sweeps.trials(sweep.id) == runs
    assert store.get_run(runs[0].id) == runs[0]
    assert [e.type for e in store.events_after(runs[0].id, 0)] == ["status"]
    # The run list filters by sweep; plain runs have no sweep.
    page = store.list_runs(sweep_id=sweep.id)
    assert sorted(r.id for r in page.items) == [r.id for r in runs]
    assert (base.sweep_id, base.trial) == (None, None)
    assert sweeps.list_sweeps() == [sweep]


def test_counts_and_final_metrics_span_the_trials(engine: Engine, store: RunStore) -> None:
    sweeps = SweepStore(engine)
    sweep, (a, b) = sweeps.create_sweep(
        name="s", kind="sweep", metric="val_accuracy", request={}, trials=trials(2)
    )
    store.set_status(a.id, RunStatus.RUNNING)
    for epoch, loss in enumerate([0.9, 0.5]):
        rows = [
            MetricRow(epoch, epoch, "val", "loss", loss),
            MetricRow(epoch, epoch, "step", "loss", 9),
        ]
        store.append(a.id, metrics=rows, epochs_done=epoch)
    store.append(a.id, events=[("boundary", {"epoch": 0})])
    store.append(a.id, events=[("boundary", {"epoch": 1})])
    assert sweeps.status_counts([sweep.id]) == {sweep.id: {"running": 1, "queued": 1}}
    assert sweeps.final_metrics(sweep.id) == {a.id: {"val_loss": 0.5}}  # last epoch only
    assert [m.value for m in sweeps.epoch_metrics(sweep.id)[a.id]] == [0.9, 0.5]  # no steps
    assert sweeps.last_boundaries(sweep.id)[a.id].payload == {"epoch": 1}
    assert b.id not in sweeps.last_boundaries(sweep.id)


def test_delete_removes_the_sweep_and_its_runs(engine: Engine, store: RunStore) -> None:
    sweeps = SweepStore(engine)
    other = new_run(store)
    sweep, runs = sweeps.create_sweep(
        name="s", kind="sweep", metric="val_loss", request={}, trials=trials(2)
    )
    store.append(runs[0].id, metrics=[MetricRow(0, 0, "val", "loss", 1.0)])
    assert sweeps.delete_sweep(sweep.id) == [r.id for r in runs]
    assert sweeps.get_sweep(sweep.id) is None
    assert all(store.get_run(r.id) is None for r in runs)
    assert count_rows(engine, runs[0].id) == dict.fromkeys(count_rows(engine, runs[0].id), 0)
    assert store.get_run(other.id) is not None
    assert sweeps.delete_sweep(sweep.id) is None


def test_deleting_the_base_run_keeps_the_ablation(engine: Engine, store: RunStore) -> None:
    sweeps = SweepStore(engine)
    base = new_run(store)
    sweep, _ = sweeps.create_sweep(
        name="a", kind="ablation", metric="val_loss", request={}, trials=trials(1),
        base_run_id=base.id,
    )  # fmt: skip
    assert store.delete_run(base.id)
    kept = sweeps.get_sweep(sweep.id)
    assert kept is not None
    assert kept.base_run_id is None
