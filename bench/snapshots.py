"""What seeing inside a network costs: snapshots during training, and inspect views after.

1. Snapshot cost per run: each preset is trained with the worker's own hooks writing
   snapshots (PipeHooks: weights copied on the training thread, safetensors files written
   by its writer thread) and without snapshots, alternating, in one process on one torch
   thread. Reported: the training thread's time spent on snapshots as a share of the run
   (measured directly, so machine noise does not blur it), the with/without wall-time
   ratio (which also counts the writer thread's CPU), snapshots and bytes.
   Target: <= 3 % of the run's time.
2. View latency through the probe pool the API uses (a spawned process, one torch thread):
   neurons / predict on the spiral MLP, feature_maps / saliency / predict on the digits CNN.
   p50 and p95 over repeated calls, on a calm machine and again while a second process
   trains on the other core. Target: p50 <= 100 ms.
3. The same views as a browser waits for them: POST /api/runs/{id}/inspect on a real
   server (uvicorn, worker, probe process, SQLite), after training the two presets there.

    .venv/bin/python bench/snapshots.py [--rounds 3] [--calls 30]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.server import Server, wait_status

from playground.executors.control import RunControl
from playground.executors.probes import Probe, ProbePool
from playground.executors.reporting import PipeHooks
from playground.ml.hooks import RunResult
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from playground.ml.train import train

EXAMPLES = Path(__file__).parents[1] / "examples"
PRESETS = ("mlp_spiral", "cnn_digits", "resnet_digits", "char_gru")
VIEWS: dict[str, list[dict[str, Any]]] = {
    "mlp_spiral": [
        {"view": "neurons"},
        {"view": "predict", "inputs": [[0.5, -0.25], [1.0, 1.0]]},
    ],
    "cnn_digits": [
        {"view": "feature_maps", "index": 3},
        {"view": "saliency", "index": 3},
        {"view": "predict", "inputs": [[[8.0] * 8] * 8]},
    ],
}


def preset(name: str) -> RunSpec:
    return RunSpec.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


class TimedHooks(PipeHooks):
    """The worker's hooks, sending nowhere, timing what snapshots cost the training thread:
    copying the weights and handing them to the writer thread, and at the end waiting for
    the writer to finish."""

    def __init__(self, root: Path | None) -> None:
        super().__init__(1, lambda _: None, RunControl.local(), root)
        self.saving = 0.0  # seconds

    def on_snapshot(self, epoch: int, model: nn.Module) -> None:
        started = time.perf_counter()
        super().on_snapshot(epoch, model)
        self.saving += time.perf_counter() - started

    def on_end(self, result: RunResult) -> None:
        started = time.perf_counter()
        super().on_end(result)
        self.saving += time.perf_counter() - started


def snapshot_cost(name: str, rounds: int) -> dict[str, Any]:
    spec = preset(name)
    train(spec)  # first-call costs (lazy imports, allocator) go to neither side
    shares, ratios, files, size = [], [], 0, 0
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            hooks = TimedHooks(Path(tmp))
            started = time.perf_counter()
            train(spec, hooks)
            with_snapshots = time.perf_counter() - started
            paths = list(Path(tmp).rglob("*.safetensors"))
            files, size = len(paths), sum(p.stat().st_size for p in paths)
        started = time.perf_counter()
        train(spec, TimedHooks(None))
        without = time.perf_counter() - started
        shares.append(hooks.saving / with_snapshots)
        ratios.append(with_snapshots / without)
    return {
        "preset": name,
        "share": statistics.median(shares),
        "ratio": statistics.median(ratios),
        "files": files,
        "bytes": size,
    }


def trained_snapshot(name: str, root: Path) -> Probe:
    spec = preset(name)
    train(spec, PipeHooks(1, lambda _: None, RunControl.local(), root))
    epoch = max(int(p.stem.split("-")[1]) for p in (root / "runs" / "1").glob("*.safetensors"))
    return Probe(spec.model_dump_json(), snapshot_path(root, 1, epoch), {})


def latency(pool: ProbePool, probe: Probe, request: dict[str, Any], calls: int) -> list[float]:
    job = Probe(probe.spec_json, probe.snapshot, request)
    pool.run(job)  # loads the data and the snapshot once, as a learner's first click does
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        pool.run(job)
        times.append((time.perf_counter() - started) * 1000)
    return times


def http_latency(calls: int) -> None:
    """p50/p95 of POST /inspect through a real server, per view (ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(Path(tmp) / "srv").start()
        try:
            with server.client() as client:
                ids = {}
                for name in VIEWS:
                    spec = json.loads((EXAMPLES / f"{name}.json").read_text())
                    ids[name] = client.post("/api/runs", json=spec).json()["id"]
                for run_id in ids.values():
                    wait_status(client, run_id, {"succeeded"}, timeout=300)
                print("\nview latency through the API (ms; POST /inspect, a real server)")
                for name, requests in VIEWS.items():
                    for request in requests:
                        url = f"/api/runs/{ids[name]}/inspect"
                        client.post(url, json=request).raise_for_status()  # loads once
                        t = sorted(_timed_post(client, url, request) for _ in range(calls))
                        p95 = t[int(0.95 * (len(t) - 1))]
                        print(f"{name:12} {request['view']:13} p50 {statistics.median(t):7.2f}"
                              f"  p95 {p95:7.2f}")  # fmt: skip
        finally:
            server.stop()


def _timed_post(client: httpx.Client, url: str, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    client.post(url, json=body).raise_for_status()
    return (time.perf_counter() - started) * 1000


def _busy(stop: Any) -> None:
    torch.set_num_threads(1)
    spec = preset("cnn_digits")
    while not stop.is_set():
        train(spec)


@contextmanager
def busy_machine(on: bool) -> Iterator[None]:
    """A second process training a CNN on one thread while the block runs."""
    if not on:
        yield
        return
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    proc = ctx.Process(target=_busy, args=(stop,), daemon=True)
    proc.start()
    time.sleep(3)  # past its imports, into training
    try:
        yield
    finally:
        stop.set()
        proc.join(60)
        if proc.is_alive():
            proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)

    print("snapshot cost (median of rounds; target: training thread <= 3 % of the run)")
    print(f"{'preset':16} {'thread %':>9} {'with/without':>13} {'files':>6} {'bytes':>10}")
    for name in PRESETS:
        r = snapshot_cost(name, args.rounds)
        print(f"{name:16} {100 * r['share']:8.2f}% {r['ratio']:13.3f} {r['files']:6d} "
              f"{r['bytes']:10,d}")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        probes = {name: trained_snapshot(name, Path(tmp) / name) for name in VIEWS}
        pool = ProbePool(processes=1)
        try:
            for busy in (False, True):
                with busy_machine(busy):
                    print(
                        f"\nview latency, {'busy' if busy else 'calm'} machine (ms; target p50 <= 100)"
                    )
                    for name, requests in VIEWS.items():
                        for request in requests:
                            t = sorted(latency(pool, probes[name], request, args.calls))
                            p95 = t[int(0.95 * (len(t) - 1))]
                            print(f"{name:12} {request['view']:13} p50 {statistics.median(t):7.2f}"
                                  f"  p95 {p95:7.2f}")  # fmt: skip
        finally:
            pool.stop()
    http_latency(args.calls)


if __name__ == "__main__":
    main()
