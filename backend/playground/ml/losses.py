"""Loss functions (curriculum C1-C4), named like torch.nn classes."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field
from torch import Tensor, nn

from playground.ml.spec_model import SpecModel

# How a loss reads the targets: class ids, one logit per class for binary labels, or values.
Target = Literal["class_ids", "binary", "values"]


class LossSpec(SpecModel):
    """Base: `target` says what the loss compares the network output with."""

    target: ClassVar[Target] = "values"

    def build(self) -> nn.Module:
        raise NotImplementedError


class CrossEntropyLoss(LossSpec):
    """Softmax cross-entropy on raw logits (the softmax is inside the loss)."""

    target: ClassVar[Target] = "class_ids"
    type: Literal["CrossEntropyLoss"] = "CrossEntropyLoss"
    label_smoothing: float = Field(0.0, ge=0, lt=1, description="Mix targets with uniform.")

    def build(self) -> nn.Module:
        return nn.CrossEntropyLoss(label_smoothing=self.label_smoothing)


class NLLLoss(LossSpec):
    """Negative log-likelihood of log-probabilities (after a LogSoftmax layer)."""

    target: ClassVar[Target] = "class_ids"
    type: Literal["NLLLoss"] = "NLLLoss"

    def build(self) -> nn.Module:
        return nn.NLLLoss()


class MultiMarginLoss(LossSpec):
    """Multiclass hinge (SVM) loss: mean over j != y of max(0, margin - s_y + s_j)^p."""

    target: ClassVar[Target] = "class_ids"
    type: Literal["MultiMarginLoss"] = "MultiMarginLoss"
    margin: float = Field(1.0, gt=0, le=100, description="Required score gap.")
    p: Literal[1, 2] = Field(1, description="1 = hinge, 2 = squared hinge.")

    def build(self) -> nn.Module:
        return nn.MultiMarginLoss(p=self.p, margin=self.margin)


class BCEWithLogitsLoss(LossSpec):
    """Binary cross-entropy on logits (sigmoid inside): 1 output for 2 classes, else 1 per class."""

    target: ClassVar[Target] = "binary"
    type: Literal["BCEWithLogitsLoss"] = "BCEWithLogitsLoss"

    def build(self) -> nn.Module:
        return nn.BCEWithLogitsLoss()


class MSELoss(LossSpec):
    """Mean squared error; for classification the targets are one-hot vectors."""

    type: Literal["MSELoss"] = "MSELoss"

    def build(self) -> nn.Module:
        return nn.MSELoss()


class L1Loss(LossSpec):
    """Mean absolute error."""

    type: Literal["L1Loss"] = "L1Loss"

    def build(self) -> nn.Module:
        return nn.L1Loss()


class HuberLoss(LossSpec):
    """Squared error near zero, absolute error beyond delta."""

    type: Literal["HuberLoss"] = "HuberLoss"
    delta: float = Field(1.0, gt=0, le=100, description="Where the loss turns linear.")

    def build(self) -> nn.Module:
        return nn.HuberLoss(delta=self.delta)


class _ErrorRate(nn.Module):
    def forward(self, out: Tensor, d: Tensor) -> Tensor:
        return ((d - out) / 2).square().mean()


class PerceptronError(LossSpec):
    """Not selectable: what a Perceptron run reports as its loss, the fraction misclassified.

    Outputs are the Sign layer's -1/+1, so ((d - o) / 2)^2 is 1 for an error, else 0.
    """

    target: ClassVar[Target] = "binary"
    type: Literal["PerceptronError"] = "PerceptronError"

    def build(self) -> nn.Module:
        return _ErrorRate()


LOSS_TYPES: tuple[type[LossSpec], ...] = (
    CrossEntropyLoss, NLLLoss, MultiMarginLoss, BCEWithLogitsLoss, MSELoss, L1Loss, HuberLoss,
)  # fmt: skip


def _name_to_object(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


Loss = Annotated[
    CrossEntropyLoss | NLLLoss | MultiMarginLoss | BCEWithLogitsLoss | MSELoss | L1Loss | HuberLoss,
    Field(discriminator="type"),
    BeforeValidator(_name_to_object),
]
