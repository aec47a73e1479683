"""The collector settings of the server and the workers (ml/runtime.py), checked in a
fresh interpreter: freezing and thresholds are process-wide, and this test process must
keep its own."""

from __future__ import annotations

import subprocess
import sys

from playground.ml.runtime import YOUNG_THRESHOLD

PROBE = """
import gc
from playground.ml.runtime import tune_gc
import playground.api.main  # the server's imports, as `playground serve` has them
tune_gc()
garbage = []
garbage.append(garbage)  # a cycle made after start-up is still collected
del garbage
print(gc.get_threshold()[0], gc.get_freeze_count(), gc.collect())
"""


def test_serve_freezes_start_up_objects_and_spaces_out_collections() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    young, frozen, collected = map(int, out)
    assert young == YOUNG_THRESHOLD
    assert frozen > 100_000  # the modules, classes and functions of the app's imports
    assert collected >= 1  # the cycle made afterwards: garbage is still found


def test_a_bookkeeping_thread_runs_at_a_lower_priority_than_the_rest() -> None:
    import os
    import threading

    from playground.ml.runtime import BOOKKEEPING_NICE, lower_this_thread

    seen: list[int] = []

    def writer() -> None:
        lower_this_thread()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == [min(mine + BOOKKEEPING_NICE, 19)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # others keep theirs


FAULTS = """
import resource, sys, torch
from torch import nn
from playground.ml.runtime import tune_malloc
from playground.ml.vectorized.stack import Stack
if sys.argv[1] == "tuned":
    assert tune_malloc()
torch.set_num_threads(1)
net = lambda: nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))
stack, grid = Stack([net() for _ in range(64)]), torch.rand(2500, 2)
def grids():  # a 64-trial group's boundary grids: the outputs, then class probabilities
    for _ in range(20):
        out = stack.evaluate(grid)
        probabilities = (out - out.amax(-1, keepdim=True)).exp()
        del out, probabilities
grids()  # the first blocks are new either way
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
grids()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_tuned_malloc_reuses_the_pages_of_blocks_made_and_freed_again() -> None:
    def faults(mode: str) -> int:
        run = subprocess.run(
            [sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, check=True
        )
        return int(run.stdout.split()[-1])

    default, tuned = faults("default"), faults("tuned")
    assert default > 5_000  # measured ~19,000: the 5 MB blocks faulted in anew each time
    assert tuned < default / 10  # measured 0
