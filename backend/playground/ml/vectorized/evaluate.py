"""Losses and metrics of every trial of a stack at once, as ml/metrics.py computes them
for one model: the loss per sample, averaged per trial; accuracy or MSE/MAE/R^2."""

from __future__ import annotations

import dataclasses

import torch
from torch import Tensor
from torch.func import vmap

from playground.ml.datasets import Split
from playground.ml.metrics import EVAL_ROWS, INITIAL_SAMPLE, regression_metrics
from playground.ml.objective import Objective
from playground.ml.vectorized.stack import Stack

EVAL_VALUES = 1 << 24  # activations per batched evaluation pass (trials x rows x width)


class Evaluator:
    def __init__(self, stack: Stack, objective: Objective) -> None:
        self.stack, self.objective = stack, objective
        per_sample = objective.spec.build()
        per_sample.reduction = "none"  # type: ignore[assignment]  # averaged per trial instead
        self.per_sample = dataclasses.replace(objective, fn=per_sample)

    def losses(self, out: Tensor, y: Tensor) -> Tensor:
        """(T,) mean loss of each trial: outputs (T, B, ...) against targets (T, B, ...)."""
        rows = self.per_sample.loss(out.flatten(0, 1), y.flatten(0, 1))
        return rows.reshape(out.shape[0], -1).mean(1)

    def initial(self, train: Split, val: Split) -> dict[str, Tensor]:
        """Epoch 0 of every trial, as metrics.initial_metrics reports it (without lr)."""
        sample = Split(train.x[:INITIAL_SAMPLE], train.y[:INITIAL_SAMPLE])
        metrics = self.metrics(sample, "train_")
        metrics = {k: v for k, v in metrics.items() if k in ("train_loss", "train_accuracy")}
        return metrics | self.metrics(val, "val_")

    @torch.no_grad()
    def metrics(self, split: Split, prefix: str) -> dict[str, Tensor]:
        """(T,) metrics of every trial over a split, as metrics.split_metrics computes them."""
        if split.x.shape[0] == 0:
            return {}
        out, y = self.predict(split.x), split.y
        m = {f"{prefix}loss": self.losses(out, y.expand(out.shape[0], *y.shape))}
        if self.objective.classify:
            hits = self.objective.predict(out) == y
            m[f"{prefix}accuracy"] = hits.flatten(1).sum(1) / y.numel()
        else:
            m |= vmap(lambda o: regression_metrics(o.reshape(y.shape), y, prefix))(out)
        return m

    @torch.no_grad()
    def predict(self, x: Tensor) -> Tensor:
        """(T, N, ...) outputs of every trial for shared inputs, in bounded chunks."""
        width = max(d.out_features for d in self.stack.dense)
        rows = max(1, min(EVAL_ROWS, EVAL_VALUES // (self.stack.trials * width)))
        chunks = [self.stack.evaluate(c) for c in torch.split(x, rows)]
        return chunks[0] if len(chunks) == 1 else torch.cat(chunks, 1)
