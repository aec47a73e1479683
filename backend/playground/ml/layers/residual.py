"""Residual block (curriculum A10): body(x) + shortcut(x), with a projection when needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import ShapeError, numel, show
from playground.ml.layers.common import ParamLayer
from playground.ml.types import TensorType

if TYPE_CHECKING:
    from playground.ml.layers import Layer


class Residual(ParamLayer):
    """Adds the input to the output of an inner stack (ResNet); `activation` acts after the sum.

    When the inner stack changes the shape, the shortcut becomes a projection: a 1x1
    convolution (with stride when the size halves) for maps, a Linear map for vectors.
    """

    type: Literal["Residual"] = "Residual"
    layers: list[Layer] = Field(min_length=1, max_length=64, description="The inner stack.")

    def shortcut(self, x: TensorType, y: TensorType) -> nn.Module | None:
        """None for an identity shortcut, else the projection from x's shape to y's."""
        if x == y:
            return None
        if x.is_tokens or y.is_tokens:
            raise ShapeError(f"cannot add token ids ({x}) to the block output ({y})")
        if len(x.shape) != len(y.shape):
            raise ShapeError(
                f"cannot add the input {show(x.shape)} to the block output {show(y.shape)}: "
                "the ranks differ"
            )
        if len(x.shape) == 1 or (len(x.shape) == 2 and x.shape[0] == y.shape[0]):
            # Vectors, and (L, F) sequences whose features change: a Linear map on the
            # last dim. Everything else is a channel-first map: a 1x1 convolution.
            return nn.Linear(x.shape[-1], y.shape[-1], bias=False)
        spatial_in, spatial_out = x.shape[1:], y.shape[1:]
        strides = [
            i // o if o and i % o == 0 else 0 for i, o in zip(spatial_in, spatial_out, strict=True)
        ]
        if 0 in strides or len(set(strides)) != 1:
            raise ShapeError(
                f"cannot project the input {show(x.shape)} onto the block output {show(y.shape)}: "
                "each spatial size must shrink by the same whole factor"
            )
        conv = nn.Conv2d if len(x.shape) == 3 else nn.Conv1d
        return conv(x.shape[0], y.shape[0], 1, stride=strides[0], bias=False)

    def shortcut_flops(self, x: TensorType, y: TensorType) -> int:
        if x == y:
            return 0
        if len(x.shape) == 1 or (len(x.shape) == 2 and x.shape[0] == y.shape[0]):
            return 2 * numel(y.shape) * x.shape[-1]
        return 2 * numel(y.shape) * x.shape[0]

    def describe(self) -> str:
        return f"Residual({len(self.layers)} layers)"
