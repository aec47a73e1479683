"""The queue serves owners in turn: one user's many queued runs do not starve another's."""

from __future__ import annotations

import itertools

from playground.executors.events import Started
from playground.executors.local import LocalExecutor
from tests.workers.harness import TIMEOUT, EventLog, Pool, spec_json

LONG = {"epochs": 2000, "batch_size": 4}  # minutes: always cancelled


def test_a_later_owner_starts_before_the_first_owners_backlog(pool: Pool) -> None:
    # Two workers: A's first runs take them; A's others wait. B queues one run after all
    # of A's: it must be the next to start, not the seventh.
    a_runs = [pool.new_id() for _ in range(6)]
    b_run = pool.new_id()
    for run in a_runs:
        pool.executor.submit(run, spec_json(training={"seed": run}), owner=1)
    pool.executor.submit(b_run, spec_json(), owner=2)
    for run in [*a_runs, b_run]:
        pool.log.wait_end(run)

    started = {run: pool.log.arrived(run, Started) for run in [*a_runs, b_run]}
    # B is dispatched at most third (after the runs that took the free workers; the first
    # may start before the second is queued), so it starts before A's fourth run. (Two
    # runs dispatched one after the other may report their starts in either order.)
    assert started[b_run] < started[a_runs[3]], started
    for earlier, later in zip(a_runs, a_runs[2:], strict=False):  # A's own runs in order
        assert started[earlier] < started[later]


def test_no_owner_is_one_first_in_first_out_lane(pool: Pool) -> None:
    runs = [pool.new_id() for _ in range(5)]
    for run in runs:
        pool.executor.submit(run, spec_json(training={"seed": run}))
    for run in runs:
        pool.log.wait_end(run)
    started = {run: pool.log.arrived(run, Started) for run in runs}
    for earlier, later in zip(runs, runs[2:], strict=False):  # two workers: pairs may swap
        assert started[earlier] < started[later]


def test_an_owner_at_the_running_limit_waits_while_others_start() -> None:
    log = EventLog()
    executor = LocalExecutor(log, workers=2, warm_up=False, max_running_per_owner=1)
    executor.start()
    try:
        assert executor.wait_ready(TIMEOUT)
        a_runs = [9001, 9002, 9003]
        # Long enough that B's run, sent to the second (cold: no warm-up) worker at once,
        # reports its start before A's first run can end, even on a loaded machine.
        for run in a_runs:
            executor.submit(run, spec_json(training={"epochs": 200, "seed": run}), owner=1)
        executor.submit(9004, spec_json(), owner=2)
        ends = {run: log.wait_end(run)[0] for run in [*a_runs, 9004]}
        starts = {run: log.arrived(run, Started) for run in [*a_runs, 9004]}
    finally:
        executor.stop()
    # B's run took the second worker; A's ran one at a time, each after the one before.
    assert starts[9004] < starts[9002]
    for before, after in itertools.pairwise(a_runs):
        assert ends[before] <= starts[after]


def test_a_queued_run_is_told_its_turn_not_its_index(pool: Pool) -> None:
    # A's two runs hold both workers; A queues two more, then B one: B is next in turn.
    busy = [pool.new_id() for _ in range(2)]
    for run in busy:
        pool.executor.submit(run, spec_json(training={**LONG, "seed": run}), owner=1)
    for run in busy:
        pool.log.wait_started(run)
    a3, a4, b = pool.new_id(), pool.new_id(), pool.new_id()
    for run in (a3, a4):
        pool.executor.submit(run, spec_json(training={"seed": run}), owner=1)
    pool.executor.submit(b, spec_json(), owner=2)
    assert [pool.executor.queue_position(r) for r in (a3, a4, b)] == [1, 2, 0]
    for run in (a3, a4, b, *busy):
        assert pool.executor.cancel(run)
    for run in (a3, a4, b, *busy):
        assert pool.log.finished(run).result.status == "cancelled"
