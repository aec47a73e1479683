"""The batched write path: seqs, rows, denormalised fields, replay, concurrency."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from playground.store import (
    EventRecord,
    IllegalTransition,
    MetricRecord,
    MetricRow,
    RunNotFoundError,
    RunStatus,
    RunStore,
    make_engine,
)
from playground.store.records import Batch
from tests.store.builders import count_rows, new_run, series


def test_batches_get_increasing_seqs(store: RunStore, engine: Engine) -> None:
    run = new_run(store)  # creation used seq 1 for its status event
    seqs = [
        store.append(run.id, metrics=series("loss", [1.0] * 10), events=[("tick", {"i": i})])
        for i in range(5)
    ]
    assert seqs == [2, 3, 4, 5, 6]
    assert count_rows(engine, run.id) == {"metrics": 50, "run_events": 6, "run_tags": 0}
    after = store.get_run(run.id)
    assert after is not None
    assert after.last_seq == 6


def test_one_batch_shares_one_seq(store: RunStore) -> None:
    run = new_run(store)
    rows = [MetricRow(3, 1, "train", "loss", 0.5), MetricRow(3, 1, "layer", "0.grad_norm", 1e-3)]
    seq = store.append(
        run.id,
        metrics=rows,
        events=[("boundary", {"grid": [0.1, 0.9]}), ("start", {"device": "cpu"})],
    )
    assert store.metrics_after(run.id, seq - 1) == [
        MetricRecord(seq, 3, 1, "train", "loss", 0.5),
        MetricRecord(seq, 3, 1, "layer", "0.grad_norm", 1e-3),
    ]
    assert store.events_after(run.id, seq - 1) == [
        EventRecord(seq, "boundary", {"grid": [0.1, 0.9]}),
        EventRecord(seq, "start", {"device": "cpu"}),
    ]


def test_replay_after_a_seq(store: RunStore) -> None:
    run = new_run(store)
    seqs = [
        store.append(run.id, metrics=[MetricRow(i, 0, "train", "loss", float(i))]) for i in range(4)
    ]
    assert [m.step for m in store.metrics_after(run.id, seqs[1])] == [2, 3]
    assert [m.seq for m in store.metrics_after(run.id, 0)] == seqs
    assert store.metrics_after(run.id, seqs[-1]) == []
    assert [e.seq for e in store.events_after(run.id, 0)] == [1]  # only the creation's status


def test_epochs_done_and_best_val_accuracy(store: RunStore) -> None:
    run = new_run(store)

    def epoch(n: int, val_accuracy: float) -> None:
        rows = [
            MetricRow(n * 10, n, "val", "accuracy", val_accuracy),
            MetricRow(n * 10, n, "train", "accuracy", 0.99),
        ]
        store.append(run.id, metrics=rows, epochs_done=n)

    epoch(0, 0.5)
    epoch(1, 0.8)
    epoch(2, 0.7)
    store.append(run.id, metrics=[MetricRow(21, 3, "val", "accuracy", math.nan)])
    after = store.get_run(run.id)
    assert after is not None
    assert (after.epochs_done, after.best_val_accuracy) == (2, 0.8)


def test_empty_batch_still_gets_a_seq(store: RunStore) -> None:
    run = new_run(store)
    assert store.append(run.id) == 2
    assert store.metrics_after(run.id, 0) == []


def test_concurrent_appends_lose_nothing(store: RunStore, engine: Engine) -> None:
    runs = [new_run(store, name=f"r{i}").id for i in range(4)]
    batches, rows = 60, 20  # per thread, spread over all four runs
    start = threading.Barrier(4)

    def writer(worker: int) -> list[tuple[int, int, str]]:
        start.wait()
        written = []
        for b in range(batches):
            run_id, name = runs[(worker + b) % 4], f"w{worker}"
            metrics = [MetricRow(b * rows + i, b, "train", name, float(i)) for i in range(rows)]
            seq = store.append(run_id, metrics=metrics, events=[("tick", {"w": worker})])
            written.append((run_id, seq, name))
        return written

    with ThreadPoolExecutor(4) as pool:
        written = [w for done in pool.map(writer, range(4)) for w in done]
    for run_id in runs:
        mine = {(seq, name) for r, seq, name in written if r == run_id}
        assert sorted(seq for seq, _ in mine) == list(range(2, 2 + batches))  # no seq twice
        assert count_rows(engine, run_id) == {
            "metrics": batches * rows,
            "run_events": batches + 1,
            "run_tags": 0,
        }
        assert {(m.seq, m.name) for m in store.metrics_after(run_id, 1)} == mine


def test_racing_status_changes_have_one_winner(store: RunStore) -> None:
    runs = [new_run(store).id for _ in range(20)]
    for run_id in runs:
        store.set_status(run_id, RunStatus.RUNNING)
    start = threading.Barrier(2)

    def finish(status: RunStatus) -> list[bool]:
        start.wait()
        won = []
        for run_id in runs:
            try:
                store.set_status(run_id, status)
                won.append(True)
            except IllegalTransition:
                won.append(False)
        return won

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(finish, [RunStatus.SUCCEEDED, RunStatus.CANCELLED])
    assert all(x != y for x, y in zip(a, b, strict=True))
    for run_id in runs:
        assert [e.payload["status"] for e in store.events_after(run_id, 0)][-1] in {
            "succeeded",
            "cancelled",
        }
        assert len(store.events_after(run_id, 0)) == 3


def test_two_writers_with_their_own_engines_never_share_a_seq(
    store: RunStore, engine: Engine
) -> None:
    # Two engines on one database, as two server processes would have: their own
    # connections, so only the database's locking keeps the seqs apart.
    run = new_run(store)
    url = engine.url.render_as_string(hide_password=False)
    batches = 50
    start = threading.Barrier(2)

    def writer(worker: int) -> list[int]:
        own = make_engine(url)
        writes = RunStore(own)
        try:
            start.wait()
            return [
                writes.append(run.id, metrics=series(f"w{worker}", [float(b)]), events=[("t", {})])
                for b in range(batches)
            ]
        finally:
            own.dispose()

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(writer, range(2))
    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(2, 2 + 2 * batches))
    assert a == sorted(a)
    assert b == sorted(b)
    stored = store.get_run(run.id)
    assert stored is not None
    assert stored.last_seq == 1 + 2 * batches
    assert {(m.seq, m.name) for m in store.metrics_after(run.id, 1)} == {
        *((seq, "w0") for seq in a),
        *((seq, "w1") for seq in b),
    }


def test_many_batches_of_many_runs_in_one_transaction(store: RunStore, engine: Engine) -> None:
    a, b = new_run(store), new_run(store)
    seqs = store.append_many(
        [
            Batch(a.id, series("loss", [1.0, 0.9])),
            Batch(b.id, series("loss", [2.0]), [("boundary", {"g": 1})]),
            Batch(a.id, series("loss", [0.8]), epochs_done=1),
        ]
    )
    assert seqs == [2, 2, 3]  # each run's own seqs, in order
    assert [m.seq for m in store.metrics_after(a.id, 1)] == [2, 2, 3]
    assert store.events_after(b.id, 1) == [EventRecord(2, "boundary", {"g": 1})]
    after = store.get_run(a.id)
    assert after is not None
    assert after.epochs_done == 1


def test_a_missing_run_stores_none_of_the_batches(store: RunStore, engine: Engine) -> None:
    run = new_run(store)
    with pytest.raises(RunNotFoundError):
        store.append_many([Batch(run.id, series("loss", [1.0])), Batch(run.id + 99)])
    assert count_rows(engine, run.id)["metrics"] == 0
    again = store.get_run(run.id)
    assert again is not None
    assert again.last_seq == 1
