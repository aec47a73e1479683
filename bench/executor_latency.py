"""Local executor latency: worker boot time, and submit -> first event for a tiny run.

    .venv/bin/python bench/executor_latency.py [--workers 2] [--runs 20] [--no-warm-up]

Runs go one at a time into a warm pool, so each figure is the pool's own overhead plus
the run's start-up (data generation, model build, epoch-0 evaluation), not queueing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time

from playground.executors.events import Event, Finished, Progress, Started
from playground.executors.local import LocalExecutor

TINY = {
    "data": {"dataset": "spiral", "n_samples": 200, "noise": 0.05, "seed": 0},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 8, "activation": "Tanh"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 3, "batch_size": 16},
}


class Timer:
    """on_event: records when each run's first Started, first Progress and Finished came."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.seen: dict[tuple[int, str], float] = {}

    def __call__(self, event: Event) -> None:
        kind = {Started: "started", Progress: "progress", Finished: "finished"}.get(type(event))
        with self.cond:
            if kind is not None:
                self.seen.setdefault((event.run_id, kind), time.perf_counter())
            self.cond.notify_all()

    def wait(self, run_id: int, kind: str) -> float:
        with self.cond:
            self.cond.wait_for(lambda: (run_id, kind) in self.seen, 60)
            return self.seen[(run_id, kind)]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, help="torch threads per worker (default: share)")
    parser.add_argument("--no-warm-up", dest="warm_up", action="store_false")
    args = parser.parse_args()

    timer = Timer()
    spec = json.dumps(TINY)
    started = time.perf_counter()
    options = {"workers": args.workers, "threads": args.threads, "warm_up": args.warm_up}
    with LocalExecutor(timer, **options) as executor:
        executor.wait_ready(120)
        ready = time.perf_counter() - started
        boots = [w["boot_seconds"] or 0.0 for w in executor.status()["pool"]]
        print(f"{args.workers} worker(s), warm-up {'on' if args.warm_up else 'off'}")
        print(
            f"  pool ready after {ready:.2f} s; per worker {', '.join(f'{b:.2f}' for b in boots)} s"
        )

        rows: dict[str, list[float]] = {"started": [], "progress": [], "finished": []}
        for run_id in range(1, args.runs + 1):
            submitted = time.perf_counter()
            executor.submit(run_id, spec)
            for kind, values in rows.items():
                values.append((timer.wait(run_id, kind) - submitted) * 1000)  # ms
        for kind, values in rows.items():
            print(
                f"  submit -> first {kind:<9} first run {values[0]:7.1f} ms   "
                f"p50 {statistics.median(values):6.1f} ms   p95 {percentile(values, 95):6.1f} ms"
            )


if __name__ == "__main__":  # spawned workers re-import this file; they must not run it
    main()
