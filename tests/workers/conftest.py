"""One warm two-worker pool shared by the worker tests; booting one costs seconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground.executors.local import LocalExecutor
from tests.workers.harness import TIMEOUT, EventLog, Pool


@pytest.fixture(scope="session")
def shared_pool() -> Iterator[Pool]:
    log = EventLog()
    executor = LocalExecutor(log, workers=2)
    executor.start()
    assert executor.wait_ready(TIMEOUT)
    yield Pool(executor, log)
    executor.stop()
    assert [w["pid"] for w in executor.status()["pool"]] == [None, None]  # all reaped


@pytest.fixture
def pool(shared_pool: Pool) -> Iterator[Pool]:
    """The shared pool; each test must leave it idle, with an empty queue."""
    yield shared_pool
    status = shared_pool.executor.status()
    assert (status["busy"], status["queued"]) == (0, 0), status
