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
