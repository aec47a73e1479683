"""The Ray executor: each queue entry (a run, or a sweep group) trains in a Ray actor;
a finished actor waits idle for the next entry that asks for the same resources.

Scale-out on an existing Ray cluster (`address`, from RAY_ADDRESS), or a local Ray started
here for development. The queue stays here, owners served in turn as in the local pool
(run_queue.py): at most `max_running` entries have an actor at once (by default the
cluster's CPUs), and an actor asks Ray for the CPUs its run pays for (ml/threads.py) or
for a share of a GPU (`gpus_per_run`: 0.25 packs four runs on each GPU).

One thread here (`playground-ray`) creates the actors, takes events from the mailbox
(ray_actors.py) and hands them to `on_event` in order, notices actors that ended or died
(`ray.wait` on their `train` calls) and kills an actor past its time limit or one that
ignores a cancel. The other methods run on the caller's thread under `lock`.

Snapshots are written by the actor under `artifacts_dir`: on one machine that is the
API's own directory; on a cluster every node must mount it at the same path (a shared
volume), since the API registers and serves the files the actors write.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import RayActorError, RayError

import playground
from playground.executors import worker
from playground.executors.base import EventCallback, Executor, ExecutorStatus, deliver
from playground.executors.control import Hold
from playground.executors.events import Event, Finished, WorkerLost
from playground.executors.grouping import Entry, Grouper, default_grouper, plan_groups
from playground.executors.ray_actors import ActorUp, MailboxActor, TrainerActor, Wake
from playground.executors.ray_jobs import Active, Actor, Placement, first_line, info, on_ray_gpu
from playground.executors.run_queue import Owner, RunQueue
from playground.executors.slots import TIME_LIMIT_ALLOWANCE
from playground.ml.datasets import DataContext
from playground.ml.errors import SpecError
from playground.ml.hooks import RunResult
from playground.ml.limits import Limits
from playground.ml.threads import threads_for

log = logging.getLogger(__name__)

POLL = 0.2  # seconds the thread waits for events before looking for dead actors
# Seconds an actor waits idle for another entry with its placement before it is ended (its
# CPUs or GPU share go back to the cluster). Reusing one saves a process start and the
# torch import (~3 s on two busy cores) per run.
IDLE_SECONDS = 60.0
CLUSTER_EVERY = 5.0  # seconds between reads of the cluster's resources


class RayExecutor(Executor):
    """Runs specs in Ray actors, one entry (a run or a sweep group) at a time each (see the
    module doc)."""

    def __init__(
        self,
        on_event: EventCallback,
        *,
        address: str | None = None,
        local_cpus: int = 1,
        cpus_per_run: int = 1,
        gpus_per_run: float = 0.25,
        max_running: int | None = None,
        data_dir: Path | None = None,
        limits: Limits | None = None,
        artifacts_dir: Path | None = None,
        cancel_grace: float = 10.0,
        grouper: Grouper = default_grouper,
        max_running_per_owner: int | None = None,
    ) -> None:
        """`address`: the cluster to join (None: start a local Ray with `local_cpus`);
        `cpus_per_run`: the most CPUs (and torch threads) one run reserves;
        `max_running_per_owner`: entries one owner may have training at once (None: no
        limit; never for runs with no owner), as in the local pool."""
        self._on_event = on_event
        self._max_per_owner = max_running_per_owner
        self._address, self._local_cpus = address, local_cpus
        self._cpus_per_run, self._gpus_per_run = cpus_per_run, gpus_per_run
        self._max_running = max_running or 1
        self._auto_max = not max_running  # then: the cluster's CPUs (_read_cluster)
        self._cluster_read = 0.0  # perf_counter seconds
        self._limits = limits or Limits()
        # Absolute paths: a Ray worker process does not start in this one's directory.
        self._config = worker.WorkerConfig(
            device="cpu", threads=cpus_per_run, limits=self._limits,
            data_dir=data_dir.resolve() if data_dir else None, warm_up=False,
            artifacts_dir=artifacts_dir.resolve() if artifacts_dir else None,
        )  # fmt: skip
        self._ctx = DataContext(data_dir=data_dir)
        self._grace = cancel_grace  # seconds a cancelled run may take before its actor is killed
        self._grouper = grouper
        self.lock = threading.Lock()  # guards everything below
        self._queue = RunQueue()
        self._active: dict[int, Active] = {}  # job key -> entry being trained
        self._idle: list[Actor] = []  # booted actors without a job, oldest first
        self._actors = 0  # actor keys given out
        self._outbox: list[Event] = []
        self._keys = 0
        self._gpus = 0.0  # the cluster's GPUs, read at start
        self._mailbox: Any = None
        self._owns_ray = False
        self._stopping = False
        self.thread: threading.Thread | None = None

    # ---- caller threads ---------------------------------------------------------------
    def start(self) -> None:
        """Join the cluster (or start a local Ray: seconds), then start the thread."""
        with self.lock:
            if self.thread is not None or self._stopping:
                raise RuntimeError("the executor was already started")
            if not ray.is_initialized():
                self._init_ray()
            self._read_cluster()
            self._mailbox = MailboxActor.remote()
            self.thread = threading.Thread(target=self._loop, name="playground-ray", daemon=True)
            self.thread.start()
        log.info(
            "Ray executor: %s, up to %d runs at once, %g GPUs",
            self._address or "local Ray", self._max_running, self._gpus,
        )  # fmt: skip

    def _read_cluster(self) -> None:
        """Under the lock: the cluster's GPUs, and its CPUs as `max_running` unless it was
        given. Read again every CLUSTER_EVERY seconds: nodes join after the API starts (the
        compose profile starts the API once the head is up) and leave."""
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        self._gpus = float(resources.get("GPU", 0.0))
        if self._auto_max:
            self._max_running = max(1, int(resources.get("CPU", 1)))
        self._cluster_read = time.perf_counter()

    def _init_ray(self) -> None:
        if self._address:
            ray.init(address=self._address, logging_level=logging.WARNING)
            return
        # A local Ray's workers must import this playground, wherever it was imported from
        # (a source checkout on PYTHONPATH, not only the installed package).
        root = str(Path(playground.__file__).resolve().parents[1])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        ray.init(
            num_cpus=self._local_cpus, num_gpus=None, include_dashboard=False,
            logging_level=logging.WARNING,
            runtime_env={"env_vars": {"PYTHONPATH": path, "OMP_NUM_THREADS": "1"}},
        )  # fmt: skip
        self._owns_ray = True

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Ray is up once start() returns; actors boot per run."""
        return self.thread is not None

    def submit(self, run_id: int, spec_json: str, owner: int | None = None) -> None:
        """Queue a run; it gets an actor when there is room, in submission order among its
        owner's runs, owners taking turns."""
        self._enqueue([[(run_id, spec_json)]], owner)

    def submit_group(self, jobs: list[tuple[int, str]], owner: int | None = None) -> None:
        """Trials the grouper keys alike train together in one actor (grouping.py)."""
        entries = plan_groups(
            jobs, grouper=self._grouper, limits=self._limits, ctx=self._ctx,
            workers=max(1, self._max_running),
        )  # fmt: skip
        self._enqueue(entries, owner)

    def _enqueue(self, entries: list[Entry], owner: int | None) -> None:
        with self.lock:
            if self._stopping or self.thread is None:
                raise RuntimeError("the executor is stopped" if self._stopping else "not started")
            self._queue.add(entries, owner, lambda r: self._running(r) is not None)
        self._wake()

    def cancel(self, run_id: int) -> bool:
        with self.lock:
            if self._queue.cancel(run_id):
                self._outbox.append(Finished(run_id, RunResult("cancelled")))
            else:
                a = self._running(run_id)
                if a is None:
                    return False
                a.cancelled.add(run_id)
                a.actor.handle.cancel.remote(a.key, a.trial(run_id))
                if a.cancel_due is None and set(a.unfinished) <= a.cancelled:
                    a.cancel_due = time.perf_counter() + self._grace
        self._wake()
        return True

    def hold(self, run_id: int, hold: Hold) -> bool:
        with self.lock:
            a = self._running(run_id)
            if a is None or a.grouped or a.actor.pid is None or a.ending:
                return False
            a.actor.handle.hold.remote(a.key, int(hold))
        return True

    def in_group(self, run_id: int) -> bool:
        with self.lock:
            a = self._running(run_id)
            return a is not None and a.grouped

    def queue_position(self, run_id: int) -> int | None:
        with self.lock:
            return self._queue.position(run_id)

    def status(self) -> ExecutorStatus:
        with self.lock:
            pool = [info(a.actor, a) for a in self._active.values()]
            pool += [info(actor, None) for actor in self._idle]
            states = [w["state"] for w in pool]
            busy, starting = states.count("busy"), states.count("starting")
            # idle: room for more entries now (an idle actor, or resources for a new one)
            return ExecutorStatus(
                engine="ray",
                workers=self._max_running,
                busy=busy,
                idle=max(0, self._max_running - busy - starting),
                starting=starting,
                queued=len(self._queue),
                devices=sorted({w["device"] for w in pool}),
                pool=pool,
            )

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel running runs, drop queued ones, end every actor (killed after
        `timeout`), and shut down a local Ray started here; idempotent."""
        if threading.current_thread() is self.thread:
            raise RuntimeError("stop() from on_event would wait for itself")
        with self.lock:
            self._stopping = True
            self._queue.clear()
            for a in self._active.values():
                for run_id in a.unfinished:
                    a.actor.handle.cancel.remote(a.key, a.trial(run_id))
            for actor in self._idle:
                ray.kill(actor.handle)
            self._idle.clear()
        if self.thread is not None:
            self._wake()
            self.thread.join(timeout)
            if self.thread.is_alive():
                with self.lock:
                    for a in self._active.values():
                        self._kill(a, "stopped")
                self.thread.join(5.0)
            if self.thread.is_alive():
                log.error("the Ray executor thread did not end; is on_event blocked?")
        if self._mailbox is not None:
            ray.kill(self._mailbox)
            self._mailbox = None
        if self._owns_ray:
            ray.shutdown()
            self._owns_ray = False

    # ---- the executor thread ----------------------------------------------------------
    def _loop(self) -> None:
        done = False
        while not done:
            try:
                done = self._turn()
            except Exception:  # a dead thread would hang every run: log and go on
                log.exception("Ray executor error")
                time.sleep(0.1)

    def _turn(self) -> bool:
        """Start actors, take events, end actors that are done; True once stopped."""
        with self.lock:
            if time.perf_counter() - self._cluster_read >= CLUSTER_EVERY:
                self._read_cluster()
            if not self._stopping:
                self._assign()
            events, self._outbox = self._outbox, []
            done = self._stopping and not self._active
            timeout = self._timeout()
            calls = {a.ref: a for a in self._active.values()}
        self._emit_all(events)
        if done:
            return True
        messages = ray.get(self._mailbox.take.remote(timeout))
        ended: list[Any] = []
        if calls:
            ended, _ = ray.wait(list(calls), num_returns=len(calls), timeout=0)
        if ended:  # what an ended actor sent last is in the mailbox by now
            messages += ray.get(self._mailbox.take.remote(0))
        for message in messages:
            self._handle(message)
        for ref in ended:
            self._end(calls[ref], ref)
        with self.lock:
            self._kill_overdue()
            self._end_idle()
        return False

    def _timeout(self) -> float:
        """Under the lock: seconds until the next deadline, at most POLL."""
        now = time.perf_counter()
        dues = [d for a in self._active.values() for d in (a.time_due, a.cancel_due) if d]
        return max(0.0, min([POLL, *(d - now for d in dues)]))

    def _assign(self) -> None:
        """Under the lock: an actor for the queue's next entry (owners in turn), while
        there is room."""
        while len(self._active) < self._max_running:
            entry = self._queue.next_entry(self._full_owners())
            if entry is None:
                break
            try:
                place = self._placement(entry)
            except ValueError as e:
                self._outbox += [Finished(r, RunResult("failed", error=str(e))) for r, _ in entry]
                place = None
            if place is not None and self._finishing(place):
                break  # that actor is idle in a moment: wait for it rather than start one
            if place is None:
                self._queue.take(entry)  # failed: no turn used
                continue
            owner = self._queue.serve(entry)
            if place.num_gpus:
                entry = [(run_id, on_ray_gpu(job)) for run_id, job in entry]
            self._keys += 1
            actor = self._actor_for(place)
            a = Active(
                key=self._keys, actor=actor, ref=actor.handle.train.remote(self._keys, entry),
                jobs=entry, owner=owner, unfinished=[run_id for run_id, _ in entry],
            )  # fmt: skip
            if actor.pid is not None:  # booted already: the clock starts now
                a.time_due = time.perf_counter() + self._limits.max_seconds + TIME_LIMIT_ALLOWANCE
            self._active[a.key] = a

    def _full_owners(self) -> set[Owner]:
        """Under the lock: the owners with `max_running_per_owner` entries still training."""
        if self._max_per_owner is None:
            return set()
        training = Counter(a.owner for a in self._active.values() if a.unfinished)
        return {o for o, n in training.items() if o is not None and n >= self._max_per_owner}

    def _finishing(self, place: Placement) -> bool:
        """Under the lock: whether an actor with this placement has sent the Finished of
        every run of its job, and its `train` call is about to return."""
        return any(
            a.actor.place == place and not a.unfinished and a.ending is None
            for a in self._active.values()
        )

    def _actor_for(self, place: Placement) -> Actor:
        """Under the lock: an idle actor with this placement, else a new one (ending idle
        actors of other placements first: they hold resources the new one may need)."""
        now = time.perf_counter()
        for actor in self._idle:
            if actor.place == place:
                self._idle.remove(actor)
                actor.idle_since = None
                return actor
        while self._idle and len(self._idle) + len(self._active) >= self._max_running:
            ray.kill(self._idle.pop(0).handle)
        self._actors += 1
        config = replace(self._config, device=place.device, threads=place.num_cpus)
        handle = TrainerActor.options(
            num_cpus=place.num_cpus, num_gpus=place.num_gpus, max_concurrency=2, max_restarts=0,
        ).remote(self._mailbox, self._actors, config)  # fmt: skip
        return Actor(self._actors, handle, place, now)

    def _end_idle(self) -> None:
        """Under the lock: end the actors idle for IDLE_SECONDS (all of them once stopping)."""
        now = time.perf_counter()
        for actor in list(self._idle):
            if self._stopping or now - (actor.idle_since or now) >= IDLE_SECONDS:
                self._idle.remove(actor)
                ray.kill(actor.handle)

    def _placement(self, entry: Entry) -> Placement:
        """CPUs and GPUs for an entry, from its first spec's device and size; ValueError
        when it asks for a GPU the cluster does not have."""
        try:
            spec, _ = worker._parse(entry[0][1])
        except SpecError:  # the actor reports why; it needs little to do so
            return Placement(1, 0.0, "cpu")
        wanted = spec.training.device
        gpu = wanted.startswith("cuda") or (wanted == "auto" and self._gpus > 0)
        if gpu and not self._gpus:
            raise ValueError(f'the Ray cluster has no GPU for device "{wanted}"')
        if gpu:
            return Placement(1, min(1.0, self._gpus_per_run), "cuda:0")
        n = len(entry)
        cpus = threads_for(spec, cores=self._cpus_per_run, limits=self._limits, ctx=self._ctx,
                           trials=n)  # fmt: skip
        return Placement(cpus, 0.0, "cpu")

    def _handle(self, message: Any) -> None:
        if isinstance(message, Wake):
            return
        now = time.perf_counter()
        with self.lock:
            if isinstance(message, ActorUp):  # the clock of its first job starts now
                a = next((a for a in self._active.values() if a.actor.key == message.key), None)
                if a is not None:
                    a.actor.pid, a.actor.boot_seconds = message.pid, now - a.actor.created
                    a.time_due = now + self._limits.max_seconds + TIME_LIMIT_ALLOWANCE
                return
            a = self._running(message.run_id)
            if a is not None:
                a.track(message, now, self._limits.max_seconds + TIME_LIMIT_ALLOWANCE)
        self._emit(message)

    def _end(self, a: Active, ref: Any) -> None:
        """The actor's `train` call returned or failed: report its unfinished runs."""
        alive = False
        try:
            ray.get(ref)
            how, alive = "the Ray actor ended without finishing the run", True
        except RayActorError as e:
            how = f"the Ray actor running it died ({first_line(e)})"
        except RayError as e:
            how = f"the Ray actor failed ({first_line(e)})"
        with self.lock:
            del self._active[a.key]
            lost, why = list(a.unfinished), a.ending
            if alive and not lost and why is None and not self._stopping:
                a.actor.idle_since = time.perf_counter()  # it waits for the next entry
                self._idle.append(a.actor)
                return
        ray.kill(a.actor.handle)  # its resources go back to Ray now, not when collected
        limit = self._limits.max_seconds
        for run_id in lost:
            if why == "timed out":
                error = f"the run exceeded its time limit of {limit:g} s; its actor was stopped"
                self._emit(Finished(run_id, RunResult("failed", error=error)))
            elif why == "ignored cancel":
                error = f"the run ignored the cancel for {self._grace:g} s; its actor was killed"
                self._emit(Finished(run_id, RunResult("cancelled", error=error)))
            else:
                self._emit(WorkerLost(run_id, how))

    def _kill_overdue(self) -> None:
        now = time.perf_counter()
        for a in self._active.values():
            if a.ending is None and a.time_due is not None and now >= a.time_due:
                log.warning("runs %s went past their time limit; killing their actor", a.unfinished)
                self._kill(a, "timed out")
            elif a.ending is None and a.cancel_due is not None and now >= a.cancel_due:
                self._kill(a, "ignored cancel")

    def _kill(self, a: Active, why: str) -> None:
        """Under the lock: end the actor now; its failed `train` call reports the runs."""
        if a.ending is None:
            a.ending = why
            ray.kill(a.actor.handle, no_restart=True)

    def _running(self, run_id: int) -> Active | None:
        """Under the lock: the active entry that still trains the run."""
        return next((a for a in self._active.values() if run_id in a.unfinished), None)

    def _wake(self) -> None:
        mailbox = self._mailbox
        if mailbox is not None:
            mailbox.put.remote(Wake())

    def _emit_all(self, events: Sequence[Event]) -> None:
        deliver(self._on_event, events)

    def _emit(self, event: Event) -> None:
        deliver(self._on_event, (event,))
