"""The hard wall-time limit: the parent kills a run that stays busy past its limit.

The training loop checks its limit only between steps (a long step, or epoch 0's
evaluation before the first one, runs on past it); the dispatcher keeps its own
deadline (the limit + TIME_LIMIT_ALLOWANCE, paused time left out) and kills the worker
when it passes. The first tests drive a worker's clock without a process; the rest use one
real worker with a 2 s limit, in file order.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

from playground.executors.control import Hold, RunControl
from playground.executors.events import Finished, Paused, Progress
from playground.executors.lifecycle import WorkerState
from playground.executors.local import LocalExecutor
from playground.executors.slots import TIME_LIMIT_ALLOWANCE, Worker
from playground.ml.limits import Limits
from tests.workers.harness import STUCK_IN_EPOCH_0, TIMEOUT, EventLog, spec_json

S = WorkerState
LIMIT = 2.0  # seconds of training the real worker's runs get
LOOP_MESSAGE = f"the run exceeded its time limit of {LIMIT:g} s"  # the loop's clean stop
KILL_MESSAGE = f"{LOOP_MESSAGE}; its worker was stopped"

MANY_STEPS = {"epochs": 2000, "batch_size": 4}  # short steps: the loop's check stops it


# ---- a worker's clock, without a process -----------------------------------------------
class _Process:
    def __init__(self) -> None:
        self.killed = False

    def kill(self) -> None:
        self.killed = True


@pytest.fixture
def worker() -> Iterator[Worker]:
    """A booted worker with a 10 s allowance and 100 s pauses, on a pipe nobody reads."""
    parent, child = multiprocessing.Pipe()
    w = Worker(
        0, "cpu", cast(Any, _Process()), 1, parent, RunControl.local(), 0.0,
        time_allowed=10.0, max_pause=100.0,
    )  # fmt: skip
    w.booted()
    yield w
    parent.close()
    child.close()


def test_the_clock_starts_at_the_job_again_at_started_and_stops_while_held(
    worker: Worker,
) -> None:
    w = worker
    before = time.perf_counter()
    assert w.assign([(7, "{}")])
    due = w.time_due()
    assert due is not None
    assert before + 10.0 <= due <= time.perf_counter() + 10.0
    w.started(7, now=1000.0)  # the loop's clock starts with training
    assert w.time_due() == 1010.0
    w.held(7, True, now=1004.0)
    assert w.time_due() == 1010.0 + 100.0 + TIME_LIMIT_ALLOWANCE  # stopped, within reason
    assert not w.kill_if_overdue(1050.0)
    w.held(7, False, now=1064.0)  # held 60 s: the deadline moves 60 s
    assert w.time_due() == 1070.0
    w.held(8, True, now=1065.0)  # another run's report changes nothing
    assert w.time_due() == 1070.0
    assert not w.kill_if_overdue(1069.9)
    assert w.kill_if_overdue(1070.0)
    assert (w.state, w.process.killed, w.run_ids, w.time_due()) == (S.TIMED_OUT, True, [7], None)
    assert w.info()["state"] == "busy"
    w.finished(7)  # sent just before the kill: it wins, and reaping reports nothing more
    assert (w.state, w.run_ids) == (S.TIMED_OUT, [])


def test_a_group_gets_the_time_of_one_run_from_each_trial_s_start(worker: Worker) -> None:
    """A batched group starts every trial at once: one run's time for all of them. The
    sequential fallback starts each trial as the one before ends, and each trial's loop
    keeps its own limit, so the deadline follows the latest start."""
    w = worker
    w.assign([(1, "a"), (2, "b"), (3, "c")])
    for run in (1, 2, 3):
        w.started(run, now=1000.0)
    assert w.time_due() == 1010.0
    w.finished(1)
    w.started(2, now=1008.0)
    assert w.time_due() == 1018.0
    assert w.kill_if_overdue(1018.0)
    assert (w.state, w.run_ids) == (S.TIMED_OUT, [2, 3])  # each gets its failure at reaping


def test_a_finished_run_disarms_the_clock(worker: Worker) -> None:
    w = worker
    w.assign([(3, "{}")])
    w.finished(3)
    assert (w.state, w.time_due(), w.next_due()) == (S.IDLE, None, None)
    assert not w.kill_if_overdue(time.perf_counter() + 3600)


@pytest.mark.parametrize(
    ("cancel_at", "ends"),
    [(1005.0, S.KILLED), (1020.0, S.TIMED_OUT)],  # the time limit passes at 1010
)
def test_a_cancelling_worker_is_killed_by_its_first_deadline(
    worker: Worker, cancel_at: float, ends: WorkerState
) -> None:
    w = worker
    w.assign([(5, "{}")])
    w.started(5, now=1000.0)
    w.cancel(5, deadline=cancel_at)
    assert w.next_due() == min(cancel_at, 1010.0)
    assert w.kill_if_overdue(1030.0)
    assert w.state is ends


# ---- one real worker with a 2 s limit ----------------------------------------------------
@pytest.fixture(scope="module")
def single() -> Iterator[tuple[LocalExecutor, EventLog]]:
    """One warm worker on one thread whose runs may train 2 s."""
    log = EventLog()
    limits = Limits(max_seconds=LIMIT)
    with LocalExecutor(log, workers=1, threads=1, limits=limits) as executor:
        assert executor.wait_ready(TIMEOUT)
        yield executor, log


def _pid(executor: LocalExecutor) -> int | None:
    return executor.status()["pool"][0]["pid"]


def _check_killed(log: EventLog, run: int, started: float) -> None:
    """The run ended failed by the parent's deadline: the limit + the allowance, < 10 s."""
    ended_at, finished = log.wait_end(run)
    assert isinstance(finished, Finished), finished
    assert (finished.result.status, finished.result.error) == ("failed", KILL_MESSAGE)
    assert log.of(run)[-1] is finished  # exactly one terminal event, nothing after it
    took = ended_at - started
    assert LIMIT + TIME_LIMIT_ALLOWANCE - 0.5 < took < LIMIT + 10.0, took


def test_a_run_busy_past_the_limit_is_killed_and_the_next_run_starts(
    single: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = single
    first_pid = _pid(executor)
    executor.submit(1, json.dumps(STUCK_IN_EPOCH_0))
    executor.submit(2, spec_json())
    log.wait_started(1)
    started = time.perf_counter()

    _check_killed(log, 1, started)

    result = log.finished(2).result  # on the replacement
    assert result.status == "succeeded", result.error
    assert _pid(executor) not in (None, first_pid)


def test_a_pause_asked_while_the_run_is_busy_does_not_stop_the_clock(
    single: tuple[LocalExecutor, EventLog],
) -> None:
    """The run never reaches a point where it holds, so its time goes on counting."""
    executor, log = single
    assert executor.wait_ready(TIMEOUT)
    first_pid = _pid(executor)
    executor.submit(3, json.dumps(STUCK_IN_EPOCH_0))
    log.wait_started(3)
    started = time.perf_counter()
    time.sleep(0.5)  # well inside epoch 0's evaluation, seconds before the kill
    assert executor.hold(3, Hold.PAUSE)

    _check_killed(log, 3, started)
    assert not any(isinstance(e, Paused) for e in log.of(3))
    assert executor.wait_ready(TIMEOUT)
    assert _pid(executor) not in (None, first_pid)


def test_time_spent_paused_does_not_count(single: tuple[LocalExecutor, EventLog]) -> None:
    executor, log = single
    assert executor.wait_ready(TIMEOUT)
    pid = _pid(executor)
    executor.submit(4, spec_json(training=MANY_STEPS))
    log.wait_for(lambda: any(isinstance(e, Progress) for e in log.of(4)))
    assert executor.hold(4, Hold.PAUSE)
    log.wait_for(lambda: any(isinstance(e, Paused) and e.paused for e in log.of(4)))

    time.sleep(LIMIT + TIME_LIMIT_ALLOWANCE + 1.0)  # past the deadline, had it run on
    assert not any(isinstance(e, Finished) for e in log.of(4))
    assert _pid(executor) == pid
    resumed = time.perf_counter()
    assert executor.hold(4, Hold.RUN)

    ended_at, finished = log.wait_end(4)  # the loop's own clean stop, in the same worker
    assert isinstance(finished, Finished), finished
    assert (finished.result.status, finished.result.error) == ("failed", LOOP_MESSAGE)
    assert ended_at - resumed < LIMIT + 2.0
    assert _pid(executor) == pid
