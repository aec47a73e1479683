"""Every layer type a spec may name, as one discriminated union on `type`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from playground.ml.layers.activations import (
    ACTIVATION_TYPES,
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    LogSoftmax,
    PReLU,
    ReLU,
    Sigmoid,
    Sign,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from playground.ml.layers.attention import (
    MultiheadAttention,
    PositionalEncoding,
    TransformerEncoderLayer,
)
from playground.ml.layers.base import LayerSpec, ShapeError
from playground.ml.layers.conv import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    Conv1d,
    Conv2d,
    ConvTranspose1d,
    ConvTranspose2d,
    MaxPool1d,
    MaxPool2d,
)
from playground.ml.layers.dense import (
    Dropout,
    Dropout1d,
    Dropout2d,
    Embedding,
    Flatten,
    Linear,
    Maxout,
    Reshape,
    Unflatten,
)
from playground.ml.layers.norm import BatchNorm1d, BatchNorm2d, LayerNorm
from playground.ml.layers.recurrent import GRU, LSTM, RNN, SequencePool
from playground.ml.layers.residual import Residual

Layer = Annotated[
    Linear
    | Maxout
    | Flatten
    | Unflatten
    | Reshape
    | Dropout
    | Dropout1d
    | Dropout2d
    | Embedding
    | Conv1d
    | Conv2d
    | ConvTranspose1d
    | ConvTranspose2d
    | MaxPool1d
    | MaxPool2d
    | AvgPool1d
    | AvgPool2d
    | AdaptiveAvgPool1d
    | AdaptiveAvgPool2d
    | AdaptiveMaxPool2d
    | BatchNorm1d
    | BatchNorm2d
    | LayerNorm
    | RNN
    | GRU
    | LSTM
    | SequencePool
    | MultiheadAttention
    | TransformerEncoderLayer
    | PositionalEncoding
    | Residual
    | ReLU
    | LeakyReLU
    | PReLU
    | ELU
    | GELU
    | SiLU
    | Sigmoid
    | Tanh
    | Softmax
    | LogSoftmax
    | Softplus
    | Identity
    | Sign,
    Field(discriminator="type"),
]

Residual.model_rebuild(_types_namespace={"Layer": Layer})

_CLASSES: tuple[type[LayerSpec], ...] = (
    Linear, Maxout, Flatten, Unflatten, Reshape, Dropout, Dropout1d, Dropout2d, Embedding,
    Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d,
    AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, BatchNorm1d,
    BatchNorm2d, LayerNorm, RNN, GRU, LSTM, SequencePool, MultiheadAttention,
    TransformerEncoderLayer, PositionalEncoding, Residual, *ACTIVATION_TYPES,
)  # fmt: skip
# name -> spec class: the catalog and error hints read this table.
LAYER_TYPES: dict[str, type[LayerSpec]] = {c.model_fields["type"].default: c for c in _CLASSES}

__all__ = ["LAYER_TYPES", "Layer", "LayerSpec", "Residual", "ShapeError"]
