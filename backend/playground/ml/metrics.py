"""Evaluation: loss and accuracy or regression metrics over a whole split, confusion matrix."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from playground.ml.datasets import Split
from playground.ml.hooks import RunResult
from playground.ml.objective import Objective

EVAL_ROWS = 4096  # samples per forward pass when evaluating: bounds activation memory
INITIAL_SAMPLE = 1024  # training samples evaluated for the epoch-0 (untrained) metrics


@torch.no_grad()
def predict_all(model: nn.Module, x: Tensor) -> Tensor:
    """Outputs for every sample of `x` in eval mode, in chunks of EVAL_ROWS."""
    was_training = model.training
    model.eval()
    try:
        return torch.cat([model(chunk) for chunk in torch.split(x, EVAL_ROWS)])
    finally:
        model.train(was_training)


def split_metrics(objective: Objective, out: Tensor, y: Tensor, prefix: str) -> dict[str, Tensor]:
    """Metrics as 0-d device tensors (converted to floats together, one host sync)."""
    m = {f"{prefix}loss": objective.loss(out, y)}
    if objective.classify:
        m[f"{prefix}accuracy"] = objective.correct(out, y) / y.numel()
    else:
        m.update(regression_metrics(out.reshape(y.shape), y, prefix))
    return m


def regression_metrics(pred: Tensor, y: Tensor, prefix: str) -> dict[str, Tensor]:
    """MSE, MAE and R^2 = 1 - SS_res / SS_tot (F5)."""
    err = pred - y
    ss_tot = (y - y.mean(0)).square().sum()
    return {
        f"{prefix}mse": err.square().mean(),
        f"{prefix}mae": err.abs().mean(),
        f"{prefix}r2": 1 - err.square().sum() / ss_tot.clamp_min(1e-12),
    }


def to_floats(metrics: dict[str, Tensor]) -> dict[str, float]:
    """One host transfer for all metrics."""
    if not metrics:
        return {}
    values = torch.stack([v.detach().float() for v in metrics.values()]).tolist()
    return dict(zip(metrics, values, strict=True))


def confusion_matrix(pred: Tensor, y: Tensor, classes: int) -> Tensor:
    """(C, C) counts; row = true class, column = predicted class."""
    flat = y.reshape(-1) * classes + pred.reshape(-1)
    return torch.bincount(flat, minlength=classes * classes).reshape(classes, classes)


def evaluate(model: nn.Module, objective: Objective, split: Split, prefix: str) -> dict[str, float]:
    """Loss and accuracy (or MSE, MAE, R^2) of `model` over a whole split; {} if it is empty."""
    if split.x.shape[0] == 0:
        return {}
    out = predict_all(model, split.x)
    return to_floats(split_metrics(objective, out, split.y, prefix))


def initial_metrics(
    model: nn.Module, objective: Objective, train: Split, val: Split
) -> dict[str, float]:
    """Epoch 0: the untrained model (initial loss ~ ln C for C balanced classes)."""
    # Splits come from a seeded permutation, so the first rows are a fair sample; the
    # estimate costs one bounded forward pass instead of a pass over the whole set.
    sample = Split(train.x[:INITIAL_SAMPLE], train.y[:INITIAL_SAMPLE])
    metrics = evaluate(model, objective, sample, "train_")
    # Training epochs report only train_loss/accuracy; keep epoch 0 comparable.
    metrics = {k: v for k, v in metrics.items() if k in ("train_loss", "train_accuracy")}
    return metrics | evaluate(model, objective, val, "val_")


def record_test(
    result: RunResult, model: nn.Module, objective: Objective, test: Split, classes: int
) -> None:
    """Fill result.test, and for classification the confusion matrix and per-class accuracy."""
    if test.x.shape[0] > 0:
        record_test_outputs(result, predict_all(model, test.x), objective, test, classes)


def record_test_outputs(
    result: RunResult, out: Tensor, objective: Objective, test: Split, classes: int
) -> None:
    """record_test from the model's outputs on the test set (a group computes all its
    trials' outputs in one batched pass)."""
    if not objective.classify:
        result.test = to_floats(split_metrics(objective, out, test.y, ""))
        return
    # The matrix's diagonal is the correct count: one prediction pass and one host read.
    cm = confusion_matrix(objective.predict(out), test.y, classes)
    accuracy = cm.diag().sum() / test.y.numel()
    result.test = to_floats({"loss": objective.loss(out, test.y), "accuracy": accuracy})
    cm = cm.cpu()
    result.confusion = cm.tolist()
    result.per_class_accuracy = (cm.diag() / cm.sum(1).clamp_min(1)).tolist()
