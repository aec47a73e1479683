"""The worker lifecycle: its transition table, and a worker's moves without a process."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from itertools import pairwise
from typing import Any, cast

import pytest

from playground.executors.control import RunControl
from playground.executors.lifecycle import (
    ENDED,
    RUNNING,
    SHOWN,
    TRANSITIONS,
    IllegalWorkerTransition,
    WorkerState,
    check_transition,
)
from playground.executors.slots import Worker

S = WorkerState


def test_every_state_has_a_row_and_only_reaped_and_broken_are_final() -> None:
    assert TRANSITIONS.keys() == set(WorkerState)
    assert {S.REAPED, S.BROKEN} == ENDED


def test_every_live_state_can_end_and_only_a_booting_worker_can_break() -> None:
    for state in set(WorkerState) - ENDED:
        check_transition(state, S.REAPED)  # a process can die at any moment
    assert {old for old, exits in TRANSITIONS.items() if S.BROKEN in exits} == {S.STARTING}


def test_every_state_is_reachable_from_starting() -> None:
    seen, todo = {S.STARTING}, [S.STARTING]
    while todo:
        for new in TRANSITIONS[todo.pop()] - seen:
            seen.add(new)
            todo.append(new)
    assert seen == set(WorkerState)


@pytest.mark.parametrize(
    "path",
    [
        [S.STARTING, S.IDLE, S.BUSY, S.IDLE, S.EXITING, S.REAPED],  # a run, then stop()
        [S.STARTING, S.IDLE, S.BUSY, S.CANCELLING, S.IDLE],  # a cancel that took effect
        [S.STARTING, S.IDLE, S.BUSY, S.CANCELLING, S.KILLED, S.REAPED],  # one ignored
        [S.STARTING, S.IDLE, S.BUSY, S.REAPED],  # SIGKILLed mid-run
        [S.STARTING, S.BROKEN],  # died while booting, once too often
    ],
)
def test_legal_paths(path: list[WorkerState]) -> None:
    for old, new in pairwise(path):
        check_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.STARTING, S.BUSY),  # a job before Ready
        (S.IDLE, S.KILLED),  # only a cancelled run is killed
        (S.BUSY, S.EXITING),  # told to exit only when idle
        (S.KILLED, S.IDLE),  # a killed worker never takes another job
        (S.EXITING, S.IDLE),
        (S.REAPED, S.STARTING),  # a slot goes on with a new worker, not a revived one
        (S.IDLE, S.BROKEN),  # a worker that booted once never breaks its slot
        (S.BROKEN, S.REAPED),
    ],
)
def test_illegal_moves_raise(old: WorkerState, new: WorkerState) -> None:
    with pytest.raises(IllegalWorkerTransition, match=f"from '{old.value}' to '{new.value}'"):
        check_transition(old, new)


def test_status_shows_only_the_four_public_states() -> None:
    assert set(SHOWN) == set(WorkerState)
    assert set(SHOWN.values()) == {"starting", "idle", "busy", "broken"}
    assert {s for s in WorkerState if SHOWN[s] == "busy"} == RUNNING


class _Process:
    """Stands in for a SpawnProcess: records signals."""

    def __init__(self) -> None:
        self.sentinel = -1
        self.killed = False

    def kill(self) -> None:
        self.killed = True


@pytest.fixture
def worker() -> Iterator[tuple[Worker, Any]]:
    """A worker on a real pipe with no process behind it; yields it and the child's end."""
    parent, child = multiprocessing.Pipe()
    w = Worker(0, "cpu", cast(Any, _Process()), 1, parent, RunControl.local(), 0.0)
    yield w, child
    parent.close()
    child.close()


def test_a_worker_boots_runs_and_is_cancelled_then_killed(worker: tuple[Worker, Any]) -> None:
    w, child = worker
    w.booted()
    assert (w.state, w.boot_seconds is not None) == (S.IDLE, True)
    assert w.assign([(7, "{}")])
    assert (w.state, w.run_ids, child.recv()) == (S.BUSY, [7], (7, "{}"))

    w.cancel(7, deadline=time.perf_counter() + 60)
    assert (w.state, w.control.cancelled(0)) == (S.CANCELLING, True)
    w.kill_if_overdue(time.perf_counter())
    assert w.state is S.CANCELLING  # not yet due
    w.kill_if_overdue(time.perf_counter() + 120)
    assert (w.state, w.process.killed, w.cancel_deadline) == (S.KILLED, True, None)
    assert w.info()["state"] == "busy"

    w.finished(7)  # sent just before the kill: reported, so reaping reports nothing more
    assert (w.state, w.run_ids) == (S.KILLED, [])
    with pytest.raises(IllegalWorkerTransition):
        w.move(S.IDLE)


def test_a_finished_run_makes_the_worker_idle_and_clears_the_cancel(
    worker: tuple[Worker, Any],
) -> None:
    w, _ = worker
    w.booted()
    w.assign([(3, "{}")])
    w.cancel(3, deadline=None)  # as stop() does: flagged, no kill deadline
    assert (w.state, w.cancel_deadline) == (S.CANCELLING, None)
    w.cancel(3, deadline=5.0)  # a later cancel() arms it
    assert w.cancel_deadline == 5.0
    w.finished(99)  # another run's Finished changes nothing
    assert w.state is S.CANCELLING
    w.finished(3)
    assert (w.state, w.run_ids, w.cancel_deadline) == (S.IDLE, [], None)
    assert w.assign([(4, "{}")])
    assert not w.control.cancelled(0)  # reset for the next run


def test_a_job_sent_down_a_closed_pipe_leaves_the_worker_idle(worker: tuple[Worker, Any]) -> None:
    w, _ = worker
    w.booted()
    w.conn.close()
    assert not w.takes_jobs
    assert not w.assign([(1, "{}")])
    assert (w.state, w.run_ids) == (S.IDLE, [])


def test_a_group_worker_cancels_trials_one_by_one_and_idles_when_all_have_finished(
    worker: tuple[Worker, Any],
) -> None:
    w, child = worker
    w.booted()
    assert w.assign([(1, "a"), (2, "b"), (3, "c")])
    assert child.recv() == [(1, "a"), (2, "b"), (3, "c")]  # one job: the group
    assert (w.state, w.run_ids, w.grouped) == (S.BUSY, [1, 2, 3], True)
    assert (w.info()["run_id"], w.info()["run_ids"]) == (1, [1, 2, 3])

    w.cancel(2, deadline=10.0)  # one trial: only its flag, and no kill (it would take all)
    assert [w.control.cancelled(i) for i in range(3)] == [False, True, False]
    assert (w.state, w.next_due()) == (S.BUSY, None)
    w.finished(1)
    w.cancel(3, deadline=20.0)  # every unfinished trial cancelled: the kill is armed
    assert (w.state, w.run_ids, w.cancel_deadline) == (S.CANCELLING, [2, 3], 20.0)
    w.finished(2)
    assert (w.state, w.run_ids) == (S.CANCELLING, [3])
    w.finished(3)
    assert (w.state, w.run_ids, w.grouped, w.info()["run_id"]) == (S.IDLE, [], False, None)


def test_a_group_whose_last_trials_left_are_cancelled_becomes_cancelling(
    worker: tuple[Worker, Any],
) -> None:
    w, _ = worker
    w.booted()
    w.assign([(1, "a"), (2, "b")])
    w.cancel(2, deadline=10.0)
    assert w.state is S.BUSY
    w.finished(1)  # only the cancelled trial is left: it may now be killed if it ignores it
    assert (w.state, w.cancel_deadline) == (S.CANCELLING, 10.0)
    w.kill_if_overdue(11.0)
    assert (w.state, w.run_ids, w.process.killed) == (S.KILLED, [2], True)
