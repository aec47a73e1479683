"""A sweep of spiral nets trained as one group vs one run alone vs TensorFlow Playground's JS.

Side by side in one process, on one torch thread, each repeated --rounds times (alternating
the order, so that drift on the machine hits every side alike):
  one run:  playground.ml.train.train(spec) of the spiral 2-8-8-2 tanh net (data
            {"dataset": "spiral"}: 300 training points, batch 10, SGD lr 0.03 momentum 0.9),
            with every report it makes (step losses, epoch metrics, layer stats, boundary
            grids, snapshots, test metrics) going to no-op hooks;
  group T:  playground.ml.vectorized.train_group of T trials of that spec (an lr x seed
            grid: 8 learning rates 0.005..0.64 x T/8 seeds), every trial reporting as above;
  JS:       bench/js/tfp_net.mjs under node: TF Playground's algorithm (neuron objects,
            per-point forward and backprop, update every 10 points, lr 0.03, tanh) on the
            same 2-8-8-2 net and 250 spiral points.
A step is one batch of 10 points of one net. Reported: steps/s of one run, per-net steps/s
of each group (T x steps / wall time of the whole group, reports included), JS steps/s,
and the wall time of a group / that of one run. Targets (issue 9): group of 64 <= 3x one
run's wall time; per-net steps/s >= TF Playground's.

    .venv/bin/python bench/sweep_speed.py [--epochs 100] [--rounds 3] [--sizes 64 256] [--busy]
                                          [--boundary-every N]

Measured on this 2-core VM, calm (medians of 3 rounds, 100 epochs, 2026-12-07): one run
3,584 steps/s; group of 64 118,263 per-net steps/s, 1.94x one run's wall time; group of 256
135,779 per-net steps/s, 6.76x; the JS baseline 44,928 steps/s (so 2.63x and 3.02x its
per-net rate). Earlier, on heavily loaded cores: 57,791 and 75,794 per net, JS 41,658.

--busy keeps one core busy with a spinning process while measuring (as bench/cli_threads.py
does), the situation of a worker sharing its machine. --boundary-every N sets the spec's
boundary_every for every run (default: automatic, a grid every 2 epochs at 100 epochs): a
group's grids put T x 2,500 points through every layer, which in FLOPs is more than its
training steps, so --boundary-every 1000 shows what the steps alone cost.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import torch

from playground.ml.hooks import Hooks
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.vectorized import group_key, train_group

sys.path.insert(0, str(Path(__file__).resolve().parent))  # cli_threads: a sibling script
from cli_threads import busy_core

JS = Path(__file__).resolve().parent / "js" / "tfp_net.mjs"
LRS = [0.005 * 2**k for k in range(8)]  # 0.005 .. 0.64


def spiral_spec(
    epochs: int, seed: int = 0, lr: float = 0.03, boundary_every: int | None = None
) -> RunSpec:
    raw: dict[str, Any] = {
        "data": {"dataset": "spiral"},
        "model": {"layers": [
            {"type": "Linear", "out_features": 8}, {"type": "Tanh"},
            {"type": "Linear", "out_features": 8}, {"type": "Tanh"},
            {"type": "Linear", "out_features": 2},
        ]},
        "training": {
            "epochs": epochs, "batch_size": 10, "seed": seed, "boundary_every": boundary_every,
            "optimizer": {"type": "SGD", "lr": lr, "momentum": 0.9},
        },
    }  # fmt: skip
    return RunSpec.model_validate(raw)


def one_run(epochs: int, boundary_every: int | None) -> tuple[float, int]:
    """(wall seconds, steps) of train() alone."""
    started = time.perf_counter()
    result = train(spiral_spec(epochs, boundary_every=boundary_every), Hooks())
    assert result.status == "succeeded", result.error
    return time.perf_counter() - started, result.steps


def group(epochs: int, size: int, boundary_every: int | None) -> tuple[float, int, float]:
    """(wall seconds, steps per trial, best test accuracy) of train_group of `size` trials."""
    specs = [spiral_spec(epochs, i // 8, LRS[i % 8], boundary_every) for i in range(size)]
    assert len({group_key(s) for s in specs}) == 1
    started = time.perf_counter()
    results = train_group(specs, [Hooks() for _ in specs])
    seconds = time.perf_counter() - started
    assert all(r.status in ("succeeded", "diverged") for r in results), results[0].error
    best = max(r.test.get("accuracy", 0.0) for r in results)
    return seconds, max(r.steps for r in results), best


def javascript(epochs: int) -> dict[str, float] | None:
    node = shutil.which("node")
    if node is None:
        return None
    out = subprocess.run(
        [node, str(JS), "--epochs", str(epochs)], capture_output=True, text=True, check=True
    )
    values: dict[str, float] = json.loads(out.stdout)
    return values


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--js-epochs", type=int, default=400)
    parser.add_argument("--busy", action="store_true", help="keep one core busy meanwhile")
    parser.add_argument("--boundary-every", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    every = args.boundary_every
    grids = f"boundary_every {every}" if every else "automatic boundary_every"
    print(f"torch {torch.__version__}, 1 thread, {args.epochs} epochs, {grids}")
    one_run(2, every), group(2, 8, every)  # warm-up: imports, allocator, first optimizer
    one_s: list[float] = []
    one_rate: list[float] = []
    group_s: dict[int, list[float]] = {n: [] for n in args.sizes}
    group_rate: dict[int, list[float]] = {n: [] for n in args.sizes}
    ratio: dict[int, list[float]] = {n: [] for n in args.sizes}
    best: dict[int, float] = {}
    js_rate: list[float] = []
    with busy_core(args.busy):
        for r in range(args.rounds):
            sides = ["one", *args.sizes, "js"]
            for side in sides if r % 2 == 0 else sides[::-1]:
                if side == "one":
                    seconds, steps = one_run(args.epochs, every)
                    one_s.append(seconds)
                    one_rate.append(steps / seconds)
                elif side == "js":
                    js = javascript(args.js_epochs)
                    if js is not None:
                        js_rate.append(js["steps_per_s"])
                else:
                    n = int(side)
                    seconds, steps, best[n] = group(args.epochs, n, every)
                    group_s[n].append(seconds)
                    group_rate[n].append(n * steps / seconds)
            for n in args.sizes:  # each group against the one run of the same round
                ratio[n].append(group_s[n][-1] / one_s[-1])
    condition = "one core kept busy" if args.busy else "as the machine is"
    print(f"-- {condition}; median (min-max) of {args.rounds} rounds")
    print(f"{'':26s} {'steps/s per net':>22s} {'wall s':>18s} {'wall / one run':>18s}")
    print(f"{'one run (train, eager)':26s} {spread(one_rate):>22s} {spread(one_s, '{:.2f}'):>18s}")
    for n in args.sizes:
        print(
            f"{f'group of {n} (train_group)':26s} {spread(group_rate[n]):>22s} "
            f"{spread(group_s[n], '{:.2f}'):>18s} {spread(ratio[n], '{:.2f}x'):>18s}"
        )
    if js_rate:
        print(f"{'TF Playground algorithm, JS':26s} {spread(js_rate):>22s}")
    else:
        print("TF Playground algorithm, JS: node not found, skipped")
    base = statistics.median(one_rate)
    for n in args.sizes:
        per_net = statistics.median(group_rate[n])
        line = f"group of {n}: {per_net / base:.1f}x one run's steps/s"
        if js_rate:
            line += f", {per_net / statistics.median(js_rate):.2f}x the JS baseline's"
        print(f"{line}; best test accuracy {best[n]:.3f}")
    if 64 in ratio:
        verdict = "OK" if statistics.median(ratio[64]) <= 3 else "OVER TARGET"
        print(f"target: group of 64 <= 3x one run's wall time: {verdict}")


if __name__ == "__main__":
    main()
