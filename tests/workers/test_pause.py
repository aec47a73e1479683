"""Pause, step and resume a run on a real worker: it holds between steps and keeps its state."""

from __future__ import annotations

import time

from playground.executors.control import Hold
from playground.executors.events import Paused, Progress
from tests.workers.harness import Pool, spec_json

LONG = {"epochs": 2000, "batch_size": 4}  # minutes of training; always cancelled


def epochs_seen(pool: Pool, run_id: int) -> list[int]:
    return [r.epoch for e in pool.log.of(run_id) if isinstance(e, Progress) for r in e.epochs]


def holds(pool: Pool, run_id: int) -> list[bool]:
    return [e.paused for e in pool.log.of(run_id) if isinstance(e, Paused)]


def test_pause_holds_step_trains_one_epoch_and_resume_goes_on(pool: Pool) -> None:
    run = pool.new_id()
    pool.executor.submit(run, spec_json(training=LONG))
    pool.log.wait_for(lambda: len(epochs_seen(pool, run)) >= 2)

    assert pool.executor.hold(run, Hold.PAUSE)
    pool.log.wait_for(lambda: holds(pool, run) == [True])
    paused_at = next(e.epoch for e in pool.log.of(run) if isinstance(e, Paused))
    seen = len(epochs_seen(pool, run))
    time.sleep(1.0)
    assert len(epochs_seen(pool, run)) == seen  # nothing trains while paused
    assert pool.executor.status()["busy"] >= 1  # the worker keeps its slot

    assert pool.executor.hold(run, Hold.STEP)
    pool.log.wait_for(lambda: holds(pool, run) == [True, False, True])
    stepped = [e.epoch for e in pool.log.of(run) if isinstance(e, Paused)]
    assert stepped[-1] == paused_at + 1  # exactly one more epoch
    assert max(epochs_seen(pool, run)) == paused_at + 1

    assert pool.executor.hold(run, Hold.RUN)
    pool.log.wait_for(lambda: max(epochs_seen(pool, run)) >= paused_at + 3)
    assert pool.executor.cancel(run)
    assert pool.log.finished(run).result.status == "cancelled"


def test_a_paused_run_cancels_at_once_and_unknown_runs_cannot_hold(pool: Pool) -> None:
    run = pool.new_id()
    pool.executor.submit(run, spec_json(training=LONG))
    pool.log.wait_for(lambda: len(epochs_seen(pool, run)) >= 1)
    pool.executor.hold(run, Hold.PAUSE)
    pool.log.wait_for(lambda: holds(pool, run) == [True])
    asked = time.perf_counter()
    pool.executor.cancel(run)
    ended_at, _ = pool.log.wait_end(run)
    assert ended_at - asked < 1.0
    assert pool.log.finished(run).result.status == "cancelled"
    assert not pool.executor.hold(10**9, Hold.PAUSE)
