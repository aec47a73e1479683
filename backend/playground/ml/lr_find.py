"""The learning-rate finder (curriculum G2): train a fresh copy of the model for a few
hundred steps while the learning rate grows exponentially, and watch the loss.

Low rates barely move the loss, good ones make it fall fast, too high ones make it blow
up. The suggestion is the rate where the smoothed loss falls fastest per unit of log lr,
taken before the loss reaches its minimum (past it, the rate is already too high).
"""

from __future__ import annotations

import math
import time
from typing import Any

import torch

from playground.ml.batches import batch_slices, has_batchnorm
from playground.ml.datasets import LoadedData
from playground.ml.errors import ErrorItem, SpecError
from playground.ml.fresh import fresh
from playground.ml.optimizers import Perceptron
from playground.ml.spec import RunSpec

MIN_STEPS, MAX_STEPS = 10, 1000
LR_CEILING = 10.0  # the largest min_lr / max_lr accepted
BETA = 0.98  # EMA smoothing of the loss (fast.ai's choice)
DIVERGE = 4.0  # stop once the smoothed loss exceeds this many times its minimum
SKIP_START = 3  # fewest first points never suggested (see suggest)
MAX_SECONDS = 20.0  # a finder answers a click; it stops here with what it has


def check_range(min_lr: float, max_lr: float, steps: int) -> None:
    """SpecError naming each bad argument (the API checks the same bounds in its schema)."""
    errors = []
    for name, value in (("min_lr", min_lr), ("max_lr", max_lr)):
        if not (0 < value <= LR_CEILING) or not math.isfinite(value):
            errors.append(ErrorItem((name,), f"must be above 0 and at most {LR_CEILING:g}"))
    if not errors and min_lr >= max_lr:
        errors.append(ErrorItem(("max_lr",), "must be larger than min_lr"))
    if not MIN_STEPS <= steps <= MAX_STEPS:
        errors.append(ErrorItem(("steps",), f"must be between {MIN_STEPS} and {MAX_STEPS}"))
    if errors:
        raise SpecError(errors)


def check_spec(spec: RunSpec) -> None:
    """SpecError (paths inside the spec) for a spec whose training has no rate to search."""
    if isinstance(spec.training.optimizer, Perceptron):
        raise SpecError.at(
            ("training", "optimizer", "type"),
            "the perceptron rule corrects mistakes by whole steps; it has no learning rate "
            "worth searching",
        )


def lr_ramp(min_lr: float, max_lr: float, steps: int) -> list[float]:
    """`steps` rates from min_lr to max_lr, each the previous one times a constant."""
    ratio = max_lr / min_lr
    return [min_lr * ratio ** (i / (steps - 1)) for i in range(steps)]


def lr_find(
    spec: RunSpec,
    data: LoadedData,
    *,
    min_lr: float = 1e-6,
    max_lr: float = 1.0,
    steps: int = 200,
    max_seconds: float = MAX_SECONDS,
    device: str | None = None,
) -> dict[str, Any]:
    """{"lrs", "losses" (smoothed), "raw_losses", "suggested_lr", "diverged_at", "note",
    "seconds"} for a validated spec and its loaded data (the spec's own model, loss,
    optimizer type and batch size; its lr, schedule, epochs and augmentation are left out),
    on `device` or the spec's own."""
    check_range(min_lr, max_lr, steps)
    check_spec(spec)
    run = fresh(spec, data, device)
    n = run.train_set.x.shape[0]
    batches = batch_slices(n, spec.training.batch_size, has_batchnorm(run.model))
    started = time.perf_counter()
    lrs, raw, smooth = [], [], []
    avg, lowest, diverged_at, timed_out = 0.0, math.inf, None, False
    order = torch.arange(n, device=run.device)
    for i, lr in enumerate(lr_ramp(min_lr, max_lr, steps)):
        b = i % len(batches)
        if b == 0:  # a new pass over the data, shuffled as train() shuffles
            order = torch.randperm(n, generator=run.gen, device=run.device)
        lo, hi = batches[b]
        idx = order[lo:hi]
        for group in run.optimizer.param_groups:
            group["lr"] = lr
        _, loss = run.step(run.train_set.x[idx], run.train_set.y[idx])
        value = float(loss)  # one sync per step: the stop test needs it now
        if not math.isfinite(value):
            diverged_at = lr
            break
        avg = BETA * avg + (1 - BETA) * value
        smoothed = avg / (1 - BETA ** (i + 1))  # bias correction: early points are not ~0
        lrs.append(lr)
        raw.append(value)
        smooth.append(smoothed)
        lowest = min(lowest, smoothed)
        if i > SKIP_START and smoothed > DIVERGE * lowest:
            diverged_at = lr
            break
        if time.perf_counter() - started > max_seconds:
            timed_out = True
            break
    suggested, note = suggest(lrs, smooth)
    if timed_out:
        note += f" The search stopped after {max_seconds:g} s, at lr {lrs[-1]:.3g}."
    return {
        "lrs": lrs, "losses": smooth, "raw_losses": raw, "suggested_lr": suggested,
        "diverged_at": diverged_at, "note": note, "seconds": time.perf_counter() - started,
    }  # fmt: skip


def suggest(lrs: list[float], losses: list[float]) -> tuple[float | None, str]:
    """The rate of steepest descent of the smoothed loss against log lr before its minimum,
    and one sentence that says how it was chosen."""
    if not losses:
        return None, "The loss was not a number from the first step: check the data and the model."
    n = len(losses)
    # The EMA averages ~1 / (1 - BETA) = 50 batches; before it has seen that many (at most
    # a quarter of the points) it swings with single batches. Slopes span a twentieth of
    # the points on each side, so one noisy batch cannot win either.
    skip = max(SKIP_START, min(round(1 / (1 - BETA)), n // 4))
    w = max(1, n // 20)
    low = min(range(skip, n), key=losses.__getitem__, default=0)
    if low - w <= skip:
        return None, (
            "The loss never fell clearly in this range, so there is no good rate to point at; "
            "try a smaller min_lr or more steps."
        )
    logs = [math.log(lr) for lr in lrs]
    best, steepest = skip, math.inf
    for i in range(skip, low):
        a, b = max(0, i - w), min(n - 1, i + w)
        slope = (losses[b] - losses[a]) / (logs[b] - logs[a])  # d loss / d log lr
        if slope < steepest:
            best, steepest = i, slope
    return lrs[best], (
        f"Suggested lr {lrs[best]:.3g}: there the smoothed loss fell fastest as the rate grew, "
        f"before its lowest point at lr {lrs[low]:.3g}, past which larger rates stop helping."
    )
