"""Creating, reading, editing, finishing and deleting runs."""

from __future__ import annotations

import math
from datetime import UTC, timedelta

import pytest
from sqlalchemy import Engine

from playground.store import (
    RunNotFoundError,
    RunStatus,
    RunStore,
    make_engine,
    migrate,
    status_event,
)
from tests.store.builders import T0, count_rows, insert_runs, new_run, run_row, series, status_of

S = RunStatus


def test_create_and_get(store: RunStore) -> None:
    spec = {"data": {"dataset": "moons"}, "training": {"epochs": 3}}
    run = store.create_run(name=" first ", spec=spec, dataset="moons", seed=7, tags=["a", "b", "a"])
    assert (run.name, run.status, run.dataset, run.seed) == ("first", S.QUEUED, "moons", 7)
    assert (run.spec, run.tags, run.notes, run.last_seq, run.epochs_done) == (
        spec,
        ["a", "b"],
        "",
        1,
        0,
    )
    assert run.created_at.tzinfo is UTC
    assert run.started_at is run.finished_at is None
    assert store.get_run(run.id) == run
    assert store.get_run(run.id + 1) is None


def test_creation_records_a_status_event(store: RunStore) -> None:
    run = new_run(store)
    assert store.events_after(run.id, 0) == [status_event(run)]
    assert status_event(run).payload == {"status": "queued", "error": None}


def test_update_meta(store: RunStore) -> None:
    run = new_run(store, tags=["old"])
    changed = store.update_meta(run.id, name="renamed", tags=[" x ", "y", "x"], notes="lr too high")
    assert (changed.name, changed.tags, changed.notes) == ("renamed", ["x", "y"], "lr too high")
    assert store.get_run(run.id) == changed
    assert store.update_meta(run.id) == changed  # nothing to change
    assert store.list_runs(tag="old").items == []
    assert [r.id for r in store.list_runs(tag="x").items] == [run.id]


@pytest.mark.parametrize("tags", [[""], ["  "], ["t" * 65]])
def test_bad_tags(store: RunStore, tags: list[str]) -> None:
    with pytest.raises(ValueError, match="tag"):
        new_run(store, tags=tags)


def test_tags_must_be_a_list(store: RunStore) -> None:
    with pytest.raises(TypeError, match="list"):
        new_run(store, tags="abc")


def test_bad_names(store: RunStore) -> None:
    with pytest.raises(ValueError, match="name"):
        new_run(store, name=" ")
    run = new_run(store)
    with pytest.raises(ValueError, match="name"):
        store.update_meta(run.id, name="n" * 201)


def test_nul_characters(store: RunStore) -> None:
    # PostgreSQL cannot store a NUL in text: the same refusal on both backends, and an
    # error message (say, quoting a broken CSV line) is stored with a stand-in instead.
    with pytest.raises(ValueError, match="NUL"):
        new_run(store, name="a\x00b")
    with pytest.raises(ValueError, match="NUL"):
        new_run(store, tags=["ok", "a\x00"])
    run = new_run(store, spec={"data": {"file": "a\x00.csv"}})  # JSON escapes it: fine
    with pytest.raises(ValueError, match="NUL"):
        store.update_meta(run.id, notes="x\x00")
    failed = store.set_status(run.id, S.FAILED, error="could not convert '\x00\x01' to float")
    assert failed.error == "could not convert '\ufffd\x01' to float"
    assert store.get_run(run.id) == failed
    assert failed.spec == {"data": {"file": "a\x00.csv"}}


def test_unknown_run_raises_on_writes(store: RunStore) -> None:
    with pytest.raises(RunNotFoundError, match="run 99"):
        store.update_meta(99, notes="x")
    with pytest.raises(RunNotFoundError):
        store.set_status(99, S.RUNNING)
    with pytest.raises(RunNotFoundError):
        store.append(99, metrics=series("loss", [1.0]))


def test_lifecycle_fields(store: RunStore) -> None:
    run = new_run(store)
    started = store.set_status(
        run.id, S.RUNNING, device="cpu", summary={"layers": []}, versions={"torch": "2"}
    )
    assert (started.device, started.summary, started.versions) == (
        "cpu",
        {"layers": []},
        {"torch": "2"},
    )
    assert started.started_at is not None
    assert started.finished_at is None
    result = {
        "status": "succeeded",
        "test": {"loss": 0.2, "accuracy": 0.93},
        "confusion": [[5, 0], [1, 4]],
    }
    done = store.set_status(run.id, S.SUCCEEDED, result=result)
    assert (done.result, done.test_accuracy, done.device) == (result, 0.93, "cpu")
    assert done.finished_at is not None
    assert done.finished_at >= started.started_at
    assert [e.payload["status"] for e in store.events_after(run.id, 0)] == [
        "queued",
        "running",
        "succeeded",
    ]


def test_failure_keeps_its_message(store: RunStore) -> None:
    run = new_run(store)
    failed = store.set_status(run.id, S.FAILED, error="CUDA out of memory")
    assert (failed.error, failed.started_at) == ("CUDA out of memory", None)
    assert failed.finished_at is not None
    assert store.events_after(run.id, 1)[0].payload == {
        "status": "failed",
        "error": "CUDA out of memory",
    }


def test_regression_result_has_no_test_accuracy(store: RunStore) -> None:
    run = new_run(store)
    store.set_status(run.id, S.RUNNING)
    done = store.set_status(run.id, S.SUCCEEDED, result={"test": {"mse": 0.1}})
    assert done.test_accuracy is None


def test_delete_cascades(store: RunStore, engine: Engine) -> None:
    keep, gone = new_run(store, tags=["t"]), new_run(store, tags=["t", "u"])
    for run in (keep, gone):
        store.append(
            run.id, metrics=series("loss", [3.0, 2.0, 1.0]), events=[("boundary", {"v": [0.5]})]
        )
    assert count_rows(engine, gone.id) == {"metrics": 3, "run_events": 2, "run_tags": 2}
    assert store.delete_run(gone.id) is True
    assert store.get_run(gone.id) is None
    assert count_rows(engine, gone.id) == {"metrics": 0, "run_events": 0, "run_tags": 0}
    assert count_rows(engine, keep.id) == {"metrics": 3, "run_events": 2, "run_tags": 1}
    assert store.delete_run(gone.id) is False


def test_ids_are_not_reused(store: RunStore) -> None:
    first = new_run(store)
    store.delete_run(first.id)
    assert new_run(store).id == first.id + 1


def test_fail_interrupted(store: RunStore) -> None:
    queued, running, done = new_run(store), new_run(store), new_run(store)
    for run in (running, done):
        store.set_status(run.id, S.RUNNING)
    store.set_status(done.id, S.SUCCEEDED)
    assert store.fail_interrupted("the server restarted") == [running.id]
    failed = store.get_run(running.id)
    assert failed is not None
    assert (failed.status, failed.error) == (S.FAILED, "the server restarted")
    assert failed.finished_at is not None
    assert store.events_after(running.id, 2)[0].payload == {
        "status": "failed",
        "error": "the server restarted",
    }
    assert [status_of(store, r.id) for r in (queued, done)] == [S.QUEUED, S.SUCCEEDED]
    assert store.fail_interrupted("again") == []


def test_queued_ids_are_fifo(store: RunStore, engine: Engine) -> None:
    # Ids and creation times disagree on purpose: creation time decides.
    ids = insert_runs(
        engine,
        [run_row(i, status="queued", created_at=T0 + timedelta(seconds=10 - i)) for i in range(5)],
    )
    store.set_status(ids[2], S.RUNNING)
    assert store.queued_ids() == [ids[4], ids[3], ids[1], ids[0]]


def test_runs_with_status(store: RunStore) -> None:
    a, b, c = new_run(store), new_run(store), new_run(store)
    store.set_status(b.id, S.RUNNING)
    store.set_status(c.id, S.CANCELLED)
    assert store.runs_with_status(S.QUEUED, "running") == [a.id, b.id]
    assert store.runs_with_status() == []


def test_restart_recovery_on_a_new_engine(store: RunStore, engine: Engine) -> None:
    # What a restarted server sees: the same database through a new engine, migrated again.
    queued = [new_run(store, name=f"q{i}") for i in range(3)]
    running = [new_run(store, name=f"r{i}") for i in range(2)]
    for run in (*running, queued[1]):
        store.set_status(run.id, S.RUNNING)
    store.set_status(queued[1].id, S.SUCCEEDED)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()

    after = make_engine(url)
    try:
        migrate(after)
        restarted = RunStore(after)
        assert restarted.fail_interrupted("the server restarted") == [r.id for r in running]
        assert restarted.queued_ids() == [queued[0].id, queued[2].id]
        assert restarted.runs_with_status(S.RUNNING) == []
        assert [status_of(restarted, r.id) for r in running] == [S.FAILED, S.FAILED]
    finally:
        after.dispose()


def test_non_finite_numbers_in_json_are_stored_as_null(store: RunStore) -> None:
    # PostgreSQL's json type rejects Python's NaN and Infinity tokens; SQLite took them.
    run = new_run(store)
    store.set_status(run.id, S.RUNNING, summary={"flops": math.inf, "layers": [1.5, math.nan]})
    seq = store.append(run.id, events=[("boundary", {"lo": math.nan, "hi": -math.inf})])
    done = store.set_status(run.id, S.SUCCEEDED, result={"test": {"loss": math.inf}})
    assert done.summary == {"flops": None, "layers": [1.5, None]}
    assert done.result == {"test": {"loss": None}}
    assert store.get_run(run.id) == done
    assert store.events_after(run.id, seq - 1)[0].payload == {"lo": None, "hi": None}


def test_seeds_up_to_32_bits(store: RunStore) -> None:
    # ml.spec allows seeds up to 2**32 - 1: past PostgreSQL's INTEGER.
    run = new_run(store, seed=2**32 - 1)
    assert run.seed == 2**32 - 1
    stored = store.get_run(run.id)
    assert stored is not None
    assert stored.seed == 2**32 - 1
