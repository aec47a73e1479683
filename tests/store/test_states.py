"""The run-state machine: every legal move, every illegal one, and the DB's own check."""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from playground.store import (
    ACTIVE,
    TERMINAL,
    IllegalTransition,
    RunNotFoundError,
    RunStatus,
    RunStore,
    check_transition,
)
from playground.store.records import StatusChange
from tests.store.builders import new_run, status_of

S = RunStatus
# Written out from the design, not derived from states.TRANSITIONS: an independent oracle.
LEGAL = {
    (S.QUEUED, S.RUNNING), (S.QUEUED, S.CANCELLED), (S.QUEUED, S.FAILED),
    (S.RUNNING, S.SUCCEEDED), (S.RUNNING, S.FAILED), (S.RUNNING, S.CANCELLED),
    (S.RUNNING, S.DIVERGED),
}  # fmt: skip
# A legal way to reach each state from 'queued'.
PATH = {
    S.QUEUED: [], S.RUNNING: [S.RUNNING], S.SUCCEEDED: [S.RUNNING, S.SUCCEEDED],
    S.FAILED: [S.FAILED], S.CANCELLED: [S.CANCELLED], S.DIVERGED: [S.RUNNING, S.DIVERGED],
}  # fmt: skip
PAIRS = list(product(RunStatus, RunStatus))


def test_sets() -> None:
    assert {S.SUCCEEDED, S.FAILED, S.CANCELLED, S.DIVERGED} == TERMINAL
    assert {S.QUEUED, S.RUNNING} == ACTIVE


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_check_transition(old: RunStatus, new: RunStatus) -> None:
    if (old, new) in LEGAL:
        check_transition(old, new)
    else:
        with pytest.raises(IllegalTransition, match=f"'{old.value}' to '{new.value}'"):
            check_transition(old, new)


def test_illegal_move_raises_and_leaves_the_whole_row_as_it_was(store: RunStore) -> None:
    run = new_run(store)
    store.set_status(run.id, S.RUNNING, device="cpu", versions={"torch": "2"})
    store.set_status(run.id, S.SUCCEEDED, result={"test": {"accuracy": 0.9}})
    before = store.get_run(run.id)
    assert before is not None
    with pytest.raises(IllegalTransition, match="'succeeded' to 'running'"):
        store.set_status(
            run.id, S.RUNNING, error="late", device="cuda:0", summary={"params": 1},
            result={"test": {"accuracy": 0.1}}, versions={"torch": "3"},
        )  # fmt: skip
    # Not one field written (status, timestamps, result, test_accuracy), no event added.
    assert store.get_run(run.id) == before


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_store_follows_the_machine(store: RunStore, old: RunStatus, new: RunStatus) -> None:
    run = new_run(store)
    for step in PATH[old]:
        store.set_status(run.id, step)
    if (old, new) in LEGAL:
        assert store.set_status(run.id, new).status is new
    else:
        with pytest.raises(IllegalTransition):
            store.set_status(run.id, new)
        assert status_of(store, run.id) is old


def test_unknown_status_is_rejected(store: RunStore) -> None:
    run = new_run(store)
    with pytest.raises(ValueError, match="bogus"):
        store.set_status(run.id, "bogus")


def test_check_constraint_rejects_raw_sql(store: RunStore, engine: Engine) -> None:
    run = new_run(store)
    # SQLite says "CHECK constraint failed", PostgreSQL "violates check constraint".
    with pytest.raises(IntegrityError, match=r"(?i)check constraint"), engine.begin() as conn:
        conn.execute(text("UPDATE runs SET status = 'bogus' WHERE id = :id"), {"id": run.id})
    with engine.begin() as conn:  # every real status passes the same check
        for status in RunStatus:
            conn.execute(
                text("UPDATE runs SET status = :s WHERE id = :id"),
                {"s": status.value, "id": run.id},
            )


def test_set_statuses_moves_many_in_one_transaction_with_their_events(store: RunStore) -> None:
    started, finished, refused = (new_run(store, n) for n in ("a", "b", "c"))
    store.set_status(finished.id, S.RUNNING)
    store.set_status(refused.id, S.CANCELLED)
    before = {r.id: store.get_run(r.id).last_seq for r in (started, finished, refused)}  # type: ignore[union-attr]

    outcomes = store.set_statuses([
        StatusChange(started.id, S.RUNNING, {"device": "cpu"}, after=[("start", {"k": 1})]),
        StatusChange(finished.id, S.SUCCEEDED, {"result": {"test": {"accuracy": 0.9}}},
                     before=[("result", {"test": {"accuracy": 0.9}})]),
        StatusChange(refused.id, S.SUCCEEDED, {}, before=[("result", {"late": True})]),
    ])  # fmt: skip

    first, second, third = outcomes
    assert not isinstance(first, IllegalTransition)
    assert not isinstance(second, IllegalTransition)
    assert (first[0].status, first[0].device) == (S.RUNNING, "cpu")
    assert (second[0].status, second[0].test_accuracy) == (S.SUCCEEDED, 0.9)
    assert isinstance(third, IllegalTransition)  # cancelled stays cancelled
    assert status_of(store, refused.id) == S.CANCELLED
    # In order: the status event, then the start report; the result, then the final status.
    types = {
        r.id: [e.type for e in store.events_after(r.id, before[r.id])]
        for r in (started, finished, refused)
    }
    assert types == {started.id: ["status", "start"], finished.id: ["result", "status"],
                     refused.id: ["result"]}  # fmt: skip
    assert first[1] == [before[started.id] + 2]  # the start report's seq, after the status
    assert second[1] == [before[finished.id] + 1]  # the result's seq, before the status


def test_set_statuses_stores_nothing_when_a_run_is_missing(store: RunStore) -> None:
    run = new_run(store)
    with pytest.raises(RunNotFoundError):
        store.set_statuses([
            StatusChange(run.id, S.RUNNING, {}, after=[("start", {})]),
            StatusChange(run.id + 99, S.RUNNING, {}),
        ])  # fmt: skip
    assert status_of(store, run.id) == S.QUEUED
    assert [e.type for e in store.events_after(run.id, 0)] == ["status"]
