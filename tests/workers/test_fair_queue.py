"""The queue serves owners in turn: one user's many queued runs do not starve another's."""

from __future__ import annotations

from playground.executors.events import Started
from tests.workers.harness import Pool, spec_json


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
    order = sorted(started, key=started.__getitem__)
    # At most A's first two (the free workers; the first may start before the second is
    # queued) go before B: B is served before the rest of A's backlog.
    assert order.index(b_run) <= 2, order
    assert [r for r in order if r != b_run] == a_runs  # A's own runs keep their order


def test_no_owner_is_one_first_in_first_out_lane(pool: Pool) -> None:
    runs = [pool.new_id() for _ in range(5)]
    for run in runs:
        pool.executor.submit(run, spec_json(training={"seed": run}))
    for run in runs:
        pool.log.wait_end(run)
    started = {run: pool.log.arrived(run, Started) for run in runs}
    assert sorted(started, key=started.__getitem__) == runs
