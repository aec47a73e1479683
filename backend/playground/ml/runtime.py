"""How our long-lived processes run: the garbage collector's and malloc's settings for the
API server (`playground serve` applies them once started) and the training workers (at
boot, and after each job), and the lower priority of the threads that only keep records.

The server's one writer thread turns a sweep's progress into ~150,000 metric rows (tuples,
dicts and report objects that live for one batch), and CPython's cycle collector ran
~830 times while one 64-trial sweep was stored, each pass walking the young objects and,
every hundredth, the whole heap: torch, FastAPI, SQLAlchemy and pydantic's hundreds of
thousands of long-lived objects. Measured, replaying a recorded sweep group's events into
the writer (one thread): 0.82-0.91 s of 1.8 s was collection; with the settings below 54
collections took 0.12-0.28 s.

- `gc.freeze()` after start-up moves every object alive then (modules, classes, the app)
  out of the collector's sight: they live as long as the process.
- A young generation of 10,000 allocations instead of 700: the collector runs 14 times
  less often; what a pass finds garbage is still freed (a few MB more live between
  passes). Reference counting frees everything that is not a cycle at once either way.

A worker's training loop allocates alike (a sweep group's reports, ~100,000 objects): in
an in-process 64-trial group, 186 collections took ~0.2 s of its training thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys
import threading

YOUNG_THRESHOLD = 10_000  # allocations between passes over the youngest generation


def tune_gc() -> None:
    """Collect once, freeze what is alive (imports, the app, a finished job's leftovers)
    and space out the passes."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


# Nice steps for a bookkeeping thread (the API's run writer, a worker's snapshot writer).
# Linux shares a core among runnable threads by weight: three threads on two cores each
# ran at about 2/3 speed, the training thread included, whenever the writers had a
# backlog. At +5 a writer weighs about a third of a training thread, so training keeps
# its core and the writers take what is left; their queue waits meanwhile and is stored
# in fewer, larger transactions. Measured (bench/sweep_api.py, 64 trials, 5 rounds, twice,
# alternating): 3.69 and 3.49 s against 4.05 and 3.82 s at equal priority. Requests are
# served by other threads, at the normal priority.
BOOKKEEPING_NICE = 5


def lower_this_thread() -> None:
    """Lower the calling thread's priority by BOOKKEEPING_NICE steps (Linux, where a
    thread has its own nice value; elsewhere, or when refused, nothing changes)."""
    if sys.platform != "linux":  # setpriority would lower the whole process
        return
    tid = threading.get_native_id()
    with contextlib.suppress(OSError):  # not permitted: run as we are
        nice = os.getpriority(os.PRIO_PROCESS, tid) + BOOKKEEPING_NICE
        os.setpriority(os.PRIO_PROCESS, tid, nice)


# glibc's mallopt parameters (malloc.h) and our values. By default glibc serves a block of
# more than 128 KB (growing with use) with a fresh mmap and unmaps it when freed, and gives
# the heap's free top back past 128 KB: a tensor of a few MB made and freed again and again
# faults in every one of its pages every time. A 64-trial group's boundary grids (64 x 8 x
# 2,500 floats a layer, 51 times) took ~96,000 page faults a group, ~0.3 s of its training
# thread on this VM (where touching a page the guest has not touched before costs ~11 us);
# with blocks up to 16 MB kept in the heap and up to 64 MB of free heap kept, 2-1,000.
# Bigger blocks (a large batch's activations) are still mapped and unmapped at once, and
# the memory a worker keeps is at most 64 MB past what it uses.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 16 << 20
TRIM_THRESHOLD = 64 << 20


def tune_malloc() -> bool:
    """Keep freed blocks of up to MMAP_THRESHOLD bytes for reuse (glibc on Linux; elsewhere
    nothing changes). Whether the settings took."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # another C library (musl): leave it as it is
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
