"""`playground train` as a whole process: the threads it chooses vs torch's default.

Each round runs the same spec twice as a subprocess, wall time from spawn to exit (imports
included), alternating which goes first: once with no option (the choice of
ml/threads.py) and once with `--threads N`, N = torch's default (a thread per core).
Workloads: the spiral MLP preset (30 epochs) and a 2-layer GRU on parity (8 epochs). Two
conditions: as the machine is, then with a busy loop (started and stopped here) keeping one
core busy. About 5 minutes on 2 shared cores.
Prints per workload the ratio default / chosen (median and range; > 1: the choice wins).
A run past --timeout counts as the timeout (a lower bound on its ratio). Measured on 2
shared cores, both nets choosing 1 thread: calm, 1.01-1.03 (a tiny net gains nothing from
a second thread); one core busy, spiral 1.8x and GRU 5.1x (9.3x or more with others' work
on the machine too).

    .venv/bin/python bench/cli_threads.py [--rounds 3] [--timeout 60] [--crossover]

--crossover instead measures what PARALLEL_WORK in ml/threads.py is set from: one training
step (forward, backward, Adam) of MLPs and CNNs of rising size, 1 vs 2 threads, in process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "playground.cli", "train", "--json"]
SPIRAL = json.loads((ROOT / "examples" / "mlp_spiral.json").read_text())
SPIRAL["training"]["epochs"] = 30  # of 100: 2 threads on a busy core take ~40 s for 100
WORKLOADS: dict[str, dict[str, Any]] = {
    "spiral MLP": SPIRAL,
    "GRU parity": {
        "data": {"dataset": "parity", "seq_len": 6, "n_samples": 2000},
        "model": {"layers": [
            {"type": "GRU", "hidden_size": 64, "num_layers": 2}, {"type": "Linear", "out_features": 2},
        ]},
        "training": {"epochs": 8, "batch_size": 32, "optimizer": {"type": "Adam", "lr": 0.01}},
    },
}  # fmt: skip


def run(spec: Path, threads: int | None, timeout: float) -> tuple[float, str]:
    """Wall seconds of one `playground train` process and the threads it recorded."""
    args = [*CLI, str(spec)] + ([] if threads is None else ["--threads", str(threads)])
    started = time.perf_counter()
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return timeout, "?"
    seconds = time.perf_counter() - started
    return seconds, json.loads(proc.stdout)["versions"]["torch_threads"]


@contextlib.contextmanager
def busy_core(on: bool) -> Iterator[None]:
    """A process spinning on one core while the block runs."""
    if not on:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(1.0)
        yield
    finally:
        spinner.kill()
        spinner.wait()


def compare(spec: Path, default: int, rounds: int, timeout: float) -> str:
    chosen_s, default_s, chosen_threads = [], [], "?"
    for i in range(rounds):
        order = [None, default] if i % 2 == 0 else [default, None]
        for threads in order:
            seconds, recorded = run(spec, threads, timeout)
            if threads is None:
                chosen_s.append(seconds)
                chosen_threads = recorded if recorded != "?" else chosen_threads
            else:
                default_s.append(seconds)
    ratios = [d / c for d, c in zip(default_s, chosen_s, strict=True)]
    return (
        f"chosen {chosen_threads} thr {statistics.median(chosen_s):6.1f} s | "
        f"default {default} thr {statistics.median(default_s):6.1f} s | "
        f"default/chosen median {statistics.median(ratios):5.2f} "
        f"(range {min(ratios):.2f}-{max(ratios):.2f})"
    )


def whole_process(rounds: int, timeout: float) -> None:
    default = torch.get_num_threads()  # before anything sets it: torch's own default
    with tempfile.TemporaryDirectory() as tmp:
        specs = {}
        for name, raw in WORKLOADS.items():
            specs[name] = Path(tmp) / f"{name.replace(' ', '_')}.json"
            specs[name].write_text(json.dumps(raw))
        for busy in (False, True):
            with busy_core(busy):
                load = os.getloadavg()[0]
                print(
                    f"-- {'one core kept busy' if busy else 'as the machine is'} (load {load:.2f})"
                )
                for name, spec in specs.items():
                    print(f"{name:11s} {compare(spec, default, rounds, timeout)}", flush=True)


def step_seconds(model: nn.Module, x: torch.Tensor, threads: int, reps: int) -> float:
    torch.set_num_threads(threads)
    y = torch.randint(0, 10, (x.shape[0],))
    opt, loss = torch.optim.Adam(model.parameters()), nn.CrossEntropyLoss()
    for i in range(reps + 3):  # 3 warm-up steps
        if i == 3:
            started = time.perf_counter()
        opt.zero_grad()
        loss(model(x), y).backward()
        opt.step()
    return (time.perf_counter() - started) / reps


def crossover() -> None:
    """1 vs 2 threads per training step; work = largest layer's forward FLOPs x batch."""
    cases: list[tuple[str, nn.Module, tuple[int, ...], int, int]] = []
    for width, batch in ((128, 32), (128, 128), (256, 32), (512, 10), (512, 32), (1024, 32)):
        mlp = nn.Sequential(nn.Linear(64, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(),
                            nn.Linear(width, 10))  # fmt: skip
        cases.append((f"MLP w{width} b{batch}", mlp, (64,), batch, 2 * width * width * batch))
    for ch, batch in ((8, 32), (16, 8), (16, 32), (32, 16)):
        cnn = nn.Sequential(nn.Conv2d(1, ch, 3, padding=1), nn.ReLU(), nn.Conv2d(ch, ch, 3, padding=1),
                            nn.ReLU(), nn.Flatten(), nn.Linear(ch * 256, 10))  # fmt: skip
        cases.append(
            (f"CNN ch{ch} b{batch}", cnn, (1, 16, 16), batch, 2 * ch * ch * 9 * 256 * batch)
        )
    print(f"load {os.getloadavg()[0]:.2f}")
    for name, model, shape, batch, work in cases:
        x = torch.randn(batch, *shape)
        reps = max(5, min(200, int(6e7 / work)))
        one, two = [], []
        for _ in range(3):  # alternating
            one.append(step_seconds(model, x, 1, reps))
            two.append(step_seconds(model, x, 2, reps))
        t1, t2 = statistics.median(one), statistics.median(two)
        print(f"{name:16s} work {work:>12,}  1 thr {t1 * 1e3:7.3f} ms  2 thr {t2 * 1e3:7.3f} ms"
              f"  2/1 {t2 / t1:5.2f}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per process")
    parser.add_argument("--crossover", action="store_true")
    args = parser.parse_args()
    if args.crossover:
        crossover()
    else:
        whole_process(args.rounds, args.timeout)


if __name__ == "__main__":
    main()
