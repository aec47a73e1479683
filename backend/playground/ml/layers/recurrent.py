"""Recurrent layers (curriculum A12): batch first, many-to-one or many-to-many."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator
from torch import nn

from playground.ml.layers.base import need_rank
from playground.ml.layers.common import ParamLayer
from playground.ml.layers.modules import Recurrent
from playground.ml.layers.modules import SequencePool as SequencePoolModule
from playground.ml.types import TensorType


class _RecurrentSpec(ParamLayer):
    """(L, F) -> (L, D*H) with return_sequences, else the final state (D*H,); D = directions."""

    gates: ClassVar[int] = 1
    hidden_size: int = Field(ge=1, le=4096, description="Units in the hidden state.")
    num_layers: int = Field(1, ge=1, le=8, description="Stacked recurrent layers.")
    bidirectional: bool = Field(False, description="Also read the sequence backwards.")
    dropout: float = Field(0.0, ge=0, lt=1, description="Dropout between stacked layers.")
    bias: bool = Field(True, description="Learn biases.")
    return_sequences: bool = Field(
        False, description="Output every step (many-to-many) instead of the last state."
    )

    @model_validator(mode="after")
    def _dropout_needs_layers(self) -> _RecurrentSpec:
        if self.dropout > 0 and self.num_layers == 1:
            raise ValueError("dropout acts between stacked layers, so it needs num_layers >= 2")
        return self

    def infer(self, x: TensorType) -> TensorType:
        need_rank(
            x, [2], str(getattr(self, "type", "RNN")), "(L, F) (a sequence of feature vectors)"
        )
        width = self.hidden_size * (2 if self.bidirectional else 1)
        return TensorType((x.shape[0], width) if self.return_sequences else (width,))

    def _rnn(self, x: TensorType) -> nn.RNNBase:
        raise NotImplementedError

    def build(self, x: TensorType) -> nn.Module:
        return Recurrent(self._rnn(x), self.return_sequences)

    def _common(self, x: TensorType) -> dict[str, object]:
        return {
            "input_size": x.shape[1], "hidden_size": self.hidden_size,
            "num_layers": self.num_layers, "bias": self.bias, "batch_first": True,
            "dropout": self.dropout, "bidirectional": self.bidirectional,
        }  # fmt: skip

    def flops(self, x: TensorType, y: TensorType) -> int:
        d, h, steps = (2 if self.bidirectional else 1), self.hidden_size, x.shape[0]
        total, width = 0, x.shape[1]
        for _ in range(self.num_layers):
            total += 2 * self.gates * h * (width + h) * steps * d
            width = h * d
        return total

    def describe(self) -> str:
        return f"{getattr(self, 'type', 'RNN')}({self.hidden_size})"


class RNN(_RecurrentSpec):
    """Vanilla (Elman) RNN: h_t = tanh(W x_t + U h_{t-1} + b)."""

    type: Literal["RNN"] = "RNN"
    nonlinearity: Literal["tanh", "relu"] = Field("tanh", description="Activation of the state.")

    def _rnn(self, x: TensorType) -> nn.RNNBase:
        return nn.RNN(nonlinearity=self.nonlinearity, **self._common(x))


class GRU(_RecurrentSpec):
    """Gated recurrent unit: update and reset gates."""

    gates: ClassVar[int] = 3
    type: Literal["GRU"] = "GRU"

    def _rnn(self, x: TensorType) -> nn.RNNBase:
        return nn.GRU(**self._common(x))


class LSTM(_RecurrentSpec):
    """Long short-term memory: input, forget and output gates and a cell state."""

    gates: ClassVar[int] = 4
    type: Literal["LSTM"] = "LSTM"

    def _rnn(self, x: TensorType) -> nn.RNNBase:
        return nn.LSTM(**self._common(x))


class SequencePool(ParamLayer):
    """(L, F) -> (F,): mean, max, last or first step (many-to-one read-out)."""

    type: Literal["SequencePool"] = "SequencePool"
    mode: Literal["mean", "max", "last", "first"] = Field("mean", description="How to pool steps.")

    def infer(self, x: TensorType) -> TensorType:
        need_rank(x, [2], "SequencePool", "(L, F)")
        return TensorType((x.shape[1],))

    def build(self, x: TensorType) -> nn.Module:
        return SequencePoolModule(self.mode)
