"""Activation layers (curriculum B1-B9); each may also be a layer's `activation` shorthand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union

from pydantic import BeforeValidator, Field
from torch import nn

from playground.ml.layers.base import LayerSpec, ShapeError, need_float
from playground.ml.layers.modules import Sign as SignModule
from playground.ml.types import TensorType


class ActivationSpec(LayerSpec):
    """Element-wise: output shape = input shape."""

    category: ClassVar[str] = "activation"

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, self.describe())
        return x


class ReLU(ActivationSpec):
    """max(0, x); units stuck below zero stop learning (dead ReLU)."""

    type: Literal["ReLU"] = "ReLU"

    def build(self, x: TensorType) -> nn.Module:
        return nn.ReLU()


class LeakyReLU(ActivationSpec):
    """x for x > 0, negative_slope * x otherwise (fixed slope)."""

    type: Literal["LeakyReLU"] = "LeakyReLU"
    negative_slope: float = Field(0.01, ge=0, le=1, description="Slope for x < 0.")

    def build(self, x: TensorType) -> nn.Module:
        return nn.LeakyReLU(self.negative_slope)


class PReLU(ActivationSpec):
    """Leaky ReLU whose negative slope is learned."""

    type: Literal["PReLU"] = "PReLU"
    num_parameters: int = Field(
        1, ge=1, description="1 (one slope) or the number of channels (dim 0 of the input)."
    )
    init: float = Field(0.25, ge=0, le=1, description="Initial slope.")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, "PReLU")
        if self.num_parameters != 1 and (not x.shape or x.shape[0] != self.num_parameters):
            channels = x.shape[0] if x.shape else 1
            raise ShapeError(f"PReLU num_parameters must be 1 or {channels} (the channels)")
        return x

    def build(self, x: TensorType) -> nn.Module:
        return nn.PReLU(self.num_parameters, self.init)


class ELU(ActivationSpec):
    """x for x > 0, alpha * (exp(x) - 1) otherwise."""

    type: Literal["ELU"] = "ELU"
    alpha: float = Field(1.0, gt=0, le=10, description="Value approached for very negative x.")

    def build(self, x: TensorType) -> nn.Module:
        return nn.ELU(self.alpha)


class GELU(ActivationSpec):
    """x * Phi(x), the Gaussian error linear unit (Transformers)."""

    type: Literal["GELU"] = "GELU"
    approximate: Literal["none", "tanh"] = Field("none", description="Exact or tanh form.")

    def build(self, x: TensorType) -> nn.Module:
        return nn.GELU(self.approximate)


class SiLU(ActivationSpec):
    """x * sigmoid(x) (swish)."""

    type: Literal["SiLU"] = "SiLU"

    def build(self, x: TensorType) -> nn.Module:
        return nn.SiLU()


class Sigmoid(ActivationSpec):
    """1 / (1 + exp(-x)); saturates for large |x| (vanishing gradients)."""

    type: Literal["Sigmoid"] = "Sigmoid"

    def build(self, x: TensorType) -> nn.Module:
        return nn.Sigmoid()


class Tanh(ActivationSpec):
    """tanh(x); zero-centred, saturates for large |x|."""

    type: Literal["Tanh"] = "Tanh"

    def build(self, x: TensorType) -> nn.Module:
        return nn.Tanh()


class _Normalize(ActivationSpec):
    """Softmax-like: `dim` must exist (it counts the batch dimension, as in PyTorch)."""

    dim: int = Field(-1, ge=-8, le=8, description="Dimension to normalise (batch is 0).")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, self.describe())
        d = self.dim + len(x.shape) + 1 if self.dim < 0 else self.dim
        if not 1 <= d <= len(x.shape):
            raise ShapeError(
                f"dim={self.dim} is not a sample dimension of {x} (the batch is dim 0)"
            )
        return x


class Softmax(_Normalize):
    """exp(x_i) / sum_j exp(x_j), numerically stable; with CrossEntropyLoss use raw logits."""

    type: Literal["Softmax"] = "Softmax"

    def build(self, x: TensorType) -> nn.Module:
        return nn.Softmax(self.dim)


class LogSoftmax(_Normalize):
    """log(softmax(x)); pair with NLLLoss."""

    type: Literal["LogSoftmax"] = "LogSoftmax"

    def build(self, x: TensorType) -> nn.Module:
        return nn.LogSoftmax(self.dim)


class Softplus(ActivationSpec):
    """log(1 + exp(beta * x)) / beta, a smooth ReLU."""

    type: Literal["Softplus"] = "Softplus"
    beta: float = Field(1.0, gt=0, le=100, description="Sharpness.")

    def build(self, x: TensorType) -> nn.Module:
        return nn.Softplus(self.beta)


class Identity(ActivationSpec):
    """f(x) = x (linear / no activation)."""

    type: Literal["Identity"] = "Identity"

    def build(self, x: TensorType) -> nn.Module:
        return nn.Identity()


class Sign(ActivationSpec):
    """Step activation: +1 for x >= 0 else -1, with a straight-through gradient."""

    type: Literal["Sign"] = "Sign"

    def build(self, x: TensorType) -> nn.Module:
        return SignModule()


# Every activation type, in catalog order: the one list to extend (see `layers/__init__.py`).
ACTIVATION_TYPES: tuple[type[ActivationSpec], ...] = (
    ReLU, LeakyReLU, PReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, Softplus,
    Identity, Sign,
)  # fmt: skip


def _name_to_object(value: Any) -> Any:
    """Let `"activation": "ReLU"` stand for `{"type": "ReLU"}`."""
    return {"type": value} if isinstance(value, str) else value


if TYPE_CHECKING:
    # mypy cannot read a union built from a tuple; statically an activation is its base.
    Activation = ActivationSpec
else:
    Activation = Annotated[
        Union[ACTIVATION_TYPES],  # noqa: UP007 - Union[tuple] is how a union is built at run time
        Field(discriminator="type"),
        BeforeValidator(_name_to_object),
    ]
