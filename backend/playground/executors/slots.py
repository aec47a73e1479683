"""Worker slots: one spawned process per device, its lifecycle, and its replacement.

`Slots` is not thread-safe: the dispatcher calls it under its lock. Nothing here reads a
worker's pipe (the dispatcher does); this module spawns, signals, reaps and replaces.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext, SpawnProcess

from playground.executors import worker
from playground.executors.base import WorkerInfo
from playground.executors.control import RunControl
from playground.executors.events import Finished, WorkerLost
from playground.executors.lifecycle import (
    ENDED,
    KILLING,
    RUNNING,
    SHOWN,
    TIMED,
    WorkerState,
    check_transition,
)
from playground.ml.hooks import RunResult
from playground.ml.memory import out_of_memory_message

log = logging.getLogger(__name__)

MAX_BOOT_FAILURES = 3  # consecutive deaths before `Ready` after which a slot gives up
# Seconds past Limits.max_seconds before the parent kills a run's worker. The training
# loop stops a run cleanly at its limit, but only between steps; this is the hard stop for
# a step (or a data load) that goes on. The deadline is armed when the worker takes the
# job (so setup is bounded too) and armed again when the run says Started, since the
# loop's clock starts there (after data loading) and so does the run's `started_at`; time
# the run holds paused (Paused(True) to Paused(False)) is added, as the loop leaves it out.
# 5 s leaves the clean stop (the last snapshot, Finished) room, and the kill still lands
# within 10 s of the limit: the dispatcher wakes at the deadline, and reaping takes ms.
TIME_LIMIT_ALLOWANCE = 5.0

S = WorkerState


@dataclass(eq=False)
class Worker:
    """One worker process in a slot, and what the parent knows about it.

    Its job is one run, or the trials of a sweep group trained together; `run_ids` are
    those of its runs that have not sent Finished yet, and it is idle again once that set
    is empty. A trial is cancelled alone (its own flag in the control block); only when
    every unfinished trial is cancelled does the worker move to CANCELLING, with the
    kill deadline armed: killing it earlier would take trials nobody cancelled with it.
    """

    slot: int
    device: str
    process: SpawnProcess
    pid: int
    conn: Connection[worker.Job, worker.WorkerMessage]  # closed once it reads EOF
    control: RunControl  # shared memory: cancel flags, pause/resume/step
    spawned: float  # perf_counter seconds
    boot_failures: int = 0  # of this slot, before this process
    state: WorkerState = S.STARTING
    boot_seconds: float | None = None  # spawn -> Ready; None until booted
    # The run ids of its job in the job's order (trial i's cancel flag is control slot i),
    # and those not finished yet; set in a RUNNING state (BUSY, CANCELLING, KILLED,
    # TIMED_OUT), empty otherwise.
    job: tuple[int, ...] = ()
    run_ids: list[int] = dataclasses.field(default_factory=list)
    grouped: bool = False  # its job is a group (trained together: no pause one by one)
    cancels: dict[int, float | None] = dataclasses.field(default_factory=dict)  # run -> kill at
    cancel_deadline: float | None = None  # perf_counter seconds; CANCELLING only
    # Seconds a job may take here before it is killed (its limit + TIME_LIMIT_ALLOWANCE),
    # and how long one pause may hold (the worker resumes by itself then); None: no limit.
    time_allowed: float | None = None
    max_pause: float = 600.0
    time_deadline: float | None = None  # perf_counter s, paused time added; TIMED only
    held_since: float | None = None  # its run said Paused(True) then, and not yet False

    def move(self, new: WorkerState) -> None:
        """The one place a worker changes state; IllegalWorkerTransition on a bad move."""
        check_transition(self.state, new)
        self.state = new
        if new not in RUNNING:
            self.job, self.run_ids, self.grouped = (), [], False
            self.cancels = {}
        if new is not S.CANCELLING:
            self.cancel_deadline = None
        if new not in TIMED:
            self.time_deadline = self.held_since = None

    @property
    def takes_jobs(self) -> bool:
        return self.state is S.IDLE and not self.conn.closed

    def runs(self, run_id: int) -> bool:
        """Whether `run_id` is one of its runs still training."""
        return run_id in self.run_ids

    def booted(self) -> None:
        """STARTING -> IDLE: it said Ready."""
        self.move(S.IDLE)
        self.boot_seconds = time.perf_counter() - self.spawned

    def assign(self, jobs: list[worker.RunJob]) -> bool:
        """IDLE -> BUSY with the job sent: one run, or (several) a group trained together;
        False (still IDLE) when the pipe is broken."""
        self.control.reset()  # only here, never in the worker
        if not self.send(jobs if len(jobs) > 1 else jobs[0]):
            return False
        self.move(S.BUSY)
        self.job = tuple(run_id for run_id, _ in jobs)
        self.run_ids = list(self.job)
        self.grouped = len(jobs) > 1
        self._arm(time.perf_counter())
        return True

    def started(self, run_id: int, now: float) -> None:
        """One of its runs said Started: training (and the loop's own clock) begins now.

        A batched group starts all its trials at once, so it gets max_seconds like one
        run; the sequential fallback of train_group starts them one after another, each
        with the max_seconds its own loop keeps."""
        if self.runs(run_id) and self.state in TIMED:
            self._arm(now)

    def held(self, run_id: int, paused: bool, now: float) -> None:
        """Its run said Paused: the time limit stops while it holds, and the held time is
        added to the deadline when it goes on."""
        if not self.runs(run_id) or self.time_deadline is None:
            return
        if paused and self.held_since is None:
            self.held_since = now
        elif not paused and self.held_since is not None:
            self.time_deadline += now - self.held_since
            self.held_since = None

    def _arm(self, now: float) -> None:
        self.held_since = None
        self.time_deadline = None if self.time_allowed is None else now + self.time_allowed

    def time_due(self) -> float | None:
        """When its run's time is up (perf_counter s); None when no limit runs. While held
        the clock stops, but for at most `max_pause` (+ the allowance): by then the worker
        has resumed by itself and said so."""
        if self.time_deadline is None or self.held_since is None:
            return self.time_deadline
        return self.time_deadline + self.max_pause + TIME_LIMIT_ALLOWANCE

    def finished(self, run_id: int) -> None:
        """One of its runs sent Finished: idle again once all have (a killed worker just
        drops the run)."""
        if not self.runs(run_id):
            return
        self.run_ids.remove(run_id)
        self.cancels.pop(run_id, None)
        if self.state in KILLING:
            return  # reported; its reaping must not report the run again
        if not self.run_ids:
            self.move(S.IDLE)
        else:
            self._cancelling()  # the trials left may all be cancelled ones

    def cancel(self, run_id: int, deadline: float | None) -> None:
        """Ask one of its runs to stop; once every unfinished one is asked, BUSY ->
        CANCELLING and the first `deadline` given (perf_counter s) arms the kill."""
        if not self.runs(run_id):
            return
        self.control.cancel(self.job.index(run_id))
        if self.cancels.get(run_id) is None:
            self.cancels[run_id] = deadline
        self._cancelling()

    def cancel_all(self, deadline: float | None) -> None:
        for run_id in list(self.run_ids):
            self.cancel(run_id, deadline)

    def _cancelling(self) -> None:
        """BUSY -> CANCELLING once every unfinished run is cancelled; the kill is due
        when the last of their deadlines passes (the grace counts from the last cancel)."""
        if self.state not in TIMED or not all(r in self.cancels for r in self.run_ids):
            return
        if self.state is S.BUSY:
            self.move(S.CANCELLING)
        due = [d for r in self.run_ids if (d := self.cancels[r]) is not None]
        if self.cancel_deadline is None and due:
            self.cancel_deadline = max(due)

    def next_due(self) -> float | None:
        """The first of its cancel and time deadlines (perf_counter s), if any."""
        due = [d for d in (self.cancel_deadline, self.time_due()) if d is not None]
        return min(due, default=None)

    def kill_if_overdue(self, now: float) -> bool:
        """SIGKILL once a deadline has passed, moving by the first one to pass: CANCELLING
        -> KILLED (the cancel was ignored), BUSY or CANCELLING -> TIMED_OUT (time limit)."""
        cancel, time_up = self.cancel_deadline, self.time_due()
        if time_up is not None and now >= time_up and (cancel is None or time_up <= cancel):
            self.move(S.TIMED_OUT)
        elif cancel is not None and now >= cancel:
            self.move(S.KILLED)
        else:
            return False
        self.process.kill()
        return True

    def tell_to_exit(self) -> None:
        """IDLE -> EXITING; the process ends by itself and is reaped like any other."""
        self.move(S.EXITING)
        self.send(None)

    def send(self, job: worker.Job) -> bool:
        try:
            self.conn.send(job)
        except OSError:  # it just died (or its pipe was closed): the sentinel will say so
            return False
        return True

    def info(self) -> WorkerInfo:
        return WorkerInfo(
            pid=None if self.state in ENDED else self.pid,
            device=self.device,
            state=SHOWN[self.state],
            run_id=self.run_ids[0] if self.run_ids else None,
            run_ids=list(self.run_ids),
            boot_seconds=self.boot_seconds,
        )


class Slots:
    """One worker per device: spawns them, and replaces each one that ends."""

    def __init__(
        self, ctx: SpawnContext, config: worker.WorkerConfig, devices: list[str], grace: float
    ) -> None:
        self._ctx = ctx
        self._config = config
        self._devices = devices
        self.grace = grace  # seconds a cancel may be ignored before the kill
        self.workers: list[Worker] = []  # the current worker of each slot
        self.broken_reason = ""  # how the last worker that gave up ended

    def start(self) -> None:
        self.workers = [self._spawn(i, d) for i, d in enumerate(self._devices)]

    def running(self, run_id: int) -> Worker | None:
        """The worker training `run_id` (alone or in a group), if any."""
        return next((w for w in self.workers if w.runs(run_id)), None)

    def all_booted(self) -> bool:
        """Every slot has booted once or given up (for wait_ready)."""
        return all(w.boot_seconds is not None or w.state is S.BROKEN for w in self.workers)

    def all_broken(self) -> bool:
        return bool(self.workers) and all(w.state is S.BROKEN for w in self.workers)

    def next_deadline(self) -> float | None:
        """Seconds until the first cancel or time deadline; None when none is armed."""
        deadlines = [d for w in self.workers if (d := w.next_due()) is not None]
        return max(0.0, min(deadlines) - time.perf_counter()) if deadlines else None

    def kill_overdue(self) -> None:
        now = time.perf_counter()
        for w in self.workers:
            run_ids = list(w.run_ids)
            if w.kill_if_overdue(now) and w.state is S.TIMED_OUT:
                log.warning(
                    "runs %s went %g s past their time limit of %g s; killing worker %s",
                    run_ids, TIME_LIMIT_ALLOWANCE, self._config.limits.max_seconds, w.pid,
                )  # fmt: skip

    def signal_all(self, force: bool) -> None:
        """SIGTERM (or SIGKILL) to every worker still running; the dispatcher reaps them."""
        for w in self.workers:
            if w.state not in ENDED:
                w.process.kill() if force else w.process.terminate()

    def retire(self, w: Worker, *, replace: bool) -> list[Finished | WorkerLost]:
        """The joined process `w` ended: close it and, when `replace`, start its successor.

        Returns the terminal event of each run it held that had not finished (a group's
        trials that had already sent Finished keep their result)."""
        code = w.process.exitcode
        if code is None:  # closed the sentinel yet lives on (cannot happen): end it
            w.process.kill()
            w.process.join()
        w.process.close()
        w.conn.close()
        how = describe_exit(code)
        was, lost = w.state, list(w.run_ids)
        failures = w.boot_failures + 1 if was is S.STARTING else 0
        if replace and failures >= MAX_BOOT_FAILURES:
            w.move(S.BROKEN)
            log.error(
                "worker slot %s (%s) %s while booting %s times; giving up",
                w.slot, w.device, how, failures,
            )  # fmt: skip
            self.broken_reason = f"the last one {how}"
        else:
            w.move(S.REAPED)
        if replace and w.state is S.REAPED:
            if was not in KILLING:
                stage = {S.STARTING: "while booting", S.IDLE: "while idle"}.get(was, "mid-run")
                log.warning("worker %s (%s) %s %s; starting another", w.pid, w.device, how, stage)
            self.workers[w.slot] = self._spawn(w.slot, w.device, failures)
        if was is S.KILLED:
            error = f"the run ignored the cancel for {self.grace:g} s; its worker was killed"
            return [Finished(r, RunResult("cancelled", error=error)) for r in lost]
        if was is S.TIMED_OUT:
            limit = self._config.limits.max_seconds
            error = f"the run exceeded its time limit of {limit:g} s; its worker was stopped"
            return [Finished(r, RunResult("failed", error=error)) for r in lost]
        reason = lost_reason(code, how, self._config.memory_cap)
        return [WorkerLost(r, reason) for r in lost]

    def _spawn(self, slot: int, device: str, boot_failures: int = 0) -> Worker:
        parent, child = self._ctx.Pipe()
        control = RunControl.create(self._ctx)
        config = dataclasses.replace(self._config, device=device)
        process = self._ctx.Process(
            target=worker.main,
            args=(child, control, config),
            name=f"playground-worker-{slot}",
            daemon=True,  # ended by multiprocessing's atexit if stop() is never called
        )
        process.start()
        child.close()  # only the worker holds its end now, so its exit reads as EOF here
        assert process.pid is not None
        limits = self._config.limits
        return Worker(
            slot, device, process, process.pid, parent, control, time.perf_counter(), boot_failures,
            time_allowed=limits.max_seconds + TIME_LIMIT_ALLOWANCE,
            max_pause=limits.max_pause_seconds,
        )  # fmt: skip


def lost_reason(code: int | None, how: str, cap: int | None) -> str:
    """Why a worker's runs were lost, in the learner's terms when memory is the likely cause.

    Our own kills (cancel, time limit) never come here, so a SIGKILL is someone else's:
    on Linux most often the kernel's out-of-memory killer.
    """
    if code == worker.OUT_OF_MEMORY_EXIT:
        return f"{out_of_memory_message(cap)}; its worker was replaced"
    if code == -signal.SIGKILL:
        return (
            f"worker process {how}: most likely out of memory (the system's out-of-memory "
            "killer ends the biggest process); try a smaller batch_size or model"
        )
    return f"worker process {how}"


def describe_exit(code: int | None) -> str:
    """-9 -> 'died (signal 9, SIGKILL)'; 1 -> 'exited with code 1'."""
    if code is None:
        return "ended (exit status unknown)"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            return f"died (signal {-code})"
        return f"died (signal {-code}, {name})"
    return f"exited with code {code}"
