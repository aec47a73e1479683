"""Sweep groups on real worker processes: one worker trains a group's trials together.

The executor here groups trials with equal data and model (a grouper given to it, as the
trainer's own `group_key` may group fewer); whatever the grouper says, the worker trains a
group job with `ml.vectorized.train_group`. Every group's trials share their epochs, as
the trainer's rule requires. Two workers, so that a group visibly takes only one of them.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.executors.base import ExecutorStatus
from playground.executors.control import Hold
from playground.executors.events import Event, Finished, Progress, Started, WorkerLost
from playground.executors.local import LocalExecutor
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from tests.workers.harness import TIMEOUT, EventLog, check_sequence, spec_json

LONG = 10_000  # epochs: minutes of training unless cancelled


def same_shape(spec: RunSpec) -> str:
    return spec.model_dump_json(include={"data", "model"})


class StatusLog(EventLog):
    """An EventLog that also notes the executor's status as each Started is handled (on
    the dispatcher thread, before any later event of the job can change it)."""

    def __init__(self) -> None:
        super().__init__()
        self.executor: LocalExecutor | None = None
        self.at_start: dict[int, ExecutorStatus] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, Started) and self.executor is not None:
            self.at_start[event.run_id] = self.executor.status()
        super().__call__(event)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("artifacts")


@pytest.fixture(scope="module")
def pool(artifacts: Path) -> Iterator[tuple[LocalExecutor, StatusLog]]:
    log = StatusLog()
    executor = LocalExecutor(
        log, workers=2, warm_up=False, grouper=same_shape, artifacts_dir=artifacts
    )
    log.executor = executor
    with executor:
        assert executor.wait_ready(TIMEOUT)
        yield executor, log


@pytest.fixture
def group_pool(pool: tuple[LocalExecutor, StatusLog]) -> Iterator[tuple[LocalExecutor, StatusLog]]:
    """The module's pool; each test must leave it idle, with an empty queue."""
    yield pool
    executor, log = pool
    log.wait_for(lambda: executor.status()["busy"] == 0)
    assert executor.status()["queued"] == 0


_next = iter(range(1000, 10**6))


def trials(n: int, epochs: int) -> list[tuple[int, str]]:
    """n trials of one group: the same net and data, each its own seed and lr."""
    ids = [next(_next) for _ in range(n)]
    return [
        (
            run,
            spec_json(
                training={
                    "epochs": epochs,
                    "seed": i,
                    "optimizer": {"type": "Adam", "lr": 0.01 * (i + 1)},
                }
            ),
        )
        for i, run in enumerate(ids)
    ]


def run(epochs: int = 3) -> tuple[int, str]:
    """An ordinary run."""
    return next(_next), spec_json(training={"epochs": epochs})


def ids(jobs: list[tuple[int, str]]) -> list[int]:
    return [run_id for run_id, _ in jobs]


def test_a_group_of_four_trains_in_one_worker_each_trial_reporting_alone(
    group_pool: tuple[LocalExecutor, StatusLog], artifacts: Path
) -> None:
    executor, log = group_pool
    group = trials(4, epochs=3)
    executor.submit_group(group)
    results = [log.finished(r).result for r in ids(group)]

    assert [r.status for r in results] == ["succeeded"] * 4, [r.error for r in results]
    for r in ids(group):
        check_sequence(log.of(r), epochs=3)  # Started, every epoch once in order, Finished
    # each with its own metrics: different seeds and learning rates, different nets
    assert len({r.test["loss"] for r in results}) == 4
    # and its own snapshot files, each reported once it is on disk (one writer for all)
    for r in ids(group):
        saved = [s.epoch for e in log.of(r) if isinstance(e, Progress) for s in e.snapshots]
        assert saved == [0, 1, 2, 3]
        assert all(snapshot_path(artifacts, r, epoch).is_file() for epoch in saved)
    # one worker held the whole group, the other none of it
    status = log.at_start[ids(group)[0]]
    busy = [w for w in status["pool"] if w["run_ids"]]
    assert len(busy) == 1
    assert busy[0]["run_ids"] == ids(group)
    assert busy[0]["run_id"] == ids(group)[0]


def test_groups_and_runs_queue_fifo_and_a_group_shares_one_position(
    group_pool: tuple[LocalExecutor, StatusLog],
) -> None:
    executor, log = group_pool
    blockers = [run(LONG), run(LONG)]
    for job in blockers:
        executor.submit(*job)
    for r in ids(blockers):
        log.wait_started(r)
    before, group, after = run(), trials(3, epochs=3), run()
    executor.submit(*before)
    executor.submit_group(group)
    executor.submit(*after)
    assert executor.status()["queued"] == 5
    positions = [executor.queue_position(r) for r in [before[0], *ids(group), after[0]]]
    assert positions == [0, 1, 1, 1, 2]
    assert executor.cancel(ids(group)[1])  # a queued trial: dropped from its group alone
    assert log.finished(ids(group)[1]).result.status == "cancelled"
    assert [executor.queue_position(r) for r in ids(group)] == [1, None, 1]

    executor.cancel(blockers[0][0])  # one worker frees up and takes the queue in order
    kept = [ids(group)[0], ids(group)[2]]
    for r in [before[0], *kept, after[0]]:
        assert log.finished(r).result.status == "succeeded"
    assert log.arrived(before[0], Finished) < log.arrived(kept[0], Started)
    assert max(log.arrived(r, Finished) for r in kept) < log.arrived(after[0], Started)
    executor.cancel(blockers[1][0])
    assert log.finished(blockers[1][0]).result.status == "cancelled"


def test_cancelling_one_trial_of_a_running_group_stops_only_it(
    group_pool: tuple[LocalExecutor, StatusLog],
) -> None:
    executor, log = group_pool
    group = trials(3, epochs=150)  # long enough that the cancel lands mid-training
    executor.submit_group(group)
    log.wait_started(ids(group)[0])
    victim = ids(group)[1]
    assert executor.cancel(victim)

    results = {r: log.finished(r).result for r in ids(group)}
    assert results[victim].status == "cancelled"
    others = [results[r] for r in ids(group) if r != victim]
    assert [r.status for r in others] == ["succeeded"] * 2, [r.error for r in others]
    assert all(r.epochs == 150 for r in others)
    assert not executor.cancel(victim)  # ended: nothing left to cancel


def test_cancelling_every_trial_ends_them_all_cancelled(
    group_pool: tuple[LocalExecutor, StatusLog],
) -> None:
    executor, log = group_pool
    group = trials(4, epochs=LONG)
    executor.submit_group(group)
    log.wait_for(lambda: any(isinstance(e, Progress) for e in log.of(ids(group)[0])))
    for r in ids(group):
        assert executor.cancel(r)
    results = [log.finished(r).result for r in ids(group)]
    assert [r.status for r in results] == ["cancelled"] * 4
    assert all(r.error is None for r in results)  # stopped by the flags, not killed


def test_a_grouped_trial_cannot_be_held_but_a_run_alone_can(
    group_pool: tuple[LocalExecutor, StatusLog],
) -> None:
    executor, log = group_pool
    group, alone = trials(2, epochs=LONG), run(LONG)
    executor.submit_group(group)
    executor.submit(*alone)
    log.wait_started(ids(group)[0])
    log.wait_started(alone[0])
    assert executor.in_group(ids(group)[0])
    assert not executor.in_group(alone[0])
    assert not executor.hold(ids(group)[0], Hold.PAUSE)
    assert executor.hold(alone[0], Hold.RUN)
    for r in [*ids(group), alone[0]]:
        executor.cancel(r)
        assert log.finished(r).result.status == "cancelled"


def test_a_killed_worker_loses_its_unfinished_trials_and_the_queue_goes_on(
    group_pool: tuple[LocalExecutor, StatusLog],
) -> None:
    executor, log = group_pool
    group = trials(4, epochs=LONG)
    executor.submit_group(group)
    log.wait_started(ids(group)[0])
    # Take the other worker too, so that the run queued next can only go to the
    # replacement or the worker freed by the kill.
    blocker = run(LONG)
    executor.submit(*blocker)
    log.wait_started(blocker[0])
    nxt = run()
    executor.submit(*nxt)
    assert executor.cancel(ids(group)[0])  # one trial ends (cancelled) before the kill
    assert log.finished(ids(group)[0]).result.status == "cancelled"
    pid = next(w["pid"] for w in executor.status()["pool"] if ids(group)[1] in w["run_ids"])
    assert pid is not None

    os.kill(pid, signal.SIGKILL)

    for r in ids(group)[1:]:
        _, lost = log.wait_end(r)
        assert isinstance(lost, WorkerLost), lost
        assert "signal 9" in lost.reason
        assert log.of(r)[-1] is lost  # exactly one terminal event
    assert log.finished(ids(group)[0]).result.status == "cancelled"  # kept its result
    assert log.finished(nxt[0]).result.status == "succeeded"  # on the replacement
    assert pid not in [w["pid"] for w in executor.status()["pool"]]
    executor.cancel(blocker[0])
    assert log.finished(blocker[0]).result.status == "cancelled"


def test_a_bad_spec_among_trials_fails_alone(group_pool: tuple[LocalExecutor, StatusLog]) -> None:
    executor, log = group_pool
    group = trials(2, epochs=3)
    bad = next(_next)
    executor.submit_group([group[0], (bad, "{not json"), group[1]])
    assert "invalid spec" in (log.finished(bad).result.error or "")
    assert [log.finished(r).result.status for r in ids(group)] == ["succeeded"] * 2
    with pytest.raises(ValueError, match="already queued or running"):
        executor.submit_group([run(), (bad, "{}"), (bad, "{}")])  # all or nothing
    assert executor.status()["queued"] == 0
