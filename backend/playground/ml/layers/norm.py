"""Normalisation layers (curriculum E4, E5)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import ShapeError, need_float, need_rank, numel
from playground.ml.layers.common import ParamLayer
from playground.ml.types import TensorType


class _BatchNorm(ParamLayer):
    """Normalises each channel with batch statistics in training, running ones at eval."""

    eps: float = Field(1e-5, gt=0, le=1, description="Added to the variance.")
    momentum: float = Field(
        0.1, gt=0, le=1, description="Weight of the newest batch in the running stats."
    )
    affine: bool = Field(True, description="Learn a scale and shift per channel.")

    def build(self, x: TensorType) -> nn.Module:
        cls = nn.BatchNorm2d if len(x.shape) == 3 else nn.BatchNorm1d
        return cls(x.shape[0], eps=self.eps, momentum=self.momentum, affine=self.affine)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 2 * numel(x.shape)


class BatchNorm1d(_BatchNorm):
    """Batch norm over (C,) features or (C, L) channels; num_features = C is inferred."""

    type: Literal["BatchNorm1d"] = "BatchNorm1d"

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [1, 2], "BatchNorm1d", "(C,) or (C, L)")
        return x


class BatchNorm2d(_BatchNorm):
    """Batch norm over the channels of (C, H, W) images."""

    type: Literal["BatchNorm2d"] = "BatchNorm2d"

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [3], "BatchNorm2d", "(C, H, W)")
        return x


class LayerNorm(ParamLayer):
    """Normalises each sample over its last `normalized_dims` dims (same in train and eval)."""

    type: Literal["LayerNorm"] = "LayerNorm"
    normalized_dims: int = Field(1, ge=1, le=4, description="How many trailing dims to normalise.")
    eps: float = Field(1e-5, gt=0, le=1, description="Added to the variance.")
    elementwise_affine: bool = Field(True, description="Learn a scale and shift per value.")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, "LayerNorm")
        if len(x.shape) < self.normalized_dims:
            raise ShapeError(
                f"normalized_dims={self.normalized_dims} but the input has {len(x.shape)} dims"
            )
        return x

    def build(self, x: TensorType) -> nn.Module:
        shape = x.shape[-self.normalized_dims :]
        return nn.LayerNorm(shape, eps=self.eps, elementwise_affine=self.elementwise_affine)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 5 * numel(x.shape)
