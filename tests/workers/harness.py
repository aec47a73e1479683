"""Worker-test helpers: an event log for on_event, the shared pool's handle, spec JSON."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

from playground.executors.events import TERMINAL_EVENTS, Event, Finished, Progress, Started
from playground.executors.local import LocalExecutor
from tests.factories import spec_dict

TIMEOUT = 60.0  # seconds; generous, since worker boots share two CPU cores

# A run that is busy from just after Started until long past any test's hard time limit,
# without ever reaching the loop's own clock: the loop checks its limit before each step,
# and epoch 0 (before the first check) evaluates the whole validation split. Here that is
# 50,000 rows through two 4096-wide layers (16.8 M parameters, under the 20 M limit): ~20 s
# on one core of this machine, so only the parent's kill, LIMIT + TIME_LIMIT_ALLOWANCE
# (7-8 s) after Started, stops it in time. A busy machine makes the evaluation longer, never the kill later: an earlier
# spec, stuck in its first training step, let a slow epoch 0 reach the loop's check first.
# 35 % of the rows are the test split (never reached) so that the training split, and with
# it the memory the estimate counts for a step, stays small.
STUCK_IN_EPOCH_0 = spec_dict(
    data={"dataset": "spiral", "n_samples": 100_000, "split": {"val": 0.5, "test": 0.35}},
    model={
        "layers": [{"type": "Linear", "out_features": 4096, "activation": "ReLU"}] * 2
        + [{"type": "Linear", "out_features": 2}]
    },
    training={"epochs": 1, "batch_size": 1000, "optimizer": {"type": "SGD", "lr": 0.01}},
)


def spec_json(**sections: Any) -> str:
    """The factory's small spiral MLP (200 samples, 3 epochs) as JSON text."""
    return json.dumps(spec_dict(**sections))


class EventLog:
    """The executor's on_event: keeps (perf_counter seconds, event) and wakes waiters."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: list[tuple[float, Event]] = []

    def __call__(self, event: Event) -> None:
        with self._cond:
            self._items.append((time.perf_counter(), event))
            self._cond.notify_all()

    def of(self, run_id: int) -> list[Event]:
        with self._cond:
            return [e for _, e in self._items if e.run_id == run_id]

    def arrived(self, run_id: int, kind: type[Event]) -> float:
        """When the run's first event of this kind arrived (perf_counter seconds)."""
        with self._cond:
            return next(t for t, e in self._items if e.run_id == run_id and isinstance(e, kind))

    def wait_for(self, ready: Callable[[], bool], timeout: float = TIMEOUT) -> None:
        with self._cond:
            assert self._cond.wait_for(ready, timeout), "timed out waiting for events"

    def wait_started(self, run_id: int) -> None:
        self.wait_for(lambda: any(isinstance(e, Started) for e in self.of(run_id)))

    def wait_end(self, run_id: int, timeout: float = TIMEOUT) -> tuple[float, Event]:
        """The run's terminal event and when it arrived."""

        def ended() -> list[tuple[float, Event]]:
            return [(t, e) for t, e in self._items if e.run_id == run_id and _terminal(e)]

        with self._cond:
            assert self._cond.wait_for(ended, timeout), f"run {run_id} did not end"
            return ended()[0]

    def finished(self, run_id: int) -> Finished:
        _, event = self.wait_end(run_id)
        assert isinstance(event, Finished), event
        return event


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


def _terminal(event: Event) -> bool:
    return isinstance(event, TERMINAL_EVENTS)


def check_sequence(events: list[Event], epochs: int) -> Finished:
    """Started, Progress batches with epochs 0..epochs exactly once in order, one Finished."""
    assert isinstance(events[0], Started)
    assert isinstance(events[-1], Finished)
    middle = events[1:-1]
    assert all(isinstance(e, Progress) for e in middle)
    batches = [e for e in middle if isinstance(e, Progress)]
    assert [r.epoch for b in batches for r in b.epochs] == list(range(epochs + 1))
    steps = [r.step for b in batches for r in b.steps]
    assert steps == sorted(set(steps))
    return events[-1]
