"""Engine vs a plain hand-written PyTorch loop: same model, data, epochs and batch size.

Both sides are timed end to end in one process, alternating, several rounds:
  engine: playground.ml.train.train(spec) - data load, build, every report it makes
          (step losses, epoch metrics, layer stats, boundary grids), test metrics;
  plain:  the loop a careful person writes by hand - data load, build, shuffle per
          epoch, index, forward, loss, backward, step, validation loss/accuracy per
          epoch, test accuracy at the end.
Prints the median ratio engine / plain per workload. Targets: MLP <= 1.10, CNN <= 1.05.

    .venv/bin/python bench/engine_vs_plain.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from playground.ml.datasets import DataContext, load
from playground.ml.spec import RunSpec
from playground.ml.train import train

MLP_SPEC: dict[str, Any] = {
    "data": {"dataset": "spiral", "n_samples": 500, "noise": 0.1, "seed": 0},
    "model": {"layers": [
        {"type": "Linear", "out_features": 8}, {"type": "Tanh"},
        {"type": "Linear", "out_features": 8}, {"type": "Tanh"},
        {"type": "Linear", "out_features": 2},
    ]},
    "training": {"epochs": 100, "batch_size": 10, "optimizer": {"type": "SGD", "lr": 0.03, "momentum": 0.9}},
}  # fmt: skip
CNN_SPEC: dict[str, Any] = {
    "data": {"dataset": "digits", "seed": 0},
    "model": {"layers": [
        {"type": "Conv2d", "out_channels": 16, "kernel_size": 3, "padding": 1, "activation": "ReLU"},
        {"type": "MaxPool2d", "kernel_size": 2},
        {"type": "Conv2d", "out_channels": 32, "kernel_size": 3, "padding": 1, "activation": "ReLU"},
        {"type": "MaxPool2d", "kernel_size": 2},
        {"type": "Flatten"}, {"type": "Linear", "out_features": 10},
    ]},
    "training": {"epochs": 15, "batch_size": 64, "optimizer": {"type": "Adam", "lr": 0.003}},
}  # fmt: skip


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))


def cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
    )  # fmt: skip


def plain(raw: dict[str, Any], make_model: Callable[[], nn.Module]) -> float:
    """The hand-written loop; returns test accuracy."""
    spec = RunSpec.model_validate(raw)
    data = load(spec.data, DataContext())
    torch.manual_seed(0)
    model = make_model()
    t = spec.training
    opt = t.optimizer.build(model.parameters())
    x, y = data.train.x, data.train.y
    bs = int(t.batch_size)
    for _ in range(t.epochs):
        model.train()
        perm = torch.randperm(len(x))
        for i in range(0, len(x), bs):
            idx = perm[i : i + bs]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            out = model(data.val.x)
            _val = (
                F.cross_entropy(out, data.val.y).item(),
                (out.argmax(1) == data.val.y).float().mean().item(),
            )
    with torch.no_grad():
        return (model(data.test.x).argmax(1) == data.test.y).float().mean().item()


def engine(raw: dict[str, Any]) -> float:
    result = train(RunSpec.model_validate(raw))
    assert result.status == "succeeded", result.error
    return result.test["accuracy"]


def timed(fn: Callable[[], float]) -> tuple[float, float]:
    start = time.perf_counter()
    acc = fn()
    return time.perf_counter() - start, acc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    workloads = [
        ("spiral MLP, batch 10", MLP_SPEC, mlp, 1.10),
        ("digits CNN, batch 64", CNN_SPEC, cnn, 1.05),
    ]
    for name, raw, make, target in workloads:
        engine(raw), plain(raw, make)  # warm-up: imports, allocator, first optimizer
        run_engine = functools.partial(engine, raw)
        run_plain = functools.partial(plain, raw, make)
        ratios, e_times, p_times = [], [], []
        for r in range(args.rounds):
            # Alternate the order so drift on the machine hits both sides alike.
            if r % 2 == 0:
                (te, ae), (tp, ap) = timed(run_engine), timed(run_plain)
            else:
                (tp, ap), (te, ae) = timed(run_plain), timed(run_engine)
            ratios.append(te / tp)
            e_times.append(te)
            p_times.append(tp)
        ratio = statistics.median(ratios)
        verdict = "OK" if ratio <= target else "OVER TARGET"
        print(
            f"{name}: engine {statistics.median(e_times):.3f} s (acc {ae:.3f}), "
            f"plain {statistics.median(p_times):.3f} s (acc {ap:.3f}), "
            f"ratio {ratio:.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}); target <= {target} {verdict}"
        )


if __name__ == "__main__":
    main()
