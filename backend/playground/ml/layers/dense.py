"""Fully connected and reshaping layers (curriculum A1, A3, A8, A14, A15, E3)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import (
    ShapeError,
    batch_dim,
    need_float,
    need_rank,
    numel,
    show,
)
from playground.ml.layers.common import ParamLayer
from playground.ml.layers.modules import Maxout as MaxoutModule
from playground.ml.layers.modules import Reshape as ReshapeModule
from playground.ml.types import TensorType


def resolve_sizes(sizes: list[int], total: int) -> list[int] | None:
    """Fill in PyTorch's one allowed -1 so that the sizes hold `total` values; None if
    they cannot."""
    out = list(sizes)
    if out.count(-1) > 1 or any(s == 0 or s < -1 for s in out):
        raise ShapeError(f"sizes {sizes} must be positive, with at most one -1")
    known = numel(s for s in out if s != -1)
    if -1 in out and total % known == 0:
        out[out.index(-1)] = total // known
    return out if numel(out) == total else None


class Linear(ParamLayer):
    """y = x W^T + b on the last dimension; in_features is inferred."""

    type: Literal["Linear"] = "Linear"
    out_features: int = Field(ge=1, le=65536, description="Number of output units.")
    bias: bool = Field(True, description="Learn an additive bias b.")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, "Linear")
        if not x.shape:
            raise ShapeError("Linear needs at least one input dimension")
        if len(x.shape) >= 3:
            # PyTorch would map the last dim only; on an image that is nearly always a
            # forgotten Flatten, so say so instead of producing a puzzling output shape.
            raise ShapeError(
                f"Linear gets an image-shaped input {show(x.shape)}; add a Flatten first"
            )
        return TensorType((*x.shape[:-1], self.out_features))

    def build(self, x: TensorType) -> nn.Module:
        return nn.Linear(x.shape[-1], self.out_features, bias=self.bias)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 2 * numel(y.shape) * x.shape[-1]

    def describe(self) -> str:
        return f"Linear({self.out_features})"


class Maxout(ParamLayer):
    """max over `pieces` linear maps per unit (Goodfellow et al.)."""

    type: Literal["Maxout"] = "Maxout"
    out_features: int = Field(ge=1, le=65536, description="Number of output units.")
    pieces: int = Field(2, ge=2, le=16, description="Linear pieces per unit.")
    bias: bool = Field(True, description="Learn biases.")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, "Maxout")
        if not x.shape:
            raise ShapeError("Maxout needs at least one input dimension")
        return TensorType((*x.shape[:-1], self.out_features))

    def build(self, x: TensorType) -> nn.Module:
        return MaxoutModule(x.shape[-1], self.out_features, self.pieces, self.bias)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 2 * numel(y.shape) * self.pieces * x.shape[-1]


class Flatten(ParamLayer):
    """Merge dims start_dim..end_dim (counting the batch dimension, as PyTorch does)."""

    type: Literal["Flatten"] = "Flatten"
    start_dim: int = Field(1, ge=-8, le=8, description="First dim to merge (batch is 0).")
    end_dim: int = Field(-1, ge=-8, le=8, description="Last dim to merge.")

    def infer(self, x: TensorType) -> TensorType:
        if not x.shape:
            return x
        start = batch_dim(self.start_dim, len(x.shape), "start_dim")
        end = batch_dim(self.end_dim, len(x.shape), "end_dim")
        if start > end:
            raise ShapeError(f"start_dim {self.start_dim} comes after end_dim {self.end_dim}")
        merged = numel(x.shape[start : end + 1])
        return TensorType((*x.shape[:start], merged, *x.shape[end + 1 :]), x.vocab)

    def build(self, x: TensorType) -> nn.Module:
        return nn.Flatten(self.start_dim, self.end_dim)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 0


class Unflatten(ParamLayer):
    """Split dim `dim` (counting the batch dimension) into `unflattened_size`."""

    type: Literal["Unflatten"] = "Unflatten"
    dim: int = Field(1, ge=-8, le=8, description="Dim to split (batch is 0).")
    unflattened_size: list[int] = Field(
        min_length=1, max_length=6, description="New sizes; one may be -1."
    )

    def infer(self, x: TensorType) -> TensorType:
        d = batch_dim(self.dim, len(x.shape), "dim")
        sizes = resolve_sizes(self.unflattened_size, x.shape[d])
        if sizes is None:
            raise ShapeError(f"cannot split {x.shape[d]} into {self.unflattened_size}")
        return TensorType((*x.shape[:d], *sizes, *x.shape[d + 1 :]), x.vocab)

    def build(self, x: TensorType) -> nn.Module:
        return nn.Unflatten(self.dim, tuple(self.unflattened_size))

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 0


class Reshape(ParamLayer):
    """Reshape each sample to `shape` (without the batch dimension); one entry may be -1."""

    type: Literal["Reshape"] = "Reshape"
    shape: list[int] = Field(min_length=1, max_length=6, description="New per-sample shape.")

    def infer(self, x: TensorType) -> TensorType:
        total = numel(x.shape)
        sizes = resolve_sizes(self.shape, total)
        if sizes is None:
            raise ShapeError(
                f"cannot reshape {show(x.shape)} ({total} values) to {show(self.shape)}"
            )
        return TensorType(tuple(sizes), x.vocab)

    def build(self, x: TensorType) -> nn.Module:
        return ReshapeModule(self.infer(x).shape)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 0


class Dropout(ParamLayer):
    """Inverted dropout: zero each value with probability p and scale by 1/(1-p); off at eval."""

    type: Literal["Dropout"] = "Dropout"
    p: float = Field(0.5, ge=0, lt=1, description="Probability of dropping a value.")

    def infer(self, x: TensorType) -> TensorType:
        need_float(x, "Dropout")
        return x

    def build(self, x: TensorType) -> nn.Module:
        return nn.Dropout(self.p)


class Dropout1d(ParamLayer):
    """Drops whole channels of (C, L) inputs."""

    type: Literal["Dropout1d"] = "Dropout1d"
    p: float = Field(0.5, ge=0, lt=1, description="Probability of dropping a channel.")

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [2], "Dropout1d", "(C, L)")
        return x

    def build(self, x: TensorType) -> nn.Module:
        return nn.Dropout1d(self.p)


class Dropout2d(ParamLayer):
    """Drops whole feature maps of (C, H, W) inputs."""

    type: Literal["Dropout2d"] = "Dropout2d"
    p: float = Field(0.5, ge=0, lt=1, description="Probability of dropping a channel.")

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [3], "Dropout2d", "(C, H, W)")
        return x

    def build(self, x: TensorType) -> nn.Module:
        return nn.Dropout2d(self.p)


class Embedding(ParamLayer):
    """Token id -> learned vector: (L,) ids -> (L, embedding_dim); vocabulary from the data."""

    type: Literal["Embedding"] = "Embedding"
    embedding_dim: int = Field(ge=1, le=4096, description="Size of each token vector.")

    def infer(self, x: TensorType) -> TensorType:
        if not x.is_tokens:
            raise ShapeError(f"Embedding needs token ids but gets float features ({x})")
        return TensorType((*x.shape, self.embedding_dim))

    def build(self, x: TensorType) -> nn.Module:
        assert x.vocab is not None
        return nn.Embedding(x.vocab, self.embedding_dim)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return 0

    def describe(self) -> str:
        return f"Embedding({self.embedding_dim})"
