"""nn.Modules for the composites PyTorch lacks; each is small and documented by shape."""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor, nn


class Sign(nn.Module):
    """Step/sign activation: +1 where x >= 0, else -1; straight-through gradient."""

    def forward(self, x: Tensor) -> Tensor:
        hard = torch.where(x >= 0, 1.0, -1.0).to(x.dtype)
        # Straight-through estimator: the forward value is the step, the gradient is 1.
        return x + (hard - x).detach()


class Maxout(nn.Module):
    """max over `pieces` affine maps: (..., in) -> (..., out)."""

    def __init__(self, in_features: int, out_features: int, pieces: int, bias: bool) -> None:
        super().__init__()
        self.out_features, self.pieces = out_features, pieces
        self.linear = nn.Linear(in_features, out_features * pieces, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        z: Tensor = self.linear(x)  # (..., out * pieces)
        pieces = z.reshape(*z.shape[:-1], self.out_features, self.pieces)
        return pieces.amax(-1)


class Reshape(nn.Module):
    """(B, *in) -> (B, *shape)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = shape

    def forward(self, x: Tensor) -> Tensor:
        return x.reshape(x.shape[0], *self.shape)


class SequencePool(nn.Module):
    """(B, L, F) -> (B, F) by mean, max, last or first step."""

    def __init__(self, mode: Literal["mean", "max", "last", "first"]) -> None:
        super().__init__()
        self.mode = mode

    def forward(self, x: Tensor) -> Tensor:
        if self.mode == "mean":
            return x.mean(1)
        if self.mode == "max":
            return x.amax(1)
        return x[:, -1] if self.mode == "last" else x[:, 0]


class Recurrent(nn.Module):
    """Batch-first RNN/GRU/LSTM: (B, L, F) -> (B, L, D*H) or the final state (B, D*H)."""

    def __init__(self, rnn: nn.RNNBase, return_sequences: bool) -> None:
        super().__init__()
        self.rnn, self.return_sequences = rnn, return_sequences
        self.directions = 2 if rnn.bidirectional else 1

    def forward(self, x: Tensor) -> Tensor:
        out, state = self.rnn(x)
        if self.return_sequences:
            return out  # type: ignore[no-any-return]
        h_n = state[0] if isinstance(state, tuple) else state  # (layers * D, B, H)
        # The last layer's final state per direction; for a backward direction this is
        # the state after reading the whole sequence (out[:, -1] would be after one step).
        last: Tensor = h_n[-self.directions :]  # (D, B, H)
        return last.transpose(0, 1).flatten(1)  # (B, D * H)


def causal_mask(length: int) -> Tensor:
    """(L, L) bool, True where attention is forbidden (a position looking ahead)."""
    return torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1)


class SelfAttention(nn.Module):
    """Multi-head self-attention on (B, L, E), optionally causal."""

    def __init__(self, mha: nn.MultiheadAttention, length: int, causal: bool) -> None:
        super().__init__()
        self.mha = mha
        self.mask: Tensor | None
        self.register_buffer("mask", causal_mask(length) if causal else None, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.mha(x, x, x, attn_mask=self.mask, need_weights=False)[0]  # type: ignore[no-any-return]


class EncoderBlock(nn.Module):
    """nn.TransformerEncoderLayer (batch first) with an optional causal mask."""

    def __init__(self, layer: nn.TransformerEncoderLayer, length: int, causal: bool) -> None:
        super().__init__()
        self.layer = layer
        self.mask: Tensor | None
        self.register_buffer("mask", causal_mask(length) if causal else None, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.layer(x, src_mask=self.mask, is_causal=self.mask is not None)  # type: ignore[no-any-return]


class PositionalEncoding(nn.Module):
    """Adds a position code to (B, L, E): fixed sinusoids or a learned table."""

    def __init__(self, length: int, dim: int, kind: Literal["sinusoidal", "learned"]) -> None:
        super().__init__()
        if kind == "learned":
            self.table = nn.Parameter(torch.randn(length, dim) * 0.02)
        else:
            self.register_buffer("table", sinusoids(length, dim), persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.table


def sinusoids(length: int, dim: int) -> Tensor:
    """(L, E) table of Vaswani et al.: sin on even, cos on odd features."""
    pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)  # (L, 1)
    rate = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(pos * rate)
    table[:, 1::2] = torch.cos(pos * rate[: dim // 2])
    return table


class Residual(nn.Module):
    """body(x) + shortcut(x), then an optional activation."""

    def __init__(self, body: nn.Module, shortcut: nn.Module, post: nn.Module) -> None:
        super().__init__()
        self.body, self.shortcut, self.post = body, shortcut, post

    def forward(self, x: Tensor) -> Tensor:
        return self.post(self.body(x) + self.shortcut(x))  # type: ignore[no-any-return]
