"""Worker processes that die or are killed, and stop(), on a one-worker executor.

One worker makes every outcome certain (a queued run can only go to the replacement), and
with warm-up off it boots in seconds; the tests run in file order, stop() last.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from playground.executors.events import Finished, WorkerLost
from playground.executors.local import LocalExecutor
from tests.workers.harness import TIMEOUT, EventLog, spec_json

# Epoch 0 evaluates this model on 4000 samples (~1 s on one core) before the first step,
# and the loop reads `cancelled` only between steps: a cancel then is ignored that long.
SLOW = {
    "data": {"dataset": "spiral", "n_samples": 4000},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 2048, "activation": "ReLU"},
            {"type": "Linear", "out_features": 2048, "activation": "ReLU"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 100},
}


@pytest.fixture(scope="module")
def single() -> Iterator[tuple[LocalExecutor, EventLog]]:
    """One cold worker (no warm-up run: faster to boot) that kills ignored cancels fast."""
    log = EventLog()
    with LocalExecutor(log, workers=1, warm_up=False, cancel_grace=0.2) as executor:
        assert executor.wait_ready(TIMEOUT)
        yield executor, log


def _pid(executor: LocalExecutor) -> int | None:
    return executor.status()["pool"][0]["pid"]


def _gone(pid: int) -> bool:
    """No process, not even a zombie, has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_sigkill_mid_run_reports_worker_lost_and_the_queue_goes_on(
    single: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = single
    executor.submit(10, spec_json(training={"epochs": 10_000}))
    executor.submit(11, spec_json())
    log.wait_started(10)
    killed = _pid(executor)
    assert killed is not None

    os.kill(killed, signal.SIGKILL)
    _, lost = log.wait_end(10)

    assert isinstance(lost, WorkerLost), log.of(10)[-1]
    assert "signal 9" in lost.reason, lost.reason
    assert log.of(10)[-1] is lost  # nothing after the terminal event
    assert executor.queue_position(11) == 0  # waits for the replacement
    result = log.finished(11).result
    assert result.status == "succeeded", result.error
    assert _pid(executor) not in (None, killed), executor.status()
    assert _gone(killed)


def test_a_cancel_ignored_past_the_grace_period_kills_the_worker(
    single: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = single
    assert executor.wait_ready(TIMEOUT)
    first_pid = _pid(executor)
    executor.submit(1, spec_json(**SLOW))
    log.wait_started(1)
    executor.cancel(1)
    _, finished = log.wait_end(1)

    assert isinstance(finished, Finished), finished
    assert finished.result.status == "cancelled"
    assert "killed" in (finished.result.error or "")
    executor.submit(2, spec_json())
    result = log.finished(2).result
    assert result.status == "succeeded", result.error
    assert _pid(executor) != first_pid


def test_stop_cancels_the_running_run_and_leaves_no_process(
    single: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = single
    assert executor.wait_ready(TIMEOUT)
    pid = _pid(executor)
    assert pid is not None
    executor.submit(3, spec_json(training={"epochs": 10_000}))
    executor.submit(4, spec_json())
    log.wait_started(3)

    executor.stop(timeout=5.0)

    assert log.finished(3).result.status == "cancelled"
    assert log.of(4) == []  # queued runs are dropped without events
    assert _gone(pid)
    assert _pid(executor) is None
    executor.stop()  # idempotent
    with pytest.raises(RuntimeError):
        executor.submit(5, spec_json())
