"""What the network's output means for a data set and loss: loss, predictions, output size.

Outputs of shape (B, *steps, K) meet targets of shape (B, *steps) (class ids) or
(B, *steps, n) (values); everything is flattened to rows before the loss, so many-to-one
and many-to-many tasks share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from playground.ml.losses import CrossEntropyLoss, LossSpec, MSELoss, NLLLoss, PerceptronError
from playground.ml.optimizers import Perceptron
from playground.ml.types import TargetInfo

if TYPE_CHECKING:
    from playground.ml.spec import TrainingSpec


def default_loss(target: TargetInfo) -> LossSpec:
    return CrossEntropyLoss() if target.task == "classification" else MSELoss()


@dataclass
class Objective:
    """Loss and read-out for one (loss, target) pair."""

    spec: LossSpec
    target: TargetInfo
    fn: nn.Module

    @classmethod
    def create(cls, training: TrainingSpec, target: TargetInfo) -> Objective:
        if isinstance(training.optimizer, Perceptron):
            spec: LossSpec = PerceptronError()
        else:
            spec = training.loss if training.loss is not None else default_loss(target)
        return cls(spec, target, spec.build())

    @property
    def classify(self) -> bool:
        return self.target.task == "classification"

    @property
    def binary_single(self) -> bool:
        """Two classes read from one logit (BCE): class 1 iff logit > 0."""
        return self.spec.target == "binary" and self.target.n_classes == 2

    def output_width(self) -> int:
        """Units the last layer must have (per step for many-to-many)."""
        return 1 if self.binary_single else self.target.size

    def output_shape(self) -> tuple[int, ...]:
        steps = (self.target.steps,) if self.target.steps else ()
        return (*steps, self.output_width())

    def check(self) -> str | None:
        """Why this loss cannot be used for this task, or None."""
        if self.target.task == "regression" and self.spec.target != "values":
            return f"{self.spec.type} needs class labels, but this data set is a regression task"  # type: ignore[attr-defined]
        return None

    def loss(self, out: Tensor, y: Tensor) -> Tensor:
        """Mean loss of outputs (B, *steps, K) against targets."""
        k = out.shape[-1]
        rows = out if out.dim() == 2 else out.reshape(-1, k)  # many-to-many: steps -> rows
        if not self.classify:
            return self.fn(rows, y if y.shape == rows.shape else y.reshape(-1, k))  # type: ignore[no-any-return]
        ids = y if y.dim() == 1 else y.reshape(-1)
        if self.spec.target == "class_ids":
            return self.fn(rows, ids)  # type: ignore[no-any-return]
        if self.binary_single:
            target = sign_targets(ids) if isinstance(self.spec, PerceptronError) else ids
            return self.fn(rows[:, 0], target.to(rows.dtype))  # type: ignore[no-any-return]
        # One-hot targets for BCE over K classes and for MSE/L1 on class labels.
        return self.fn(rows, F.one_hot(ids, k).to(rows.dtype))  # type: ignore[no-any-return]

    def predict(self, out: Tensor) -> Tensor:
        """Class ids (B, *steps) from outputs (classification only)."""
        if self.binary_single:
            return (out[..., 0] > 0).long()
        if out.shape[-1] == 2:
            return argmax_of_two(out)
        return out.argmax(-1)

    def read_out(self, out: Tensor) -> Tensor:
        """Class probabilities (classification) or raw values (regression) of outputs
        (..., K), shape (..., K), float32: what boundary grids, views and ensembles show."""
        if not self.classify:
            return out.float()
        if self.binary_single:
            # A Perceptron's Sign gives -1/+1; a BCE logit goes through the sigmoid.
            p1 = (
                (out[..., :1] + 1) / 2
                if isinstance(self.spec, PerceptronError)
                else out[..., :1].sigmoid()
            )
            return torch.cat([1 - p1, p1], -1).float()
        if isinstance(self.spec, NLLLoss):
            return out.exp().float()  # the model ends in LogSoftmax
        if self.spec.target == "class_ids":
            # softmax(-1) written out: torch's kernel goes row by row, which for a few
            # classes and a group's T x 2,500 grid rows cost several times these passes
            # (64 x 2,500 x 2, one thread: 0.5 ms against 8 ms, on the transposed view
            # Stack.evaluate returns).
            e = (out - out.amax(-1, keepdim=True)).exp()
            return (e / e.sum(-1, keepdim=True)).float()
        return out.clamp(0, 1).float()  # MSE/L1/BCE on one-hot targets

    def correct(self, out: Tensor, y: Tensor) -> Tensor:
        """Number of correct predictions (a 0-d tensor; no host sync)."""
        return (self.predict(out) == y).sum()


def sign_targets(y: Tensor) -> Tensor:
    """Class ids {0, 1} -> perceptron targets {-1, +1} as float."""
    return y.to(torch.float32) * 2 - 1


def argmax_of_two(out: Tensor) -> Tensor:
    """out.argmax(-1) for two classes, NaN included (argmax takes the first NaN as the
    largest): class 1 iff out1 > out0, or out1 is NaN and out0 is not.

    torch's argmax reduces row by row, which over a last dimension of 2 cost ~13 ns a row:
    a 64-trial group's train and validation accuracy (64 x 300 and 64 x 200 rows an epoch)
    spent ~95 ms in it over 100 epochs; these element-wise passes cost a tenth of that.
    """
    first, second = out[..., 0], out[..., 1]
    return ((second > first) | second.isnan()).logical_and_(~first.isnan()).long()
