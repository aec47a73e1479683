"""One warm two-worker pool shared by the worker tests; booting one costs seconds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

import pytest

from playground.executors.local import LocalExecutor
from tests.workers.eventlog import TIMEOUT, EventLog

_ids = count(1)


@dataclass
class Pool:
    """The shared executor and the log its events go to."""

    executor: LocalExecutor
    log: EventLog

    def new_id(self) -> int:
        """A run id no other test has used (the pool outlives each test)."""
        return next(_ids)

    def pids(self) -> dict[int | None, int | None]:
        """run_id (None when idle) -> worker pid, for every worker."""
        return {w["run_id"]: w["pid"] for w in self.executor.status()["pool"]}


@pytest.fixture(scope="session")
def shared_pool() -> Iterator[Pool]:
    log = EventLog()
    executor = LocalExecutor(log, workers=2)
    executor.start()
    assert executor.wait_ready(TIMEOUT)
    yield Pool(executor, log)
    executor.stop()


@pytest.fixture
def pool(shared_pool: Pool) -> Iterator[Pool]:
    """The shared pool; each test must leave it idle, with an empty queue."""
    yield shared_pool
    status = shared_pool.executor.status()
    assert (status["busy"], status["queued"]) == (0, 0), status
