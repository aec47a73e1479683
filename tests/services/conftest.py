"""The Runs service on a real database (a SQLite file, then a PostgreSQL database: see
tests/databases.py) and a real RunManager; the executor is a fake that records what it is
asked (the seam these tests are not about)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from playground.config import Settings
from playground.executors.base import ExecutorStatus
from playground.executors.control import Hold
from playground.services.hub import Frame
from playground.services.manager import RunManager
from playground.services.runs import Runs
from playground.services.sweeps import Sweeps
from playground.store import RunStore
from playground.store.sweeps import SweepStore
from playground.store.uploads import UploadStore
from tests.databases import BACKENDS, migrated_engine


@dataclass
class FakeExecutor:
    """Keeps a FIFO queue like the real one, trains nothing."""

    queue: list[int] = field(default_factory=list)
    submitted: list[tuple[int, str]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    grouped: set[int] = field(default_factory=set)  # runs to report as training in a group
    groups: list[list[int]] = field(default_factory=list)  # run ids of each submit_group

    def start(self) -> None:
        pass

    def submit(self, run_id: int, spec_json: str, owner: int | None = None) -> None:
        self.submitted.append((run_id, spec_json))
        self.queue.append(run_id)

    def submit_group(self, runs: Sequence[tuple[int, str]], owner: int | None = None) -> None:
        self.groups.append([run_id for run_id, _ in runs])
        for run_id, spec_json in runs:
            self.submit(run_id, spec_json)

    def cancel(self, run_id: int) -> bool:
        self.cancelled.append(run_id)
        if run_id in self.queue:
            self.queue.remove(run_id)
            return True
        return False

    def hold(self, run_id: int, hold: Hold) -> bool:
        return False  # nothing runs here

    def in_group(self, run_id: int) -> bool:
        return run_id in self.grouped

    def queue_position(self, run_id: int) -> int | None:
        return self.queue.index(run_id) if run_id in self.queue else None

    def status(self) -> ExecutorStatus:
        return ExecutorStatus(
            engine="local", workers=1, busy=0, idle=1, starting=0,
            queued=len(self.queue), devices=["cpu"], pool=[],
        )  # fmt: skip

    def stop(self, timeout: float = 5.0) -> None:
        pass


@dataclass
class Published:
    """What the manager hands to the hub, by topic."""

    frames: dict[str, list[Frame]] = field(default_factory=dict)

    def __call__(self, topic: str, frame: Frame) -> None:
        self.frames.setdefault(topic, []).append(frame)

    def messages(self, topic: str) -> list[dict[str, object]]:
        return [m for f in self.frames.get(topic, []) for m in f.messages]


@dataclass
class Service:
    runs: Runs
    sweeps: Sweeps
    executor: FakeExecutor
    published: Published
    loop: asyncio.AbstractEventLoop

    def settle(self) -> None:
        """Let the manager's writer thread store what it was given, and deliver it."""
        self.runs.manager.stop()  # drains the queue, then ends the thread
        self.loop.run_until_complete(asyncio.sleep(0))  # run call_soon_threadsafe callbacks


@pytest.fixture(params=BACKENDS)
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    settings = Settings(data_dir=tmp_path / "data")
    with migrated_engine(request.param, request.config, tmp_path) as engine:
        loop = asyncio.new_event_loop()
        published, executor = Published(), FakeExecutor()
        manager = RunManager(RunStore(engine), published, loop)
        manager.start()
        runs = Runs(RunStore(engine), executor, manager, settings, UploadStore(engine))
        yield Service(runs, Sweeps(SweepStore(engine), runs), executor, published, loop)
        manager.stop()
        loop.close()
