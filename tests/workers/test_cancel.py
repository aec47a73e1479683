"""Cancelling running and queued runs."""

from __future__ import annotations

import time

from playground.executors.events import Finished, Progress
from tests.workers.harness import Pool, spec_json

LONG = {"epochs": 10_000}  # minutes of training unless cancelled


def test_cancel_stops_a_running_run_within_a_second(pool: Pool) -> None:
    run = pool.new_id()
    pool.executor.submit(run, spec_json(training=LONG))
    pool.log.wait_for(lambda: any(isinstance(e, Progress) for e in pool.log.of(run)))

    asked = time.perf_counter()
    assert pool.executor.cancel(run)
    ended_at, finished = pool.log.wait_end(run)

    assert isinstance(finished, Finished)
    assert finished.result.status == "cancelled"
    assert ended_at - asked < 1.0


def test_cancel_a_queued_run_drops_it_and_shifts_the_queue(pool: Pool) -> None:
    busy = [pool.new_id(), pool.new_id()]
    for run in busy:
        pool.executor.submit(run, spec_json(training=LONG))
    for run in busy:
        pool.log.wait_started(run)
    queued = [pool.new_id(), pool.new_id(), pool.new_id()]
    for run in queued:
        pool.executor.submit(run, spec_json())
    assert [pool.executor.queue_position(r) for r in queued] == [0, 1, 2]

    assert pool.executor.cancel(queued[1])
    assert pool.log.finished(queued[1]).result.status == "cancelled"
    assert [pool.executor.queue_position(r) for r in queued] == [0, None, 1]
    assert pool.executor.queue_position(busy[0]) is None
    assert not pool.executor.cancel(10**9)  # unknown run

    for run in [queued[0], queued[2], *busy]:
        assert pool.executor.cancel(run)
        assert pool.log.finished(run).result.status == "cancelled"
