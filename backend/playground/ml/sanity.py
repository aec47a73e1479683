"""Sanity checks before a long run (curriculum G1): two cheap experiments that catch most
broken setups in seconds.

1. Initial loss: an untrained network's outputs are close to zero, so its loss should be
   close to the loss of an all-zero output: ln C for cross-entropy over C classes (every
   class equally likely), ln 2 for binary cross-entropy, the mean squared target for MSE.
   Far above: the outputs start too large (init scale, unnormalised inputs); far below:
   the task is easier than it looks (labels leaking into inputs, a loss on the wrong thing).
2. Overfit a tiny subset: a network that works can memorise 20 samples. If it cannot, the
   learning rate, the loss or the labels are wrong, whatever the full run would show.
"""

from __future__ import annotations

import math
import time
from typing import Any, Literal

import torch

from playground.ml.datasets import LoadedData, Split
from playground.ml.fresh import Fresh, fresh
from playground.ml.metrics import predict_all
from playground.ml.spec import RunSpec

Check = Literal["initial_loss", "overfit_small"]
CHECKS: tuple[Check, ...] = ("initial_loss", "overfit_small")

SAMPLE = 2048  # training rows the initial loss is measured on (rows come seeded-shuffled)
TOLERANCE = {True: 0.2, False: 0.5}  # relative gap still "ok": classification, regression
SUBSET = 20  # samples the network must memorise
MAX_STEPS = 500  # full-batch steps the overfit check may take
MAX_SECONDS = 5.0
DONE_FRACTION = 0.01  # regression: "near zero" = 1 % of the subset's starting loss
EVAL_EVERY = 5  # steps between checks of the subset (eval mode: no dropout)


def sanity(
    spec: RunSpec, data: LoadedData, checks: list[Check], device: str | None = None
) -> list[dict[str, Any]]:
    """One verdict per check, in the order asked: {"check", "verdict", "message", ...}, on
    `device` or the spec's own."""
    runners = {"initial_loss": initial_loss, "overfit_small": overfit_small}
    return [runners[c](fresh(spec, data, device)) for c in checks]  # each from a fresh start


def initial_loss(run: Fresh) -> dict[str, Any]:
    """The untrained model's loss on (up to SAMPLE) training rows against the expected one."""
    split = _head(run.train_set, SAMPLE)
    if run.perceptron:
        return _verdict(
            "initial_loss", "skipped",
            "The perceptron's loss is its error rate; there is no expected starting value "
            "to compare with.",
        )  # fmt: skip
    with torch.no_grad():
        out = predict_all(run.model, split.x)
        loss = float(run.objective.loss(out, split.y))
        expected = float(run.objective.loss(torch.zeros_like(out), split.y))
    what = _expected_name(run, expected)
    gap = (loss - expected) / expected if expected > 0 else math.inf
    ok = math.isfinite(loss) and abs(gap) <= TOLERANCE[run.objective.classify]
    if ok:
        message = f"The untrained loss {loss:.3g} is close to {what}, as it should be."
    elif not math.isfinite(loss) or loss > expected:
        message = (
            f"The untrained loss {loss:.3g} is well above {what}: the outputs "
            "start too large; check the initialisation and whether the inputs are normalised."
        )
    else:
        message = (
            f"The untrained loss {loss:.3g} is well below {what}: an untrained "
            "network should not do better than chance; check that the labels cannot be read "
            "from the inputs."
        )
    return _verdict(
        "initial_loss", "ok" if ok else "suspicious", message,
        value=loss if math.isfinite(loss) else None, expected=expected, samples=len(split),
    )  # fmt: skip


def overfit_small(run: Fresh) -> dict[str, Any]:
    """Train on SUBSET training samples, full batch, until memorised or out of steps/time."""
    subset = _head(run.train_set, SUBSET)
    classify = run.objective.classify
    start_loss, _ = _score(run, subset)
    started = time.perf_counter()
    steps, loss, accuracy, reached = 0, start_loss, None, False
    while steps < MAX_STEPS and time.perf_counter() - started < MAX_SECONDS:
        _, step_loss = run.step(subset.x, subset.y)
        steps += 1
        if not math.isfinite(float(step_loss)):
            loss = math.nan
            break
        if steps % EVAL_EVERY == 0 or steps == MAX_STEPS:
            loss, accuracy = _score(run, subset)
            reached = accuracy == 1.0 if classify else loss <= DONE_FRACTION * start_loss
            if reached:
                break
    seconds = time.perf_counter() - started
    goal = (
        f"100 % accuracy on {len(subset)} training samples"
        if classify
        else f"a loss below 1 % of its start on {len(subset)} training samples"
    )
    if reached:
        message = f"It reached {goal} in {steps} steps: the network can learn this data."
    else:
        message = (
            f"It did not reach {goal} in {steps} steps ({seconds:.1f} s). If a network cannot "
            "overfit 20 samples, something is wrong: check the learning rate, the loss and "
            "the labels."
        )
    return _verdict(
        "overfit_small", "ok" if reached else "failed", message,
        steps=steps, samples=len(subset), seconds=seconds,
        final_loss=loss if math.isfinite(loss) else None, final_accuracy=accuracy,
    )  # fmt: skip


def _score(run: Fresh, split: Split) -> tuple[float, float | None]:
    """(loss, accuracy or None) of the model on a split, in eval mode."""
    with torch.no_grad():
        out = predict_all(run.model, split.x)
        loss = float(run.objective.loss(out, split.y))
        if not run.objective.classify:
            return loss, None
        return loss, float(run.objective.correct(out, split.y)) / split.y.numel()


def _expected_name(run: Fresh, expected: float) -> str:
    """The expected value in words: 'ln C = ln 10 = 2.3'."""
    loss, target = run.objective.spec.type, run.objective.target  # type: ignore[attr-defined]
    if loss in ("CrossEntropyLoss", "NLLLoss"):
        return f"ln C = ln {target.size} = {expected:.3g} (every class equally likely)"
    if loss == "BCEWithLogitsLoss":
        return f"ln 2 = {expected:.3g} (a coin toss per output)"
    if loss == "MSELoss" and not run.objective.classify:
        return f"the mean squared target, {expected:.3g} (what an output of 0 scores)"
    return f"{expected:.3g}, the loss of an all-zero output"


def _head(split: Split, n: int) -> Split:
    return Split(split.x[:n], split.y[:n])


def _verdict(check: Check, verdict: str, message: str, **details: Any) -> dict[str, Any]:
    return {"check": check, "verdict": verdict, "message": message, **details}
