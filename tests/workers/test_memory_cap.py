"""The OS memory cap of a worker (RLIMIT_AS): a run whose estimate was wrong fails "out of
memory" and the next run trains. Real worker processes.

The worker here is configured with no per-run memory limit (as if the estimate had
missed the run), and a cap of CAP bytes over its booted size; BIG needs ~1 GB at its
first step (two 16,000 x 4096 float32 tensors, and their gradients).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from playground.executors.events import WorkerLost
from playground.executors.local import LocalExecutor
from playground.executors.slots import lost_reason
from playground.executors.worker import OUT_OF_MEMORY_EXIT
from playground.ml.limits import Limits
from tests.workers.harness import TIMEOUT, EventLog, spec_json

CAP = 400 * 10**6  # bytes the worker may add after booting
BIG = {
    "data": {"dataset": "spiral", "n_samples": 20_000, "split": {"val": 0.1, "test": 0.1}},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 4096, "activation": "ReLU"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 1, "batch_size": "full", "optimizer": {"type": "SGD", "lr": 0.01}},
}

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")


@pytest.fixture(scope="module")
def pool() -> Iterator[tuple[LocalExecutor, EventLog]]:
    log = EventLog()
    executor = LocalExecutor(log, workers=1, threads=1, limits=Limits(), memory_cap=CAP)
    executor.start()
    assert executor.wait_ready(TIMEOUT)
    try:
        yield executor, log
    finally:
        executor.stop()


def test_a_run_past_the_cap_fails_out_of_memory_and_the_next_one_trains(
    pool: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = pool
    pid = executor.status()["pool"][0]["pid"]
    executor.submit(1, spec_json(**BIG))
    result = log.finished(1).result
    assert result.status == "failed"
    assert result.error == "out of memory (the run needed more than the worker's 400.0 MB)"
    executor.submit(2, spec_json())
    assert log.finished(2).result.status == "succeeded", log.finished(2).result.error
    # The worker caught the failed allocation and lived on; it was not replaced.
    assert executor.status()["pool"][0]["pid"] == pid


def test_a_worker_killed_from_outside_is_reported_as_likely_out_of_memory(
    pool: tuple[LocalExecutor, EventLog],
) -> None:
    executor, log = pool
    executor.submit(3, spec_json(training={"epochs": 2000, "batch_size": 4}))
    log.wait_started(3)
    pid = executor.status()["pool"][0]["pid"]
    assert isinstance(pid, int)
    os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, event = log.wait_end(3)
    assert isinstance(event, WorkerLost)
    assert "signal 9" in event.reason
    assert "most likely out of memory" in event.reason
    executor.submit(4, spec_json())
    assert log.finished(4).result.status == "succeeded"  # on the replacement worker


def test_a_worker_that_exits_out_of_memory_names_its_cap() -> None:
    reason = lost_reason(OUT_OF_MEMORY_EXIT, "exited with code 75", 2 * 10**9)
    assert reason == "out of memory (the run needed more than the worker's 2.0 GB); " + (
        "its worker was replaced"
    )
    assert lost_reason(1, "exited with code 1", None) == "worker process exited with code 1"
