"""The worker process: boots warm, then trains the jobs its parent sends, one at a time.

Parent -> worker: `(run_id, spec_json)` to train one run, a list of them to train a sweep
group together (`ml.vectorized.train_group`), `None` to exit. Worker -> parent: `Ready`
once, then for each job its runs' events (each run's ending with its `Finished`) — a
worker is idle again as soon as every run of its job has sent `Finished`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import torch
from pydantic import ValidationError

from playground.executors.control import RunControl
from playground.executors.events import Finished, Paused, Progress, Started
from playground.executors.reporting import FLUSH_INTERVAL, GroupPipe, PipeHooks, SnapshotWriter
from playground.ml.datasets import DataContext
from playground.ml.device import resolve_device
from playground.ml.errors import SpecError, from_validation_error
from playground.ml.hooks import Hooks, RunResult
from playground.ml.limits import Limits
from playground.ml.memory import is_out_of_memory, out_of_memory_message
from playground.ml.runtime import tune_gc, tune_malloc
from playground.ml.spec import RunSpec
from playground.ml.threads import choose_threads, threads_for, use_threads
from playground.ml.train import train
from playground.ml.transfer import Job as TransferJob
from playground.ml.transfer import Transfer
from playground.ml.validate import Summary, validate
from playground.ml.vectorized import train_group

try:
    import resource
except ImportError:  # not on a Unix: no OS cap, the estimate at validation still holds
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
GROUP_FLUSHES = 4  # a group reports about as often as this many runs alone

# The exit status of a worker that ran out of memory outside a run (slots.py reads it).
OUT_OF_MEMORY_EXIT = 75
# Address space a torch thread started after boot reserves without using it: its 8 MB
# stack and glibc's 64 MB malloc arena. Measured: a second intra-op thread added 72 MB of
# VmSize (and 3 MB of RSS) to a booted worker.
THREAD_ADDRESS_SPACE = 80 * 2**20

# A run small enough to take ~0.1 s that still touches every lazy import and first-call
# cost on the way: data generation, model building, the optimizer step (which imports
# torch._dynamo, ~1.2 s), evaluation and the boundary grid.
_WARM_UP: dict[str, Any] = {
    "data": {"dataset": "spiral", "n_samples": 40, "seed": 0},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 4, "activation": "Tanh"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 1, "batch_size": 20},
}


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to know; pickled once, when the process is spawned."""

    device: str  # "cpu" or "cuda:N"; replaces a spec's "auto"
    threads: int  # torch intra-op threads at most: this worker's share of the cores
    limits: Limits
    data_dir: Path | None
    warm_up: bool = True
    artifacts_dir: Path | None = None  # where runs' snapshots go; None: none are kept
    # Bytes of address space the worker may add after booting (RLIMIT_AS); None: no cap.
    memory_cap: int | None = None


@dataclass(frozen=True)
class Ready:
    """The worker has booted and waits for jobs."""

    pid: int
    warm_up_seconds: float  # the throwaway run; the rest of the boot is imports


# (run_id, job JSON text: a spec, or {"spec", "transfers"} for a run whose layers start
# from stored runs' weights, ml.transfer.Job)
RunJob = tuple[int, str]
Job = RunJob | list[RunJob] | None  # a run, a group's trials in order (its cancel flags'), or exit
WorkerMessage = Ready | Started | Progress | Paused | Finished  # what a worker sends its parent
Send = Callable[[WorkerMessage], None]


def main(conn: Connection[WorkerMessage, Job], control: RunControl, config: WorkerConfig) -> None:
    """Process entry point: boot, say Ready, train jobs until told to stop or orphaned."""
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when
    # workers stop (through stop()), so a worker must not die mid-run on SIGINT.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tune_malloc()  # tensors made and freed again and again reuse their pages (ml/runtime.py)
    # N workers each using every core would oversubscribe the CPU and run slower than
    # one; the parent gives each worker its share of the cores (config.threads), and each
    # job uses as many of them as its size pays for (ml/threads.py). The warm-up is tiny.
    use_threads(choose_threads(0, cores=config.threads))
    device = resolve_device(config.device)  # a clear error for a missing GPU
    if device.type == "cuda":
        torch.cuda.set_device(device)
    warm = _warm_up(config.device) if config.warm_up else 0.0
    # torch, scipy and sklearn leave ~360k long-lived objects: a full collection scans
    # them all (~370 ms, a stall mid-run). Frozen, they are never scanned again.
    tune_gc()
    ctx = DataContext(data_dir=config.data_dir)
    # CUDA reserves far more address space than it uses: GPU workers get no cap.
    capped = device.type == "cpu" and cap_memory(config.memory_cap, config.threads) is not None
    if not capped:
        config = dataclasses.replace(config, memory_cap=None)  # no cap to name in messages
    send = _sender(conn)
    send(Ready(os.getpid(), warm))
    try:
        _serve(conn, send, control, config, ctx)
    except MemoryError:  # outside a run (a run's own ends the run): say why we died
        os._exit(OUT_OF_MEMORY_EXIT)
    # Tearing down an interpreter that has loaded torch, scipy and sklearn takes 1-2 s,
    # and a worker holds nothing that needs finalising (no files, no database).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _serve(
    conn: Connection[WorkerMessage, Job],
    send: Send,
    control: RunControl,
    config: WorkerConfig,
    ctx: DataContext,
) -> None:
    """Train jobs until told to stop or orphaned."""
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent is gone
            break
        if job is None:
            break
        if isinstance(job, list):
            run_group(job, send, control, config, ctx)
        else:
            run_job(*job, send, control, config, ctx)
        # Free the run's tensors held in cycles now, not in the middle of the next run,
        # then freeze what is left (modules a run imported lazily), as at boot.
        tune_gc()


def cap_memory(cap: int | None, threads: int = 1) -> int | None:
    """Limit this process's address space to its size now plus `cap` bytes and room for
    `threads` more torch threads; the limit set (bytes), or None when there is no cap or
    the OS has no setrlimit.

    RLIMIT_AS, not RLIMIT_DATA: torch's CPU allocator takes large blocks with mmap, which
    RLIMIT_DATA counts only since Linux 4.7, and glibc's per-thread arenas are mmap too;
    the address space counts them all. It counts reservations that are never touched as
    well (thread stacks, arenas, shared libraries: a booted worker has ~690 MB of address
    space for ~360 MB resident), so the cap is measured from the booted size, not from 0.
    A run that asks for more gets an allocation error (MemoryError, or torch's "can't
    allocate memory"): it fails "out of memory" and the worker lives on.
    """
    if not cap or resource is None:
        return None
    size = _address_space()
    if size is None:
        return None
    limit = size + cap + (threads + 1) * THREAD_ADDRESS_SPACE  # + a run's snapshot writer
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def _address_space() -> int | None:
    """This process's address space now (VmSize, bytes); None where /proc has no status."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024  # kB
    return None


def run_job(
    run_id: int,
    spec_json: str,
    send: Send,
    control: RunControl,
    config: WorkerConfig,
    ctx: DataContext,
) -> None:
    """Parse and train one spec; every job ends with exactly one Finished."""
    hooks = PipeHooks(run_id, send, control, config.artifacts_dir, config.limits.max_pause_seconds)
    try:
        spec, transfers = _parse(spec_json)
        device_spec = _on_device(spec, config.device)
        try:  # once, for the thread choice and for training (it is on the way to Started)
            summary: Summary | None = validate(device_spec, limits=config.limits, ctx=ctx)
        except SpecError:
            summary = None  # train() validates again and fails the run, saying why
        threads = 1 if summary is None else threads_for(
            device_spec, cores=config.threads, limits=config.limits, ctx=ctx, summary=summary
        )  # fmt: skip
        use_threads(threads)
        train(
            device_spec, hooks, limits=config.limits, ctx=ctx, transfers=transfers,
            memory_cap=config.memory_cap, summary=summary,
        )  # fmt: skip
    except SpecError as e:
        hooks.on_end(RunResult("failed", error=f"invalid spec: {e}"))
    except Exception as e:  # train() never raises, but a job must never kill the worker
        log.exception("run %s failed outside train()", run_id)
        if not hooks.ended:
            hooks.on_end(RunResult("failed", error=f"{type(e).__name__}: {e}"))


def run_group(
    jobs: list[RunJob], send: Send, control: RunControl, config: WorkerConfig, ctx: DataContext
) -> None:
    """Train a sweep group with train_group, each trial reporting through its own hooks
    (trial i reads cancel flag i); every trial ends with exactly one Finished."""
    root = config.artifacts_dir
    writer = SnapshotWriter(root) if root is not None else None  # one thread for all trials
    try:
        _train_group(jobs, send, control, config, ctx, writer)
    finally:
        if writer is not None:
            writer.close()


def _train_group(
    jobs: list[RunJob],
    send: Send,
    control: RunControl,
    config: WorkerConfig,
    ctx: DataContext,
    writer: SnapshotWriter | None,
) -> None:
    """run_group's body: hooks for every trial, the bad specs failed, the rest trained."""
    pause = config.limits.max_pause_seconds
    # GroupPipe sends every trial's buffer at once every `every` seconds, a burst the API
    # stores in one transaction, about as many batches a second as 4 runs alone would
    # send (64 trials: each every ~0.5 s). 64 trials flushing 30 times a second each were
    # ~2,000 messages a second; and each transaction rewrites the index pages every trial
    # touches (SQLite writes whole pages to its log), so fewer, larger ones cost less.
    every = FLUSH_INTERVAL * max(1.0, len(jobs) / GROUP_FLUSHES)
    hooks = [
        PipeHooks(
            run_id, send, control, max_pause=pause, trial=i, writer=writer, flush_interval=math.inf
        )
        for i, (run_id, _) in enumerate(jobs)
    ]
    specs, members = [], []
    for (_, spec_json), trial in zip(jobs, hooks, strict=True):
        try:
            spec, transfers = _parse(spec_json)
            if transfers:  # grouping never takes these (no key); be safe anyway
                raise SpecError.at(
                    ("model",), "a run that starts from another run's weights trains alone"
                )
            specs.append(_on_device(spec, config.device))
            members.append(trial)
        except SpecError as e:  # the executor sends such a spec alone; be safe anyway
            trial.on_end(RunResult("failed", error=f"invalid spec: {e}"))
    try:
        if specs:
            cores, limits = config.threads, config.limits
            n = len(specs)
            use_threads(threads_for(specs[0], cores=cores, limits=limits, ctx=ctx, trials=n))
            ticks = GroupPipe(members, control, every)
            train_group(specs, members, limits=limits, ctx=ctx, ticks=ticks)
    except Exception as e:  # train_group should not raise, but a job must never kill the worker
        log.exception("group of runs %s failed outside train_group()", [h.run_id for h in members])
        error = f"{type(e).__name__}: {e}"
        if is_out_of_memory(e):
            error = out_of_memory_message(config.memory_cap)
        for trial in members:
            if not trial.ended:
                trial.on_end(RunResult("failed", error=error))


def _parse(job_json: str) -> tuple[RunSpec, list[Transfer]]:
    """JSON text -> the spec and its resolved transfers; parsed, never unpickled."""
    try:
        if job_json.startswith('{"spec":'):  # the service's envelope (TransferJob)
            job = TransferJob.model_validate_json(job_json)
            return job.spec, job.transfers
        return RunSpec.model_validate_json(job_json), []
    except ValidationError as e:
        raise SpecError(from_validation_error(e)) from None


def _on_device(spec: RunSpec, device: str) -> RunSpec:
    """Pin a spec that says "auto" to this worker's device."""
    if spec.training.device != "auto":
        return spec
    training = spec.training.model_copy(update={"device": device})
    return spec.model_copy(update={"training": training})


def _warm_up(device: str) -> float:
    """Train the throwaway run; returns its seconds."""
    started = time.perf_counter()
    result = train(_on_device(RunSpec.model_validate(_WARM_UP), device), Hooks())
    if result.status != "succeeded":
        log.warning("worker warm-up run %s: %s", result.status, result.error)
    return time.perf_counter() - started


def _sender(conn: Connection[WorkerMessage, Job]) -> Send:
    """conn.send, exiting the process when the parent has gone (nobody left to report to)."""

    def send(message: WorkerMessage) -> None:
        try:
            conn.send(message)
        except OSError:  # BrokenPipeError and friends
            os._exit(1)

    return send
