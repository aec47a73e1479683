"""Garbage-collector settings for our long-lived processes: the API server (`playground
serve` applies them once started) and the training workers (at boot, and after each job).

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

import gc

YOUNG_THRESHOLD = 10_000  # allocations between passes over the youngest generation


def tune_gc() -> None:
    """Collect once, freeze what is alive (imports, the app, a finished job's leftovers)
    and space out the passes."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
