"""The local executor: a warm pool of spawned worker processes fed from one FIFO queue.

`LocalExecutor` is the facade the API uses; `grouping` decides which sweep trials train
together, `slots` spawns, reaps and replaces the worker processes (their lifecycle is in
`lifecycle`), and `dispatcher` owns the queue and the one thread that talks to the workers.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from types import TracebackType

from playground.executors import worker
from playground.executors.base import EventCallback, Executor, ExecutorStatus
from playground.executors.control import Hold
from playground.executors.dispatcher import Dispatcher
from playground.executors.grouping import Grouper, default_grouper, plan_groups
from playground.executors.host import default_devices, threads_per_worker
from playground.executors.slots import Slots
from playground.ml.datasets import DataContext
from playground.ml.limits import Limits


class LocalExecutor(Executor):
    """Runs specs in a pool of spawned processes: `workers_per_gpu` per GPU, else `workers`
    on the CPU."""

    def __init__(
        self,
        on_event: EventCallback,
        *,
        workers: int = 1,
        workers_per_gpu: int = 1,
        data_dir: Path | None = None,
        limits: Limits | None = None,
        devices: list[str] | None = None,
        threads: int | None = None,
        warm_up: bool = True,
        cancel_grace: float = 10.0,
        artifacts_dir: Path | None = None,
        grouper: Grouper = default_grouper,
        memory_cap: int | None = None,
        max_running_per_owner: int | None = None,
    ) -> None:
        """`grouper` says which trials of `submit_group` may train together (equal keys;
        None: alone); the default is the trainer's own rule, ml.vectorized.group_key.
        `memory_cap`: bytes of address space each CPU worker may add after booting
        (RLIMIT_AS; None: no cap). `max_running_per_owner`: workers one owner's entries may
        hold at once (None: all)."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self._devices = devices or default_devices(workers, workers_per_gpu)
        config = worker.WorkerConfig(
            device="cpu",  # replaced per worker
            threads=threads or threads_per_worker(len(self._devices)),
            limits=limits or Limits(),
            data_dir=data_dir,
            warm_up=warm_up,
            artifacts_dir=artifacts_dir,
            memory_cap=memory_cap,
        )
        # spawn, never fork: a forked child would inherit the API's threads, locks and
        # (with CUDA) an unusable GPU context.
        ctx = multiprocessing.get_context("spawn")
        # A run whose worker ignores a cancel this long (one huge step) is killed.
        slots = Slots(ctx, config, self._devices, grace=cancel_grace)  # seconds
        self._dispatcher = Dispatcher(ctx, slots, on_event, max_running_per_owner)
        self._grouper = grouper
        self._limits = config.limits
        self._ctx = DataContext(data_dir=data_dir)  # for the validations that size groups

    def start(self) -> None:
        """Spawn the workers and the dispatcher; returns at once (see wait_ready)."""
        self._dispatcher.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until every worker slot has booted (or given up); False on timeout."""
        return self._dispatcher.wait_booted(timeout)

    def submit(self, run_id: int, spec_json: str, owner: int | None = None) -> None:
        """Queue a run; it starts when a worker is free, in submission order among its
        owner's runs, owners taking turns."""
        self._dispatcher.submit([[(run_id, spec_json)]], owner)

    def submit_group(self, jobs: list[tuple[int, str]], owner: int | None = None) -> None:
        """Queue a sweep's trials: those the grouper keys alike train together in one
        worker, in groups sized by memory and spread over the workers (grouping.py)."""
        entries = plan_groups(
            jobs, grouper=self._grouper, limits=self._limits, ctx=self._ctx,
            workers=len(self._devices),
        )  # fmt: skip
        self._dispatcher.submit(entries, owner)

    def cancel(self, run_id: int) -> bool:
        """Drop a queued run (emitting Finished(cancelled)) or flag a running one."""
        return self._dispatcher.cancel(run_id)

    def hold(self, run_id: int, hold: Hold) -> bool:
        """Pause, resume or step (one epoch) a running run; False when it is not running."""
        return self._dispatcher.hold(run_id, hold)

    def in_group(self, run_id: int) -> bool:
        """Whether the run trains in a group with other trials (so it cannot be held)."""
        return self._dispatcher.in_group(run_id)

    def queue_position(self, run_id: int) -> int | None:
        """0 for the next run (or group) to start; None when the run is not waiting."""
        return self._dispatcher.position(run_id)

    def status(self) -> ExecutorStatus:
        """Worker and queue counts, and each worker's pid, device and run."""
        pool, queued = self._dispatcher.snapshot()
        states = [w["state"] for w in pool]
        return ExecutorStatus(
            engine="local",
            workers=len(pool),
            busy=states.count("busy"),
            idle=states.count("idle"),
            starting=states.count("starting"),
            queued=queued,
            devices=list(self._devices),
            pool=pool,
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel running runs, drop queued ones and end every worker; idempotent.

        Workers get `timeout` seconds to finish cancelling and exit, then SIGTERM, then
        SIGKILL; each is joined, so none is left as a zombie.
        """
        if threading.current_thread() is self._dispatcher.thread:
            raise RuntimeError("stop() from on_event would wait for itself")
        self._dispatcher.shut_down(timeout)

    def __enter__(self) -> LocalExecutor:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
