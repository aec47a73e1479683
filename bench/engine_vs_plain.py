"""Engine vs a plain hand-written PyTorch loop: same presets, data, epochs and batch size.

Both sides are timed end to end in one process, alternating which goes first, several
rounds; median and range of the ratio engine / plain are printed per workload:
  engine: playground.ml.train.train(spec, hooks) - spec validation, data load, build,
          every report it makes (step losses, epoch metrics with epoch 0, layer stats,
          boundary grids), test metrics and the confusion matrix;
  plain:  bench/plain_loops.py - the loop a user writes after the PyTorch tutorials: the
          same data, a hand-written model and torch.optim optimizer with the preset's
          settings, a shuffle per epoch, index -> forward -> loss -> zero_grad -> backward
          -> step, running train loss and accuracy (`.item()` per step), validation loss
          and accuracy per epoch, test accuracy at the end. No DataLoader, nothing padded.
Workloads: the spiral MLP, digits CNN, LSTM parity and Transformer parity presets of
examples/ (the last two with fewer epochs, so that each side takes a few seconds).
Target (issue 11): ratio <= 1.05 for each.

A second line of figures per workload comes from a pass with one core kept busy by a
spinning process the bench starts and stops (the product shares its cores with the API and
other workers). Last, TensorFlow Playground's own run: spiral 2-8-8-2, 250 training
points, batch 10, tanh, SGD, per-epoch metrics and a boundary grid every epoch: epochs per
second of the engine (the whole train() call) and of the plain loop; target >= 60 epochs/s.

Both sides train on one torch thread (ml/threads.use_threads(1)): ml/threads.py gives
these small nets one thread in the product too, and on a 2-core machine a second thread
would measure scheduling, not the engine. The load average is printed with every pass:
figures from a loaded machine are noisy; cpu ratios (process time: the median of the
rounds' ratios, and the ratio of each side's fastest round) are printed beside the
wall-clock ones since they move less with the load.

    .venv/bin/python bench/engine_vs_plain.py [--rounds 5] [--only mlp,cnn,lstm,transformer,tiny] [--passes calm,busy]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from plain_loops import (
    LastStateLSTM,
    MakeOptimizer,
    TinyTransformer,
    digits_cnn,
    mlp_2_8_8_2,
    plain_run,
)
from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, describe
from playground.ml.hooks import BoundaryGrid, EpochReport, Hooks
from playground.ml.spec import RunSpec
from playground.ml.threads import use_threads
from playground.ml.train import train

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TARGET_RATIO = 1.05
TARGET_EPOCHS_PER_S = 60.0  # TF Playground: one epoch per animation frame, ~58/s


def preset(name: str, **training: Any) -> dict[str, Any]:
    """The run spec of examples/<name>.json, with `training` fields overridden."""
    raw = json.loads((EXAMPLES / f"{name}.json").read_text())
    spec = {k: raw[k] for k in ("data", "model", "training")}
    spec["training"] = spec["training"] | training
    return spec


# TF Playground's net: 500 points, half to train on (here 250 / 125 / 125), a grid per epoch.
TINY: dict[str, Any] = {
    "data": {"dataset": "spiral", "n_samples": 500, "split": {"val": 0.25, "test": 0.25}},
    "model": {"layers": [{"type": "Linear", "out_features": 8, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 8, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 2}]},
    "training": {"epochs": 150, "batch_size": 10, "boundary_every": 1,
                 "optimizer": {"type": "SGD", "lr": 0.03}},
}  # fmt: skip


def sgd(lr: float, momentum: float = 0.0) -> MakeOptimizer:
    return lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum)


def adam(lr: float) -> MakeOptimizer:
    return lambda params: torch.optim.Adam(params, lr=lr)


@dataclass
class Workload:
    key: str
    name: str
    raw: dict[str, Any]
    make_model: Callable[[], nn.Module]
    make_opt: MakeOptimizer
    ratios: list[float] = field(default_factory=list)
    cpu_ratios: list[float] = field(default_factory=list)
    engine_s: list[float] = field(default_factory=list)
    plain_s: list[float] = field(default_factory=list)
    engine_cpu: list[float] = field(default_factory=list)
    plain_cpu: list[float] = field(default_factory=list)


def workloads() -> list[Workload]:
    return [
        Workload("mlp", "spiral MLP 2-8-8-2, batch 10, 100 epochs (mlp_spiral)",
                 preset("mlp_spiral"), mlp_2_8_8_2, sgd(0.03, 0.9)),
        Workload("cnn", "digits CNN, batch 64, 15 epochs (cnn_digits)",
                 preset("cnn_digits"), digits_cnn, adam(0.003)),
        Workload("lstm", "LSTM-64 parity, batch 32, 20 epochs (lstm_parity)",
                 preset("lstm_parity", epochs=20), LastStateLSTM, adam(0.01)),
        Workload("transformer", "Transformer 2x32 parity, batch 32, 8 epochs (transformer_parity)",
                 preset("transformer_parity", epochs=8), TinyTransformer, adam(0.002)),
        Workload("tiny", "TF Playground run: spiral 2-8-8-2, 250 points, batch 10, grids every epoch",
                 TINY, mlp_2_8_8_2, sgd(0.03)),
    ]  # fmt: skip


class Sink(Hooks):
    """Takes every report, as a worker's hooks would (counting stands in for sending)."""

    def __init__(self) -> None:
        self.epochs = self.grids = 0

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs += 1

    def on_boundary(self, grid: BoundaryGrid) -> None:
        self.grids += 1


def run_engine(raw: dict[str, Any]) -> None:
    result = train(RunSpec.model_validate(raw), Sink())
    assert result.status == "succeeded", result.error


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def check_same(w: Workload) -> None:
    """The hand-written side trains the preset's net with the preset's optimizer settings."""
    spec = RunSpec.model_validate(w.raw)
    built = build_model(spec.model.layers, describe(spec.data, DataContext()).input)
    mine = w.make_model()
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    assert count(built) == count(mine), f"{w.key}: {count(built)} != {count(mine)} parameters"
    theirs = spec.training.optimizer.build(built.parameters()).defaults
    ours = w.make_opt(mine.parameters()).defaults
    for key in ("lr", "momentum", "betas", "eps", "weight_decay"):
        assert theirs.get(key) == ours.get(key), f"{w.key}: optimizer {key} differs"


def measure(w: Workload, rounds: int) -> None:
    check_same(w)
    engine = lambda: run_engine(w.raw)  # noqa: E731
    plain = lambda: plain_run(w.raw, w.make_model, w.make_opt)  # noqa: E731
    engine(), plain()  # warm-up: imports, allocator, first optimizer
    for r in range(rounds):
        # Alternate the order so drift on the machine hits both sides alike.
        if r % 2 == 0:
            (we, ce), (wp, cp) = timed(engine), timed(plain)
        else:
            (wp, cp), (we, ce) = timed(plain), timed(engine)
        w.ratios.append(we / wp)
        w.cpu_ratios.append(ce / cp)
        w.engine_s.append(we)
        w.plain_s.append(wp)
        w.engine_cpu.append(ce)
        w.plain_cpu.append(cp)


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def report(w: Workload) -> str:
    ratio = statistics.median(w.ratios)
    # Under load the fastest CPU time of each side is the least disturbed estimate of its work.
    spread = (
        f"range {min(w.ratios):.3f}-{max(w.ratios):.3f}; cpu {statistics.median(w.cpu_ratios):.3f},"
        f" fastest cpu {min(w.engine_cpu) / min(w.plain_cpu):.3f}"
    )
    if w.key == "tiny":
        epochs = w.raw["training"]["epochs"]
        eng = [epochs / s for s in w.engine_s]
        pla = [epochs / s for s in w.plain_s]
        e = statistics.median(eng)
        return (
            f"  {w.name}:\n    engine {e:.1f} epochs/s (range {min(eng):.1f}-{max(eng):.1f}), "
            f"plain {statistics.median(pla):.1f} epochs/s (range {min(pla):.1f}-{max(pla):.1f}), "
            f"ratio {ratio:.3f} ({spread}); target >= {TARGET_EPOCHS_PER_S:g} {verdict(e >= TARGET_EPOCHS_PER_S)}"
        )
    return (
        f"  {w.name}:\n    engine {statistics.median(w.engine_s):.3f} s, plain "
        f"{statistics.median(w.plain_s):.3f} s, ratio {ratio:.3f} ({spread}); "
        f"target <= {TARGET_RATIO} {verdict(ratio <= TARGET_RATIO)}"
    )


def spin() -> None:
    """Keep one core busy until terminated."""
    while True:
        pass


def run_pass(title: str, chosen: list[Workload], rounds: int) -> None:
    print(f"{title} (load average {os.getloadavg()[0]:.2f} at start)", flush=True)
    for w in chosen:
        w.ratios, w.cpu_ratios, w.engine_s, w.plain_s, w.engine_cpu, w.plain_cpu = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        measure(w, rounds)
        print(report(w), f"[load {os.getloadavg()[0]:.2f}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated keys, e.g. mlp,tiny")
    parser.add_argument("--passes", default="calm,busy", help="calm (as the machine is), busy")
    args = parser.parse_args()
    use_threads(1)
    keys = set(filter(None, args.only.split(",")))
    chosen = [w for w in workloads() if not keys or w.key in keys]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread, {args.rounds} rounds")
    passes = set(args.passes.split(","))
    if "calm" in passes:
        run_pass("As the machine is", chosen, args.rounds)
    if "busy" not in passes:
        return
    busy = multiprocessing.get_context("spawn").Process(target=spin, daemon=True)
    busy.start()
    try:
        run_pass("One core kept busy by a spinning process", chosen, args.rounds)
    finally:
        busy.terminate()
        busy.join()


if __name__ == "__main__":
    main()
