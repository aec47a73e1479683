"""Attention layers (curriculum A13): self-attention, positional encoding, encoder layer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from torch import nn

from playground.ml.layers.base import ShapeError, need_rank
from playground.ml.layers.common import ParamLayer
from playground.ml.layers.modules import EncoderBlock, SelfAttention
from playground.ml.layers.modules import PositionalEncoding as PositionalEncodingModule
from playground.ml.types import TensorType

SEQUENCE = "(L, E) (a sequence of vectors)"


def _heads(x: TensorType, heads: int, layer: str) -> None:
    need_rank(x, [2], layer, SEQUENCE)
    if x.shape[1] % heads:
        raise ShapeError(f"{layer}: embedding size {x.shape[1]} is not divisible by {heads} heads")


def _attention_flops(length: int, dim: int) -> int:
    projections = 4 * 2 * length * dim * dim  # q, k, v and output projections
    scores = 2 * 2 * length * length * dim  # Q K^T and softmax(.) V
    return projections + scores


class MultiheadAttention(ParamLayer):
    """Multi-head self-attention, softmax(Q K^T / sqrt(d)) V per head; embed_dim inferred."""

    type: Literal["MultiheadAttention"] = "MultiheadAttention"
    num_heads: int = Field(1, ge=1, le=64, description="Attention heads (must divide embed_dim).")
    dropout: float = Field(0.0, ge=0, lt=1, description="Dropout on attention weights.")
    bias: bool = Field(True, description="Biases in the projections.")
    causal: bool = Field(False, description="Mask future positions (decoder-style).")

    def infer(self, x: TensorType) -> TensorType:
        _heads(x, self.num_heads, "MultiheadAttention")
        return x

    def build(self, x: TensorType) -> nn.Module:
        mha = nn.MultiheadAttention(
            x.shape[1], self.num_heads, dropout=self.dropout, bias=self.bias, batch_first=True
        )
        return SelfAttention(mha, x.shape[0], self.causal)

    def flops(self, x: TensorType, y: TensorType) -> int:
        return _attention_flops(*x.shape)


class TransformerEncoderLayer(ParamLayer):
    """Self-attention + feed-forward block with residuals and layer norm; d_model inferred."""

    type: Literal["TransformerEncoderLayer"] = "TransformerEncoderLayer"
    nhead: int = Field(1, ge=1, le=64, description="Attention heads (must divide d_model).")
    dim_feedforward: int | None = Field(
        None,
        ge=1,
        le=16384,
        description="Hidden size of the feed-forward part (default 4*d_model).",
    )
    dropout: float = Field(0.1, ge=0, lt=1, description="Dropout inside the block.")
    activation: Literal["relu", "gelu"] = Field("relu", description="Feed-forward activation.")  # type: ignore[assignment]
    norm_first: bool = Field(False, description="Pre-norm (True) or post-norm (False).")
    causal: bool = Field(False, description="Mask future positions.")

    def infer(self, x: TensorType) -> TensorType:
        _heads(x, self.nhead, "TransformerEncoderLayer")
        return x

    def _ff(self, x: TensorType) -> int:
        return self.dim_feedforward or 4 * x.shape[1]

    def build(self, x: TensorType) -> nn.Module:
        layer = nn.TransformerEncoderLayer(
            x.shape[1], self.nhead, self._ff(x), self.dropout, self.activation,
            batch_first=True, norm_first=self.norm_first,
        )  # fmt: skip
        return EncoderBlock(layer, x.shape[0], self.causal)

    def flops(self, x: TensorType, y: TensorType) -> int:
        length, dim = x.shape
        return _attention_flops(length, dim) + 2 * 2 * length * dim * self._ff(x)


class PositionalEncoding(ParamLayer):
    """Adds position information to (L, E): fixed sinusoids or a learned table."""

    type: Literal["PositionalEncoding"] = "PositionalEncoding"
    kind: Literal["sinusoidal", "learned"] = Field("sinusoidal", description="Fixed or learned.")

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [2], "PositionalEncoding", SEQUENCE)
        return x

    def build(self, x: TensorType) -> nn.Module:
        return PositionalEncodingModule(x.shape[0], x.shape[1], self.kind)
