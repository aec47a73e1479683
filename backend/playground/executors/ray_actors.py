"""The Ray side of the Ray executor: the actor that trains one queue entry, and the
mailbox actor through which every trainer's events reach the API process.

A `Trainer` runs the local worker's own job code (`worker.run_job`, `run_group`: the
same PipeHooks, the same snapshots), with a `send` that puts each event in the `Mailbox`
and waits for it to land there. Waiting keeps a run's events in order (one caller, one
mailbox, one event at a time) and means that once `train` returns, every event it sent is
in the mailbox; PipeHooks batches progress, so that is ~30 round trips a second at most.

The cancel and hold flags live in the trainer's own process (`RunControl.local()`): the
actor serves `cancel` and `hold` on a second thread while `train` runs on the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading
from dataclasses import dataclass
from typing import Any

import ray
import torch

from playground.executors import worker
from playground.executors.control import Hold, RunControl
from playground.ml.datasets import DataContext
from playground.ml.device import resolve_device
from playground.ml.runtime import tune_malloc
from playground.ml.threads import choose_threads, use_threads


@dataclass(frozen=True)
class ActorUp:
    """A trainer booted (its process imported torch and playground) and takes its job."""

    key: int  # the executor's number for the entry it trains
    pid: int
    node: str  # the Ray node id it runs on


@dataclass(frozen=True)
class Wake:
    """Put by the executor itself: look at the queue again (a submit, a cancel)."""


class Mailbox:
    """Events from every trainer, in the order they arrived; the executor takes them all."""

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._ready = asyncio.Event()

    async def put(self, item: Any) -> None:
        self._items.append(item)
        self._ready.set()

    async def take(self, timeout: float) -> list[Any]:
        """Everything waiting, after up to `timeout` seconds for the first item."""
        if not self._items and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), timeout)
        items, self._items = self._items, []
        self._ready.clear()
        return items


class Trainer:
    """Trains entries (a run, or a sweep group's trials), one after another, and reports
    to the mailbox; the executor reuses an idle one for the next entry with its placement.

    Each job has a number: a cancel or hold names it, so one that arrives late (after its
    run ended) cannot touch the next job, and one that arrives early (Ray may serve it on
    the second thread before `train` starts) is kept for it.
    """

    def __init__(self, mailbox: Any, key: int, config: worker.WorkerConfig) -> None:
        self._mailbox, self._config = mailbox, config
        self._control = RunControl.local()
        self._lock = threading.Lock()  # guards _job and _early
        self._job = 0  # the job being trained; 0: none
        self._early: set[tuple[int, int]] = set()  # (job, trial) cancels before its start
        tune_malloc()  # as a local worker (ml/runtime.py)
        use_threads(choose_threads(0, cores=config.threads))
        device = resolve_device(config.device)  # a clear error for a missing GPU
        if device.type == "cuda":
            torch.cuda.set_device(device)
        self._ctx = DataContext(data_dir=config.data_dir)
        node = ray.get_runtime_context().get_node_id()
        self._send(ActorUp(key, os.getpid(), node))

    def train(self, job: int, jobs: list[worker.RunJob]) -> None:
        """Every run of `jobs` ends with exactly one Finished (as in a local worker)."""
        send, control, config, ctx = self._send, self._control, self._config, self._ctx
        with self._lock:
            self._job = job
            control.reset()
            for trial in [t for j, t in self._early if j == job]:
                control.cancel(trial)
            self._early.clear()
        try:
            if len(jobs) > 1:
                worker.run_group(jobs, send, control, config, ctx)
            else:
                worker.run_job(*jobs[0], send, control, config, ctx)
        finally:
            with self._lock:
                self._job = 0
            # Free the run's tensors held in cycles now, not in the middle of the next run.
            gc.collect()

    def cancel(self, job: int, trial: int) -> None:
        with self._lock:
            if job == self._job:
                self._control.cancel(trial)
            elif job > self._job:  # its train call has not started yet
                self._early.add((job, trial))

    def hold(self, job: int, hold: int) -> None:
        with self._lock:
            if job == self._job:
                self._control.set_hold(Hold(hold))

    def _send(self, message: Any) -> None:
        ray.get(self._mailbox.put.remote(message))


# Declared here, created by the executor (Ray's type stubs describe remote functions, not
# actor classes: the handles are Any). The mailbox reserves no CPU (it only queues); the
# executor gives a trainer its CPUs or GPU share, and two threads (train; cancel and hold).
MailboxActor: Any = ray.remote(num_cpus=0)(Mailbox)
TrainerActor: Any = ray.remote(Trainer)
