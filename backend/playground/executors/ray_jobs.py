"""What the Ray executor knows about its actors and the jobs they train: pure bookkeeping
(no Ray calls), so that ray.py holds only the queue, the thread and the calls to Ray."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from playground.executors.base import WorkerInfo
from playground.executors.events import Event, Finished, Paused, Started
from playground.executors.grouping import Entry


@dataclass(frozen=True)
class Placement:
    """What one entry asks of Ray, and the device its actor trains on."""

    num_cpus: int
    num_gpus: float
    device: str  # "cpu" or "cuda:0" (Ray shows an actor only the GPU it was given)


@dataclass(eq=False)
class Actor:
    """One trainer actor: it trains an entry, or waits idle for the next with its placement."""

    key: int  # ActorUp.key
    handle: Any  # the ActorHandle
    place: Placement
    created: float  # perf_counter seconds
    pid: int | None = None  # known once it sent ActorUp
    boot_seconds: float | None = None
    idle_since: float | None = None  # perf_counter seconds; None while it trains


@dataclass(eq=False)
class Active:
    """One entry that an actor trains, and what the thread knows about it."""

    key: int  # the job's number: the actor ignores a cancel or hold meant for another
    actor: Actor
    ref: Any  # the ObjectRef of its `train` call
    jobs: Entry
    owner: int | None = None  # who queued it (run_queue.Owner)
    unfinished: list[int] = field(default_factory=list)  # runs that have not sent Finished
    cancelled: set[int] = field(default_factory=set)
    time_due: float | None = None  # perf_counter seconds; None while paused
    time_left: float = 0.0  # seconds to the deadline when it was paused
    cancel_due: float | None = None
    ending: str | None = None  # why it was killed: "timed out", "ignored cancel", "stopped"

    @property
    def grouped(self) -> bool:
        return len(self.jobs) > 1

    def trial(self, run_id: int) -> int:
        return next(i for i, (rid, _) in enumerate(self.jobs) if rid == run_id)

    def track(self, event: Event, now: float, time_allowed: float) -> None:
        """A run's clock starts at Started (`time_allowed` seconds from then), stops while
        paused, and the run leaves the job at Finished."""
        if isinstance(event, Finished):
            self.unfinished.remove(event.run_id)
        elif isinstance(event, Started) and self.time_due is not None:
            self.time_due = now + time_allowed
        elif isinstance(event, Paused) and event.paused and self.time_due is not None:
            self.time_left, self.time_due = self.time_due - now, None
        elif isinstance(event, Paused) and not event.paused and self.time_due is None:
            self.time_due = now + self.time_left


def on_ray_gpu(job_json: str) -> str:
    """The job with a spec's "cuda:N" read as "the GPU Ray gave this actor" (cuda:0: Ray
    shows an actor only its own). JSON in, JSON out; "auto" is left to the actor."""
    job = json.loads(job_json)
    spec = job["spec"] if job_json.startswith('{"spec":') else job  # ml.transfer.Job
    training = spec.get("training") or {}
    if str(training.get("device", "auto")).startswith("cuda"):
        training["device"] = "cuda:0"
        return json.dumps(job)
    return job_json


def info(actor: Actor, job: Active | None) -> WorkerInfo:
    """An actor as `status()` shows it: starting (booting, or waiting for Ray to place
    it), busy while its job has unfinished runs, else idle."""
    unfinished = list(job.unfinished) if job else []
    state = "starting" if actor.pid is None else "busy" if unfinished else "idle"
    return WorkerInfo(
        pid=actor.pid, device=actor.place.device, state=state,
        run_id=unfinished[0] if unfinished else None, run_ids=unfinished,
        boot_seconds=actor.boot_seconds,
    )  # fmt: skip


def first_line(error: BaseException) -> str:
    """A Ray error's message is pages long; its first line says what happened."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
