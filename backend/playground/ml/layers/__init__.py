"""Every layer type a spec may name, as one discriminated union on `type`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from playground.ml.layers.activations import ACTIVATION_TYPES
from playground.ml.layers.attention import (
    MultiheadAttention,
    PositionalEncoding,
    TransformerEncoderLayer,
)
from playground.ml.layers.base import LayerSpec, ShapeError
from playground.ml.layers.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
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
from playground.ml.layers.pool import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from playground.ml.layers.recurrent import GRU, LSTM, RNN, SequencePool
from playground.ml.layers.residual import Residual

# Every layer type a spec may name, in catalog order: THE list to extend. The `Layer`
# union, the catalog and the error hints all derive from it (activations come from
# ACTIVATION_TYPES in activations.py, which also feeds the `activation` shorthand).
LAYER_CLASSES: tuple[type[LayerSpec], ...] = (
    Linear, Maxout, Flatten, Unflatten, Reshape, Dropout, Dropout1d, Dropout2d, Embedding,
    Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d,
    AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, BatchNorm1d,
    BatchNorm2d, LayerNorm, RNN, GRU, LSTM, SequencePool, MultiheadAttention,
    TransformerEncoderLayer, PositionalEncoding, Residual, *ACTIVATION_TYPES,
)  # fmt: skip

if TYPE_CHECKING:
    # mypy cannot read a union built from a tuple; statically a layer is its base class.
    Layer = LayerSpec
else:
    Layer = Annotated[
        Union[LAYER_CLASSES],  # noqa: UP007 - Union[tuple] is how a union is built at run time
        Field(discriminator="type"),
    ]

Residual.model_rebuild(_types_namespace={"Layer": Layer})

# name -> spec class: the catalog and error hints read this table.
LAYER_TYPES: dict[str, type[LayerSpec]] = {c.type_name(): c for c in LAYER_CLASSES}

__all__ = ["LAYER_CLASSES", "LAYER_TYPES", "Layer", "LayerSpec", "Residual", "ShapeError"]
