"""The Ray executor on a real local Ray (started once for the module: see `ray_pool`).

Each run trains in a Ray actor of its own, so every test pays an actor's boot (a process
that imports torch: ~2-4 s on two busy cores); the tests overlap runs where they can.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from playground.executors.control import Hold
from playground.executors.events import Finished, Paused, Progress, Started, WorkerLost
from playground.ml.limits import Limits
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from tests.workers.harness import (
    STUCK_IN_EPOCH_0,
    TIMEOUT,
    EventLog,
    check_sequence,
    spec_json,
)

ray = pytest.importorskip("ray", reason="ray is not installed (pip install -e '.[ray]')")

from playground.executors.ray import RayExecutor  # noqa: E402 (after the skip)
from playground.executors.ray_jobs import on_ray_gpu  # noqa: E402

LONG = {"epochs": 2000, "batch_size": 4}  # short steps, ~minutes: stopped by each test
LIMIT = 3.0  # seconds: the time-limit executor's max_seconds


def same_shape(spec: RunSpec) -> str:
    """Group trials with equal data and model (the trainer's own rule may group fewer)."""
    return spec.model_dump_json(include={"data", "model"})


class RayPool:
    def __init__(self, executor: RayExecutor, log: EventLog, artifacts: Path) -> None:
        self.executor, self.log, self.artifacts = executor, log, artifacts
        self._next = 0

    def new_id(self) -> int:
        self._next += 1
        return self._next


@pytest.fixture(scope="module")
def ray_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RayPool]:
    """A local Ray with four CPUs, two of them for this executor: two runs train at once,
    a third waits in the queue. Its idle actors keep their CPUs for the next runs, so the
    time-limit test's executor uses the other two."""
    artifacts = tmp_path_factory.mktemp("artifacts")
    log = EventLog()
    started = time.perf_counter()
    executor = RayExecutor(
        log,
        local_cpus=4,
        max_running=2,
        artifacts_dir=artifacts,
        cancel_grace=5.0,
        grouper=same_shape,
    )
    executor.start()
    print(f"local Ray started in {time.perf_counter() - started:.1f} s")  # the start cost
    yield RayPool(executor, log, artifacts)
    executor.stop()
    assert not ray.is_initialized()  # the executor shut down the Ray it started


@pytest.fixture
def pool(ray_pool: RayPool) -> Iterator[RayPool]:
    """Each test leaves the executor idle, with an empty queue."""
    yield ray_pool
    _until(lambda: _states(ray_pool) <= {"idle"})  # every job's actor is done with it
    status = ray_pool.executor.status()
    assert (status["busy"], status["queued"]) == (0, 0), status


def _until(done: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Poll for a state no event announces (an actor created or gone)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _states(pool: RayPool) -> set[str]:
    return {w["state"] for w in pool.executor.status()["pool"]}


def test_a_run_succeeds_with_its_events_in_order_and_its_snapshots_on_disk(
    pool: RayPool,
) -> None:
    run_id = pool.new_id()
    pool.executor.submit(run_id, spec_json())
    finished = pool.log.finished(run_id)
    assert finished.result.status == "succeeded"
    events = pool.log.of(run_id)
    check_sequence(events, epochs=3)
    assert isinstance(events[0], Started)
    saved = [s for e in events if isinstance(e, Progress) for s in e.snapshots]
    assert saved, "no snapshot was reported"
    for s in saved:  # written by the actor where the API reads them
        assert snapshot_path(pool.artifacts, run_id, s.epoch).stat().st_size == s.bytes


def test_the_next_run_reuses_an_idle_actor(pool: RayPool) -> None:
    """No second process start and torch import: the idle actor takes the next run."""
    _until(lambda: _states(pool) == {"idle"})
    idle = {w["pid"] for w in pool.executor.status()["pool"]}
    run_id = pool.new_id()
    pool.executor.submit(run_id, spec_json(training={"epochs": 1}))
    pool.log.wait_started(run_id)
    (actor,) = [w for w in pool.executor.status()["pool"] if w["run_id"] == run_id]
    assert actor["pid"] in idle
    assert pool.log.finished(run_id).result.status == "succeeded"


def test_cancel_a_queued_run_and_two_running_ones(pool: RayPool) -> None:
    a, b, c = pool.new_id(), pool.new_id(), pool.new_id()
    for run_id in (a, b, c):
        pool.executor.submit(run_id, spec_json(training=LONG))
    _until(lambda: pool.executor.queue_position(b) is None)  # a and b have actors
    assert pool.executor.queue_position(c) == 0  # two CPUs: two actors, c waits
    with pytest.raises(ValueError, match="already queued or running"):
        pool.executor.submit(a, spec_json())
    assert pool.executor.cancel(c)
    assert pool.log.finished(c).result.status == "cancelled"
    assert pool.log.of(c) == [Finished(c, pool.log.finished(c).result)]  # it never started
    pool.log.wait_started(a)
    pool.log.wait_started(b)
    assert pool.executor.queue_position(a) is None
    for run_id in (a, b):
        assert pool.executor.cancel(run_id)
    for run_id in (a, b):
        result = pool.log.finished(run_id).result
        assert result.status == "cancelled"
        assert result.error is None  # stopped by its own loop, not killed
    assert not pool.executor.cancel(a)  # over: unknown now


def test_owners_take_turns_for_the_actors(pool: RayPool) -> None:
    """As in the local pool (test_fair_queue.py): A's two runs hold both actors; A queues
    two more, then B one. B is told it is next, and is; A's others wait their turn."""
    a1, a2, a3, a4, b = (pool.new_id() for _ in range(5))
    for run_id in (a1, a2):
        pool.executor.submit(run_id, spec_json(training=LONG), owner=1)
    _until(lambda: pool.executor.queue_position(a2) is None)  # both have actors
    for run_id in (a3, a4):
        pool.executor.submit(run_id, spec_json(training=LONG), owner=1)
    pool.executor.submit(b, spec_json(training=LONG), owner=2)
    assert [pool.executor.queue_position(r) for r in (a3, a4, b)] == [1, 2, 0]
    assert pool.executor.cancel(a1)
    pool.log.wait_started(b)  # a1's actor (or a new one) took B's run, not A's third
    assert [pool.executor.queue_position(r) for r in (a3, a4)] == [0, 1]
    for run_id in (a3, a4, a2, b):
        assert pool.executor.cancel(run_id)
    for run_id in (a1, a2, a3, a4, b):
        assert pool.log.finished(run_id).result.status == "cancelled"
    assert not any(isinstance(e, Started) for e in pool.log.of(a3) + pool.log.of(a4))


def test_pause_and_resume_a_running_run(pool: RayPool) -> None:
    run_id = pool.new_id()
    pool.executor.submit(run_id, spec_json(training=LONG))
    pool.log.wait_started(run_id)
    assert pool.executor.hold(run_id, Hold.PAUSE)
    pool.log.wait_for(lambda: [p.paused for p in _paused(pool, run_id)] == [True])
    assert pool.executor.hold(run_id, Hold.RUN)
    pool.log.wait_for(lambda: [p.paused for p in _paused(pool, run_id)] == [True, False])
    pool.executor.cancel(run_id)
    assert pool.log.finished(run_id).result.status == "cancelled"


def _paused(pool: RayPool, run_id: int) -> list[Paused]:
    return [e for e in pool.log.of(run_id) if isinstance(e, Paused)]


def test_a_sweep_group_trains_in_one_actor(pool: RayPool) -> None:
    ids = [pool.new_id() for _ in range(3)]
    jobs = [
        (run_id, spec_json(training={"epochs": 3, "optimizer": {"type": "SGD", "lr": lr}}))
        for run_id, lr in zip(ids, (0.01, 0.03, 0.1), strict=True)
    ]
    pool.executor.submit_group(jobs)
    pool.log.wait_started(ids[0])
    actors = [w for w in pool.executor.status()["pool"] if set(w["run_ids"]) & set(ids)]
    assert len(actors) == 1, actors  # one actor trains them all
    assert pool.executor.in_group(ids[0]) or isinstance(pool.log.of(ids[0])[-1], Finished)
    assert not pool.executor.hold(ids[0], Hold.PAUSE)  # a trial cannot pause alone
    for run_id in ids:
        assert pool.log.finished(run_id).result.status == "succeeded"
        check_sequence(pool.log.of(run_id), epochs=3)


def test_a_killed_actor_loses_its_run_with_a_reason(pool: RayPool) -> None:
    run_id = pool.new_id()
    pool.executor.submit(run_id, spec_json(training=LONG))
    pool.log.wait_started(run_id)
    (actor,) = [w for w in pool.executor.status()["pool"] if w["run_id"] == run_id]
    assert actor["pid"] is not None
    os.kill(actor["pid"], signal.SIGKILL)  # as the kernel's OOM killer would
    _, event = pool.log.wait_end(run_id)
    assert isinstance(event, WorkerLost), event
    assert "Ray actor" in event.reason


def test_the_time_limit_stops_a_run_and_kills_an_actor_stuck_in_epoch_0(
    ray_pool: RayPool,
) -> None:
    """A second executor on the same Ray, with a 3 s limit: a run of short steps is
    stopped by its loop; one stuck in epoch 0's evaluation is stopped by killing its actor."""
    log = EventLog()
    executor = RayExecutor(log, limits=Limits(max_seconds=LIMIT), max_running=2)
    executor.start()
    try:
        stepping, stuck = 1, 2
        executor.submit(stepping, spec_json(training=LONG))
        executor.submit(stuck, json.dumps(STUCK_IN_EPOCH_0))
        loop_stop = log.finished(stepping).result
        assert loop_stop.status == "failed"
        assert loop_stop.error == f"the run exceeded its time limit of {LIMIT:g} s"
        ended, event = log.wait_end(stuck, timeout=TIMEOUT)
        assert isinstance(event, Finished), event
        assert event.result.status == "failed"
        assert event.result.error == (
            f"the run exceeded its time limit of {LIMIT:g} s; its actor was stopped"
        ), event
        # The clock starts when the actor is up (loading 100,000 samples may outlast it on
        # a busy machine: the kill also bounds setup), and again at Started.
        if any(isinstance(e, Started) for e in log.of(stuck)):
            started = log.arrived(stuck, Started)
            assert LIMIT < ended - started < LIMIT + 12  # the kill lands after the allowance
    finally:
        executor.stop()
    assert ray.is_initialized()  # it did not start this Ray, so it leaves it running


def test_an_owner_at_the_running_limit_waits_while_others_start(ray_pool: RayPool) -> None:
    """A second executor on the same Ray, one entry per owner at a time (as the local
    pool's test_fair_queue.py): A's second run waits while B's takes the other actor."""
    log = EventLog()
    executor = RayExecutor(log, max_running=2, max_running_per_owner=1)
    executor.start()
    try:
        a1, a2, b = 1, 2, 3
        for run_id, owner in ((a1, 1), (a2, 1), (b, 2)):
            executor.submit(run_id, spec_json(training=LONG), owner=owner)
        log.wait_started(a1)
        log.wait_started(b)
        assert executor.queue_position(a2) == 0
        assert not any(isinstance(e, Started) for e in log.of(a2))
        assert executor.cancel(a1)
        log.wait_started(a2)  # A's first ended: A may have one again
        for run_id in (a2, b):
            assert executor.cancel(run_id)
        for run_id in (a1, a2, b):
            assert log.finished(run_id).result.status == "cancelled"
    finally:
        executor.stop()


def test_a_gpu_run_asks_for_the_gpu_ray_gives_its_actor() -> None:
    """On Ray "cuda:N" means a GPU: an actor sees only its own, as cuda:0."""
    pinned = spec_json(training={"device": "cuda:1"})
    assert RunSpec.model_validate_json(on_ray_gpu(pinned)).training.device == "cuda:0"
    auto = spec_json()
    assert on_ray_gpu(auto) == auto  # the actor's own device replaces "auto"
    envelope = json.dumps({"spec": json.loads(pinned), "transfers": []})
    assert json.loads(on_ray_gpu(envelope))["spec"]["training"]["device"] == "cuda:0"
