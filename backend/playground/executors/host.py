"""What this machine offers the worker pool: GPUs, CPU cores, threads per worker."""

from __future__ import annotations

import os

from playground.ml.device import gpu_count


def default_devices(workers: int, per_gpu: int = 1) -> list[str]:
    """`per_gpu` workers per visible GPU, else `workers` CPU workers.

    GPUs take turns (cuda:0, cuda:1, cuda:0, ...): the dispatcher gives a run to the first
    idle worker, so runs spread over the GPUs before any GPU gets a second one.
    """
    gpus = gpu_count()  # harmless here: spawned workers inherit no CUDA state
    if not gpus:
        return ["cpu"] * workers
    return [f"cuda:{i}" for _ in range(per_gpu) for i in range(gpus)]


def threads_per_worker(workers: int) -> int:
    """torch intra-op threads for each of `workers` workers: a share of all cores but one.

    Every process defaults to one thread per core, so N workers would run N x cores
    threads; an OpenMP region then waits for threads the OS has descheduled. One core is
    left to the API process. Measured on 2 shared cores, 1 worker, tiny runs, submit ->
    Finished: 2 threads p50 32-246 ms, p95 up to 1.1 s; 1 thread p50 26-46 ms.
    """
    return max(1, (cores() - 1) // workers)


def cores() -> int:
    """CPU cores this process may use (respects taskset and container CPU sets)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def free_cores() -> int:
    """cores() less those other processes keep busy (1-minute load average), at least 1.

    On 2 shared cores kept busy by others, 2 torch threads ran a training step 1.5-100x
    slower than 1 at every size measured (up to 150M FLOPs per step): an OpenMP region
    waits for its descheduled thread. The load average counts the whole machine, so only
    our part of it (cores / all CPUs) is taken off.
    """
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available here
        return cores()
    busy = load * cores() / (os.cpu_count() or cores())
    return max(1, cores() - round(busy))
