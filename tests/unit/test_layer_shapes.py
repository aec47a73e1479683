"""Oracle check for shape inference: every layer type, against a real PyTorch forward pass.

Each case is a plain JSON-style layer list, parsed through the same discriminated union
the spec uses. Inference runs on the meta device; the oracle is the real module built by
`build_model`, run on a random batch. Inferred shapes, dtypes (token ids vs floats) and
parameter counts must match what PyTorch actually produces, layer by layer, including the
rows of layers nested inside Residual blocks.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import torch
from pydantic import TypeAdapter
from torch import Tensor, nn

from playground.ml.builder import build_model
from playground.ml.errors import SpecError, format_path
from playground.ml.layers import LAYER_TYPES, Layer
from playground.ml.layers.dense import Linear
from playground.ml.layers.modules import Residual as ResidualModule
from playground.ml.shapes import LayerInfo, infer_layers, output_of
from playground.ml.types import TensorType

BATCH = 3
ROOT = ("model", "layers")
PARSE = TypeAdapter(list[Layer])

Spec = list[dict[str, Any]]

# PyTorch warns (legitimately) that an even kernel with padding="same" needs a padded copy
# of the input; only the cases that exercise that asymmetric padding ignore it.
EVEN_SAME = pytest.mark.filterwarnings(
    "ignore:Using padding='same' with even kernel lengths:UserWarning"
)


def case(
    id_: str, shape: tuple[int, ...], layers: Spec, vocab: int | None = None, *marks: Any
) -> Any:
    return pytest.param(shape, vocab, layers, id=id_, marks=marks)


def parse(layers: Spec) -> list[Layer]:
    return PARSE.validate_python(layers)


def infer(layers: Spec, shape: tuple[int, ...], vocab: int | None = None) -> list[LayerInfo]:
    return infer_layers(parse(layers), TensorType(shape, vocab), ROOT)


def trainable(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def sample(shape: tuple[int, ...], vocab: int | None) -> Tensor:
    if vocab is not None:
        return torch.randint(0, vocab, (BATCH, *shape))
    return torch.randn(BATCH, *shape)


# --------------------------------------------------------------------------- the table

LIN = {"type": "Linear", "out_features": 8}

CASES = [
    # Dense layers and the activation shorthand.
    case("Linear-vector", (4,), [{"type": "Linear", "out_features": 3}]),
    case("Linear-sequence-nobias", (5, 4), [{"type": "Linear", "out_features": 3, "bias": False}]),
    case(
        "Linear-shorthand",
        (4,),
        [
            {"type": "Linear", "out_features": 8, "activation": "ReLU"},
            {
                "type": "Linear",
                "out_features": 6,
                "activation": {"type": "LeakyReLU", "negative_slope": 0.2},
            },
            {
                "type": "Linear",
                "out_features": 6,
                "activation": {"type": "PReLU", "num_parameters": 6},
            },
            {"type": "Linear", "out_features": 2, "activation": {"type": "Softmax", "dim": -1}},
        ],
    ),
    case("Maxout", (6,), [{"type": "Maxout", "out_features": 4, "pieces": 3}]),
    case("Maxout-sequence-nobias", (5, 6), [{"type": "Maxout", "out_features": 2, "bias": False}]),
    # Reshaping.
    case("Flatten-default", (2, 3, 4), [{"type": "Flatten"}]),
    case("Flatten-start2", (2, 3, 4), [{"type": "Flatten", "start_dim": 2}]),
    case("Flatten-start1-end2", (2, 3, 4), [{"type": "Flatten", "start_dim": 1, "end_dim": 2}]),
    case("Flatten-negative-start", (2, 3, 4), [{"type": "Flatten", "start_dim": -2}]),
    case("Flatten-negative-end", (2, 3, 4), [{"type": "Flatten", "end_dim": -2}]),
    case("Flatten-single-dim", (2, 3, 4), [{"type": "Flatten", "start_dim": 2, "end_dim": 2}]),
    case("Flatten-tokens", (2, 3), [{"type": "Flatten"}], 7),
    case("Unflatten-minus1", (12,), [{"type": "Unflatten", "unflattened_size": [3, -1]}]),
    case(
        "Unflatten-negative-dim",
        (3, 12),
        [{"type": "Unflatten", "dim": -1, "unflattened_size": [2, -1, 3]}],
    ),
    case(
        "Unflatten-first-dim", (6, 2), [{"type": "Unflatten", "dim": 1, "unflattened_size": [2, 3]}]
    ),
    case(
        "Unflatten-tokens-then-Embedding",
        (6,),
        [
            {"type": "Unflatten", "unflattened_size": [2, -1]},
            {"type": "Embedding", "embedding_dim": 3},
        ],
        10,
    ),
    case("Reshape-minus1", (2, 3, 4), [{"type": "Reshape", "shape": [4, -1]}]),
    case("Reshape-to-image", (12,), [{"type": "Reshape", "shape": [3, 2, 2]}]),
    case("Reshape-tokens", (2, 3), [{"type": "Reshape", "shape": [6]}], 9),
    # Dropout.
    case("Dropout", (8,), [{"type": "Dropout", "p": 0.3}]),
    case("Dropout1d", (3, 8), [{"type": "Dropout1d"}]),
    case("Dropout2d", (3, 4, 4), [{"type": "Dropout2d", "p": 0.2}]),
    # Embedding.
    case("Embedding", (7,), [{"type": "Embedding", "embedding_dim": 5}], 11),
    case(
        "Embedding-classifier",
        (7,),
        [
            {"type": "Embedding", "embedding_dim": 5},
            {"type": "SequencePool", "mode": "mean"},
            {"type": "Linear", "out_features": 3},
        ],
        11,
    ),
    # Conv1d.
    case("Conv1d-k3", (2, 10), [{"type": "Conv1d", "out_channels": 4}]),
    case(
        "Conv1d-stride2-pad1",
        (2, 10),
        [{"type": "Conv1d", "out_channels": 4, "stride": 2, "padding": 1}],
    ),
    case("Conv1d-dilation2", (2, 10), [{"type": "Conv1d", "out_channels": 3, "dilation": 2}]),
    case(
        "Conv1d-groups2",
        (4, 10),
        [{"type": "Conv1d", "out_channels": 6, "groups": 2, "bias": False}],
    ),
    case(
        "Conv1d-same",
        (2, 9),
        [{"type": "Conv1d", "out_channels": 3, "kernel_size": 5, "padding": "same"}],
    ),
    case(
        "Conv1d-same-dilated",
        (2, 9),
        [{"type": "Conv1d", "out_channels": 3, "padding": "same", "dilation": 3}],
    ),
    case(
        "Conv1d-same-even-kernel",
        (2, 9),
        [{"type": "Conv1d", "out_channels": 3, "kernel_size": 4, "padding": "same"}],
        None,
        EVEN_SAME,
    ),
    case("Conv1d-valid", (2, 9), [{"type": "Conv1d", "out_channels": 3, "padding": "valid"}]),
    case(
        "Conv1d-list-args",
        (2, 11),
        [{"type": "Conv1d", "out_channels": 3, "kernel_size": [4], "stride": [3], "padding": [2]}],
    ),
    case(
        "Conv1d-reflect",
        (2, 6),
        [{"type": "Conv1d", "out_channels": 3, "padding": 2, "padding_mode": "reflect"}],
    ),
    case(
        "Conv1d-circular",
        (2, 6),
        [{"type": "Conv1d", "out_channels": 3, "padding": 3, "padding_mode": "circular"}],
    ),
    case(
        "Conv1d-replicate",
        (2, 6),
        [{"type": "Conv1d", "out_channels": 3, "padding": 4, "padding_mode": "replicate"}],
    ),
    # Conv2d.
    case(
        "Conv2d-k3-pad1-shorthand",
        (3, 8, 8),
        [{"type": "Conv2d", "out_channels": 4, "padding": 1, "activation": "ReLU"}],
    ),
    case(
        "Conv2d-nonsquare-tuple-pad",
        (3, 8, 7),
        [
            {
                "type": "Conv2d",
                "out_channels": 4,
                "kernel_size": [3, 2],
                "stride": [2, 1],
                "padding": [1, 0],
            }
        ],
    ),
    case(
        "Conv2d-stride-tuple",
        (3, 9, 10),
        [{"type": "Conv2d", "out_channels": 2, "kernel_size": 2, "stride": [2, 3]}],
    ),
    case(
        "Conv2d-dilation-tuple",
        (2, 9, 9),
        [{"type": "Conv2d", "out_channels": 2, "dilation": [2, 1], "padding": 1}],
    ),
    case("Conv2d-depthwise", (3, 6, 6), [{"type": "Conv2d", "out_channels": 6, "groups": 3}]),
    case(
        "Conv2d-groups2",
        (4, 6, 6),
        [{"type": "Conv2d", "out_channels": 6, "groups": 2, "kernel_size": [3, 1]}],
    ),
    case(
        "Conv2d-1x1-nobias",
        (4, 5, 5),
        [{"type": "Conv2d", "out_channels": 2, "kernel_size": 1, "bias": False}],
    ),
    case("Conv2d-same", (2, 7, 6), [{"type": "Conv2d", "out_channels": 3, "padding": "same"}]),
    case(
        "Conv2d-same-reflect-nonsquare",
        (2, 7, 6),
        [
            {
                "type": "Conv2d",
                "out_channels": 3,
                "kernel_size": [5, 3],
                "padding": "same",
                "padding_mode": "reflect",
            }
        ],
    ),
    case(
        "Conv2d-same-even-kernel",
        (1, 5, 6),
        [
            {
                "type": "Conv2d",
                "out_channels": 2,
                "kernel_size": [2, 4],
                "padding": "same",
                "dilation": [1, 3],
            }
        ],
        None,
        EVEN_SAME,
    ),
    case(
        "Conv2d-valid",
        (2, 7, 6),
        [{"type": "Conv2d", "out_channels": 3, "kernel_size": [2, 3], "padding": "valid"}],
    ),
    case(
        "Conv2d-kernel-equals-input",
        (2, 5, 4),
        [{"type": "Conv2d", "out_channels": 3, "kernel_size": [5, 4]}],
    ),
    case(
        "Conv2d-replicate",
        (2, 5, 5),
        [{"type": "Conv2d", "out_channels": 2, "padding": [2, 1], "padding_mode": "replicate"}],
    ),
    case(
        "Conv2d-circular",
        (2, 3, 3),
        [{"type": "Conv2d", "out_channels": 1, "padding": [3, 1], "padding_mode": "circular"}],
    ),
    case(
        "Conv2d-reflect",
        (2, 3, 3),
        [{"type": "Conv2d", "out_channels": 1, "padding": [2, 1], "padding_mode": "reflect"}],
    ),
    # Transposed convolutions: out = (in-1)*s - 2p + d*(k-1) + op + 1.
    case("ConvTranspose1d-default", (2, 5), [{"type": "ConvTranspose1d", "out_channels": 3}]),
    case(
        "ConvTranspose1d-pad-outpad",
        (2, 5),
        [
            {
                "type": "ConvTranspose1d",
                "out_channels": 3,
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "output_padding": 1,
            }
        ],
    ),
    case(
        "ConvTranspose1d-dilation-outpad",
        (2, 4),
        [
            {
                "type": "ConvTranspose1d",
                "out_channels": 3,
                "kernel_size": 3,
                "stride": 1,
                "output_padding": 1,
                "dilation": 2,
            }
        ],
    ),
    case(
        "ConvTranspose1d-groups",
        (2, 4),
        [{"type": "ConvTranspose1d", "out_channels": 4, "kernel_size": 3, "groups": 2}],
    ),
    case("ConvTranspose2d-default", (2, 4, 5), [{"type": "ConvTranspose2d", "out_channels": 3}]),
    case(
        "ConvTranspose2d-nonsquare",
        (2, 4, 5),
        [
            {
                "type": "ConvTranspose2d",
                "out_channels": 3,
                "kernel_size": [3, 2],
                "stride": [2, 3],
                "padding": [1, 0],
                "output_padding": [1, 2],
                "bias": False,
            }
        ],
    ),
    case(
        "ConvTranspose2d-dilation",
        (2, 3, 3),
        [
            {
                "type": "ConvTranspose2d",
                "out_channels": 2,
                "kernel_size": 3,
                "stride": 1,
                "dilation": 2,
                "padding": 1,
            }
        ],
    ),
    # Pooling.
    case("MaxPool1d-default", (2, 10), [{"type": "MaxPool1d"}]),
    case(
        "MaxPool1d-ceil-pad",
        (2, 10),
        [{"type": "MaxPool1d", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}],
    ),
    case(
        "MaxPool1d-ceil-stride-none",
        (2, 10),
        [{"type": "MaxPool1d", "kernel_size": 3, "ceil_mode": True}],
    ),
    # ceil_mode where the last window would start in the right padding: PyTorch drops it.
    case(
        "MaxPool1d-ceil-drop-last",
        (2, 5),
        [{"type": "MaxPool1d", "stride": 2, "padding": 1, "ceil_mode": True}],
    ),
    case(
        "MaxPool1d-dilation-lists",
        (2, 11),
        [{"type": "MaxPool1d", "kernel_size": [3], "stride": [2], "dilation": 2}],
    ),
    case("MaxPool2d-default-odd", (2, 7, 7), [{"type": "MaxPool2d"}]),
    case("MaxPool2d-ceil", (2, 7, 7), [{"type": "MaxPool2d", "ceil_mode": True}]),
    case(
        "MaxPool2d-k3-s2-p1",
        (2, 8, 8),
        [{"type": "MaxPool2d", "kernel_size": 3, "stride": 2, "padding": 1}],
    ),
    case(
        "MaxPool2d-nonsquare",
        (1, 5, 5),
        [{"type": "MaxPool2d", "kernel_size": [1, 3], "padding": [0, 1]}],
    ),
    case(
        "MaxPool2d-dilation-ceil",
        (1, 9, 8),
        [
            {
                "type": "MaxPool2d",
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "dilation": 2,
                "ceil_mode": True,
            }
        ],
    ),
    case("AvgPool1d-default", (2, 9), [{"type": "AvgPool1d"}]),
    case(
        "AvgPool1d-ceil-pad",
        (2, 9),
        [
            {
                "type": "AvgPool1d",
                "kernel_size": 3,
                "stride": 2,
                "padding": 1,
                "ceil_mode": True,
                "count_include_pad": False,
            }
        ],
    ),
    case("AvgPool2d-default", (2, 7, 7), [{"type": "AvgPool2d"}]),
    case(
        "AvgPool2d-ceil-pad",
        (1, 6, 6),
        [{"type": "AvgPool2d", "kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}],
    ),
    case(
        "AvgPool2d-ceil-drop-last",
        (1, 5, 5),
        [{"type": "AvgPool2d", "padding": 1, "ceil_mode": True}],
    ),
    case(
        "AvgPool2d-nonsquare-stride",
        (2, 7, 8),
        [{"type": "AvgPool2d", "kernel_size": [2, 3], "stride": [1, 2]}],
    ),
    case("AdaptiveAvgPool1d-global", (3, 10), [{"type": "AdaptiveAvgPool1d"}]),
    case("AdaptiveAvgPool1d-4", (3, 10), [{"type": "AdaptiveAvgPool1d", "output_size": 4}]),
    case("AdaptiveAvgPool1d-list", (3, 10), [{"type": "AdaptiveAvgPool1d", "output_size": [3]}]),
    case("AdaptiveAvgPool2d-global", (3, 7, 7), [{"type": "AdaptiveAvgPool2d"}]),
    case(
        "AdaptiveAvgPool2d-nonsquare",
        (3, 7, 7),
        [{"type": "AdaptiveAvgPool2d", "output_size": [2, 3]}],
    ),
    case(
        "AdaptiveAvgPool2d-upsample", (3, 4, 4), [{"type": "AdaptiveAvgPool2d", "output_size": 6}]
    ),
    case("AdaptiveMaxPool2d-global", (3, 7, 7), [{"type": "AdaptiveMaxPool2d"}]),
    case(
        "AdaptiveMaxPool2d-nonsquare",
        (3, 7, 7),
        [{"type": "AdaptiveMaxPool2d", "output_size": [4, 2]}],
    ),
    # Normalisation.
    case("BatchNorm1d-features", (5,), [{"type": "BatchNorm1d"}]),
    case("BatchNorm1d-channels", (3, 8), [{"type": "BatchNorm1d", "momentum": 0.5}]),
    case("BatchNorm1d-no-affine", (3, 8), [{"type": "BatchNorm1d", "affine": False}]),
    case("BatchNorm2d", (3, 4, 4), [{"type": "BatchNorm2d"}]),
    case("LayerNorm-1", (5,), [{"type": "LayerNorm"}]),
    case("LayerNorm-2", (4, 6), [{"type": "LayerNorm", "normalized_dims": 2}]),
    case("LayerNorm-3", (2, 3, 4), [{"type": "LayerNorm", "normalized_dims": 3}]),
    case("LayerNorm-no-affine", (2, 3, 4), [{"type": "LayerNorm", "elementwise_affine": False}]),
    # Recurrent.
    case("RNN-last", (6, 4), [{"type": "RNN", "hidden_size": 5}]),
    case(
        "RNN-relu-2layers-seq",
        (6, 4),
        [
            {
                "type": "RNN",
                "hidden_size": 5,
                "num_layers": 2,
                "nonlinearity": "relu",
                "return_sequences": True,
            }
        ],
    ),
    case(
        "RNN-bidirectional-last",
        (6, 4),
        [{"type": "RNN", "hidden_size": 5, "bidirectional": True, "bias": False}],
    ),
    case("GRU-seq", (6, 4), [{"type": "GRU", "hidden_size": 3, "return_sequences": True}]),
    case(
        "GRU-bi-2layers-dropout-last",
        (5, 4),
        [{"type": "GRU", "hidden_size": 3, "num_layers": 2, "bidirectional": True, "dropout": 0.2}],
    ),
    case("LSTM-last", (6, 4), [{"type": "LSTM", "hidden_size": 5}]),
    case(
        "LSTM-bi-seq",
        (6, 4),
        [{"type": "LSTM", "hidden_size": 5, "bidirectional": True, "return_sequences": True}],
    ),
    case(
        "LSTM-bi-3layers-last",
        (6, 4),
        [{"type": "LSTM", "hidden_size": 2, "num_layers": 3, "bidirectional": True}],
    ),
    case(
        "LSTM-stack-shorthand",
        (6, 4),
        [
            {"type": "LSTM", "hidden_size": 5, "return_sequences": True, "activation": "Tanh"},
            {"type": "LSTM", "hidden_size": 3},
            {"type": "Linear", "out_features": 2},
        ],
    ),
    *(
        case(f"SequencePool-{m}", (6, 4), [{"type": "SequencePool", "mode": m}])
        for m in ("mean", "max", "last", "first")
    ),
    # Attention.
    case("MultiheadAttention-1head", (5, 8), [{"type": "MultiheadAttention"}]),
    case(
        "MultiheadAttention-4heads-causal",
        (5, 8),
        [{"type": "MultiheadAttention", "num_heads": 4, "causal": True}],
    ),
    case(
        "MultiheadAttention-nobias-dropout",
        (5, 6),
        [{"type": "MultiheadAttention", "num_heads": 2, "bias": False, "dropout": 0.1}],
    ),
    case("TransformerEncoderLayer-default", (5, 8), [{"type": "TransformerEncoderLayer"}]),
    case(
        "TransformerEncoderLayer-causal-prenorm",
        (5, 8),
        [{"type": "TransformerEncoderLayer", "nhead": 2, "causal": True, "norm_first": True}],
    ),
    case(
        "TransformerEncoderLayer-gelu-ff16",
        (5, 8),
        [
            {
                "type": "TransformerEncoderLayer",
                "nhead": 4,
                "dim_feedforward": 16,
                "activation": "gelu",
                "dropout": 0.0,
            }
        ],
    ),
    case("PositionalEncoding-sinusoidal", (5, 8), [{"type": "PositionalEncoding"}]),
    case(
        "PositionalEncoding-sinusoidal-odd",
        (5, 7),
        [{"type": "PositionalEncoding", "kind": "sinusoidal"}],
    ),
    case("PositionalEncoding-learned", (5, 8), [{"type": "PositionalEncoding", "kind": "learned"}]),
    # Activations, standalone.
    case("ReLU", (2, 5), [{"type": "ReLU"}]),
    case("LeakyReLU", (2, 5), [{"type": "LeakyReLU", "negative_slope": 0.1}]),
    case("PReLU-single", (3, 4, 4), [{"type": "PReLU"}]),
    case("PReLU-channels", (3, 4, 4), [{"type": "PReLU", "num_parameters": 3, "init": 0.1}]),
    case("PReLU-vector", (5,), [{"type": "PReLU", "num_parameters": 5}]),
    case("ELU", (2, 5), [{"type": "ELU", "alpha": 0.5}]),
    case("GELU", (2, 5), [{"type": "GELU"}]),
    case("GELU-tanh", (2, 5), [{"type": "GELU", "approximate": "tanh"}]),
    case("SiLU", (2, 5), [{"type": "SiLU"}]),
    case("Sigmoid", (2, 5), [{"type": "Sigmoid"}]),
    case("Tanh", (2, 5), [{"type": "Tanh"}]),
    case("Softmax", (5,), [{"type": "Softmax"}]),
    case("Softmax-dim1", (3, 4), [{"type": "Softmax", "dim": 1}]),
    case("LogSoftmax", (5,), [{"type": "LogSoftmax"}]),
    case("LogSoftmax-dim-2", (3, 4), [{"type": "LogSoftmax", "dim": -2}]),
    case("Softplus", (2, 5), [{"type": "Softplus", "beta": 2.0}]),
    case("Identity", (2, 5), [{"type": "Identity"}]),
    case("Sign", (2, 5), [{"type": "Sign"}]),
    # Residual blocks.
    case(
        "Residual-identity-vector",
        (8,),
        [
            {
                "type": "Residual",
                "activation": "ReLU",
                "layers": [{**LIN, "activation": "ReLU"}, LIN],
            }
        ],
    ),
    case(
        "Residual-projection-vector",
        (8,),
        [{"type": "Residual", "layers": [{"type": "Linear", "out_features": 4}]}],
    ),
    case(
        "Residual-projection-sequence-features",
        (5, 4),
        [{"type": "Residual", "layers": [{"type": "Linear", "out_features": 6}]}],
    ),
    case(
        "Residual-identity-image",
        (4, 6, 6),
        [
            {
                "type": "Residual",
                "activation": "ReLU",
                "layers": [
                    {"type": "Conv2d", "out_channels": 4, "padding": 1, "activation": "ReLU"},
                    {"type": "Conv2d", "out_channels": 4, "padding": 1},
                    {"type": "BatchNorm2d"},
                ],
            }
        ],
    ),
    case(
        "Residual-projection-image-stride2",
        (4, 8, 8),
        [
            {
                "type": "Residual",
                "layers": [
                    {"type": "Conv2d", "out_channels": 8, "stride": 2, "padding": 1},
                    {"type": "BatchNorm2d"},
                    {"type": "ReLU"},
                    {"type": "Conv2d", "out_channels": 8, "padding": 1},
                ],
            }
        ],
    ),
    case(
        "Residual-projection-image-channels",
        (2, 5, 5),
        [
            {
                "type": "Residual",
                "activation": {"type": "PReLU", "num_parameters": 6},
                "layers": [{"type": "Conv2d", "out_channels": 6, "padding": "same"}],
            }
        ],
    ),
    case(
        "Residual-projection-conv1d-stride2",
        (4, 16),
        [
            {
                "type": "Residual",
                "layers": [{"type": "Conv1d", "out_channels": 8, "stride": 2, "padding": 1}],
            }
        ],
    ),
    case(
        "Residual-nested",
        (8,),
        [
            {
                "type": "Residual",
                "layers": [
                    {"type": "Residual", "layers": [LIN, {"type": "Tanh"}]},
                    {
                        "type": "Residual",
                        "activation": "ReLU",
                        "layers": [{"type": "Linear", "out_features": 4}],
                    },
                    {"type": "Linear", "out_features": 4},
                ],
            }
        ],
    ),
    case(
        "Residual-nested-image",
        (2, 8, 8),
        [
            {
                "type": "Residual",
                "layers": [
                    {
                        "type": "Residual",
                        "layers": [{"type": "Conv2d", "out_channels": 4, "padding": 1}],
                    },
                    {"type": "MaxPool2d"},
                ],
            }
        ],
    ),
    # Composites: whole models.
    case(
        "CNN-classifier",
        (1, 12, 12),
        [
            {"type": "Conv2d", "out_channels": 4, "padding": 1, "activation": "ReLU"},
            {
                "type": "Residual",
                "activation": "ReLU",
                "layers": [
                    {
                        "type": "Conv2d",
                        "out_channels": 8,
                        "stride": 2,
                        "padding": 1,
                        "activation": "ReLU",
                    },
                    {"type": "Conv2d", "out_channels": 8, "padding": 1},
                ],
            },
            {"type": "MaxPool2d", "ceil_mode": True},
            {"type": "Dropout2d", "p": 0.1},
            {"type": "Flatten"},
            {"type": "Linear", "out_features": 16, "activation": "GELU"},
            {"type": "Dropout", "p": 0.1},
            {"type": "Linear", "out_features": 10},
        ],
    ),
    case(
        "Autoencoder",
        (16,),
        [
            {"type": "Linear", "out_features": 32, "activation": "ReLU"},
            {"type": "Unflatten", "unflattened_size": [2, 4, 4]},
            {"type": "ConvTranspose2d", "out_channels": 3, "activation": "Sigmoid"},
            {"type": "Conv2d", "out_channels": 1, "kernel_size": 2, "stride": 2},
            {"type": "Flatten"},
        ],
    ),
    case(
        "Transformer-classifier",
        (6,),
        [
            {"type": "Embedding", "embedding_dim": 8},
            {"type": "PositionalEncoding", "kind": "learned"},
            {
                "type": "Residual",
                "layers": [
                    {"type": "LayerNorm"},
                    {"type": "MultiheadAttention", "num_heads": 2, "causal": True},
                ],
            },
            {"type": "TransformerEncoderLayer", "nhead": 2, "dim_feedforward": 12},
            {"type": "SequencePool", "mode": "last"},
            {"type": "Linear", "out_features": 3, "activation": "LogSoftmax"},
        ],
        20,
    ),
    case(
        "Conv1d-over-sequence",
        (10,),
        [
            {"type": "Embedding", "embedding_dim": 4},
            {"type": "Reshape", "shape": [4, 10]},
            {"type": "Conv1d", "out_channels": 6, "padding": "same", "activation": "SiLU"},
            {"type": "BatchNorm1d"},
            {"type": "Dropout1d", "p": 0.1},
            {"type": "AvgPool1d"},
            {"type": "AdaptiveAvgPool1d"},
            {"type": "Flatten"},
            {"type": "BatchNorm1d"},
            {"type": "Linear", "out_features": 2},
        ],
        30,
    ),
]


def _types_in(layers: Spec) -> set[str]:
    found: set[str] = set()
    for layer in layers:
        found.add(layer["type"])
        found |= _types_in(layer.get("layers", []))
    return found


def test_cases_cover_every_layer_type() -> None:
    used = set().union(*(_types_in(p.values[2]) for p in CASES))
    assert used == set(LAYER_TYPES), f"missing: {set(LAYER_TYPES) - used}"


def test_case_ids_are_unique() -> None:
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))


# --------------------------------------------------------------------------- the oracle


def _entries(rows: list[LayerInfo], depth: int) -> list[tuple[LayerInfo, list[LayerInfo]]]:
    """Split a stack's rows into (own row, rows nested below it) per entry."""
    out: list[tuple[LayerInfo, list[LayerInfo]]] = []
    for row in rows:
        if row.depth == depth:
            out.append((row, []))
        else:
            assert out, f"{row.path}: nested row before its block"
            assert row.depth > depth, f"{row.path}: row out of order"
            out[-1][1].append(row)
    return out


def _run_stack(seq: nn.Sequential, rows: list[LayerInfo], x: Tensor, depth: int) -> Tensor:
    """Run `seq` one entry at a time, checking each entry (and nested rows) against its row."""
    entries = _entries(rows, depth)
    assert len(seq) == len(entries)
    for module, (row, inner) in zip(seq, entries, strict=True):
        assert tuple(x.shape[1:]) == row.input.shape, row.path
        assert trainable(module) == row.params, f"{row.path}: params"
        if row.type == "Residual":
            assert isinstance(module, ResidualModule)
            assert all(r.loc[: len(row.loc) + 1] == (*row.loc, "layers") for r in inner)
            body = _run_stack(module.body, inner, x, depth + 1)
            assert tuple(module.shortcut(x).shape) == tuple(body.shape), f"{row.path}: shortcut"
        else:
            assert not inner
        y = module(x)
        assert tuple(y.shape[1:]) == row.output.shape, f"{row.path}: {row.label}"
        if row.output.is_tokens:
            assert y.dtype == torch.int64, row.path
            assert int(y.min()) >= 0, row.path
            assert int(y.max()) < row.output.vocab, row.path
        else:
            assert y.dtype == torch.float32, row.path
        x = y
    return x


@pytest.mark.parametrize(("shape", "vocab", "layers"), CASES)
def test_inference_matches_pytorch(shape: tuple[int, ...], vocab: int | None, layers: Spec) -> None:
    torch.manual_seed(0)
    specs = parse(layers)
    x_type = TensorType(shape, vocab)
    rows = infer_layers(specs, x_type, ROOT)
    top = [r for r in rows if r.depth == 0]
    assert [r.loc for r in top] == [(*ROOT, i) for i in range(len(layers))]
    assert all(r.flops >= 0 for r in rows)

    model = build_model(specs, x_type)
    assert len(model) == len(layers)
    assert trainable(model) == sum(r.params for r in top)

    x = sample(shape, vocab)
    out = model(x)
    assert tuple(out.shape) == (BATCH, *output_of(rows, x_type).shape)

    # Layer by layer (nested Residual rows too), on the same input.
    _run_stack(model, rows, x, 0)

    # Every counted parameter takes part in the forward pass.
    if out.is_floating_point() and trainable(model):
        out.sum().backward()
        unused = [n for n, p in model.named_parameters() if p.requires_grad and p.grad is None]
        assert not unused

    # Eval mode (running statistics, no dropout, fused attention paths) gives the same shape.
    model.eval()
    with torch.no_grad():
        assert model(x).shape == out.shape


# --------------------------------------------------------------------------- errors


def _error(
    layers: Spec, shape: tuple[int, ...], vocab: int | None = None
) -> tuple[tuple[Any, ...], str]:
    with pytest.raises(SpecError) as info:
        infer(layers, shape, vocab)
    err = info.value.errors[0]
    assert err.type == "shape_error"
    return err.loc, err.msg


CONV = {"type": "Conv2d", "out_channels": 4}

BAD = [
    pytest.param(
        (1, 4, 4), None, [{**CONV, "kernel_size": 5}], 0, "does not fit", id="kernel-too-big"
    ),
    pytest.param(
        (1, 4, 4),
        None,
        [{**CONV, "kernel_size": 3, "dilation": 2}],
        0,
        "does not fit",
        id="dilated-kernel-too-big",
    ),
    pytest.param(
        (2, 6),
        None,
        [{"type": "MaxPool1d", "kernel_size": 8}],
        0,
        "does not fit",
        id="pool-too-big",
    ),
    pytest.param(
        (3, 8, 8),
        None,
        [{**CONV, "padding": "same", "stride": 2}],
        0,
        'padding "same" needs stride 1',
        id="same-stride2",
    ),
    pytest.param(
        (3, 8, 8), None, [{**CONV, "groups": 2}], 0, "groups=2 must divide", id="groups-in"
    ),
    pytest.param(
        (4, 8, 8),
        None,
        [{"type": "Conv2d", "out_channels": 3, "groups": 2}],
        0,
        "groups=2 must divide",
        id="groups-out",
    ),
    pytest.param(
        (4, 8),
        None,
        [{"type": "ConvTranspose1d", "out_channels": 3, "groups": 2}],
        0,
        "groups=2 must divide",
        id="convT-groups",
    ),
    pytest.param(
        (2, 5),
        None,
        [{"type": "ConvTranspose1d", "out_channels": 3, "output_padding": 2}],
        0,
        "output_padding",
        id="convT-output-padding",
    ),
    pytest.param(
        (2, 8, 8),
        None,
        [{**CONV, "kernel_size": [3, 3, 3]}],
        0,
        "kernel_size needs 2 values",
        id="kernel-rank",
    ),
    pytest.param(
        (2, 8, 8),
        None,
        [{"type": "MaxPool2d", "kernel_size": 2, "padding": 2}],
        0,
        "at most half the kernel",
        id="pool-padding",
    ),
    pytest.param(
        (3, 8, 8),
        None,
        [{"type": "Flatten", "start_dim": 0}, {"type": "Linear", "out_features": 2}],
        0,
        "start_dim=0 is out of range",
        id="flatten-batch-dim",
    ),
    pytest.param(
        (3, 8, 8),
        None,
        [{"type": "Linear", "out_features": 10}],
        0,
        "add a Flatten first",
        id="linear-on-image",
    ),
    pytest.param(
        (8,),
        None,
        [{"type": "ReLU"}, {"type": "Embedding", "embedding_dim": 4}],
        1,
        "needs token ids",
        id="embedding-on-floats",
    ),
    pytest.param(
        (8,),
        None,
        [{"type": "RNN", "hidden_size": 4}],
        0,
        "expects input (L, F)",
        id="rnn-on-vector",
    ),
    pytest.param(
        (5, 6),
        None,
        [{"type": "MultiheadAttention", "num_heads": 4}],
        0,
        "not divisible by 4 heads",
        id="mha-heads",
    ),
    pytest.param(
        (5, 6),
        None,
        [{"type": "TransformerEncoderLayer", "nhead": 4}],
        0,
        "not divisible by 4 heads",
        id="encoder-heads",
    ),
    pytest.param(
        (2, 3, 4),
        None,
        [{"type": "Reshape", "shape": [5, 5]}],
        0,
        "cannot reshape 2x3x4 (24 values) to 5x5",
        id="reshape-count",
    ),
    pytest.param(
        (24,),
        None,
        [{"type": "Reshape", "shape": [5, -1]}],
        0,
        "cannot reshape",
        id="reshape-minus1",
    ),
    pytest.param(
        (12,),
        None,
        [{"type": "Unflatten", "unflattened_size": [5, -1]}],
        0,
        "cannot split 12",
        id="unflatten-split",
    ),
    pytest.param(
        (4, 6),
        None,
        [{"type": "LayerNorm", "normalized_dims": 3}],
        0,
        "normalized_dims=3",
        id="layernorm-dims",
    ),
    pytest.param(
        (3, 4, 4),
        None,
        [{"type": "PReLU", "num_parameters": 4}],
        0,
        "must be 1 or 3",
        id="prelu-channels",
    ),
    pytest.param(
        (2, 4, 4),
        None,
        [{"type": "Residual", "layers": [{"type": "Flatten"}]}],
        0,
        "the ranks differ",
        id="residual-rank",
    ),
    pytest.param(
        (2, 6, 6),
        None,
        [{"type": "Residual", "layers": [{**CONV, "kernel_size": [2, 3]}]}],
        0,
        "same whole factor",
        id="residual-uneven-shrink",
    ),
    pytest.param(
        (10,), 5, [{**CONV}], 0, "needs float features but gets token ids", id="conv2d-on-tokens"
    ),
    pytest.param(
        (10,),
        5,
        [{"type": "Linear", "out_features": 2}],
        0,
        "put an Embedding first",
        id="linear-on-tokens",
    ),
    pytest.param(
        (10,),
        5,
        [{"type": "Flatten"}, {"type": "ReLU"}],
        1,
        "ReLU needs float features",
        id="relu-on-tokens",
    ),
]


@pytest.mark.parametrize(("shape", "vocab", "layers", "index", "fragment"), BAD)
def test_bad_layer_is_named(
    shape: tuple[int, ...], vocab: int | None, layers: Spec, index: int, fragment: str
) -> None:
    loc, msg = _error(layers, shape, vocab)
    assert loc == (*ROOT, index)
    assert msg.startswith(f"{format_path(loc)} ({layers[index]['type']}): "), msg
    assert fragment in msg


def test_error_inside_residual_has_nested_path() -> None:
    bad = {**CONV, "kernel_size": 9}
    layers = [
        {"type": "Conv2d", "out_channels": 2, "padding": 1},
        {"type": "Residual", "layers": [{"type": "ReLU"}, bad]},
    ]
    loc, msg = _error(layers, (1, 6, 6))
    assert loc == (*ROOT, 1, "layers", 1)
    assert msg.startswith("model.layers[1].layers[1] (Conv2d): ")
    assert "does not fit" in msg


def test_error_two_residuals_deep() -> None:
    inner = {
        "type": "Residual",
        "layers": [{"type": "Tanh"}, {"type": "Embedding", "embedding_dim": 2}],
    }
    layers = [{"type": "Residual", "layers": [LIN, inner]}]
    loc, msg = _error(layers, (8,))
    assert loc == (*ROOT, 0, "layers", 1, "layers", 1)
    assert "needs token ids" in msg


# Specs whose real PyTorch module fails at the first forward pass: inference must reject
# them first, with a SpecError naming the layer (regressions of bugs found here).
ACCEPTED_BUT_FAIL = [
    pytest.param((4,), [{"type": "Softmax", "dim": 3}], id="softmax-dim-out-of-range"),
    pytest.param((4,), [{"type": "LogSoftmax", "dim": -3}], id="logsoftmax-dim-out-of-range"),
    pytest.param(
        (1, 3),
        [{"type": "Conv1d", "out_channels": 2, "padding": 3, "padding_mode": "reflect"}],
        id="reflect-padding-too-big",
    ),
    pytest.param(
        (1, 2),
        [
            {
                "type": "Conv1d",
                "out_channels": 2,
                "kernel_size": 5,
                "padding": "same",
                "padding_mode": "reflect",
            }
        ],
        id="same-reflect-padding-too-big",
    ),
    pytest.param(
        (1, 3, 3),
        [{**CONV, "padding": 4, "padding_mode": "circular"}],
        id="circular-padding-wraps-twice",
    ),
]


@pytest.mark.parametrize(("shape", "layers"), ACCEPTED_BUT_FAIL)
def test_pytorch_rejects(shape: tuple[int, ...], layers: Spec) -> None:
    """The premise of the next test: the real module fails on a real batch."""
    specs = parse(layers)
    model = nn.Sequential(*(s.build(TensorType(shape)) for s in specs))
    with pytest.raises((IndexError, RuntimeError)):
        model(sample(shape, None))


@pytest.mark.parametrize(("shape", "layers"), ACCEPTED_BUT_FAIL)
def test_inference_rejects_what_pytorch_rejects(shape: tuple[int, ...], layers: Spec) -> None:
    loc, _ = _error(layers, shape)
    assert loc == (*ROOT, 0)


# --------------------------------------------------------------------------- FLOPs


def _flops(layers: Spec, shape: tuple[int, ...]) -> int:
    return infer(layers, shape)[0].flops


def test_flops_linear() -> None:
    # 2 * out_numel * in_features: one multiply-add per weight per output.
    assert _flops([{"type": "Linear", "out_features": 3}], (4,)) == 2 * 3 * 4 == 24
    assert _flops([{"type": "Linear", "out_features": 3}], (5, 4)) == 2 * (5 * 3) * 4


def test_flops_conv2d() -> None:
    def formula(out_numel: int, c_in: int, groups: int, kh: int, kw: int) -> int:
        return 2 * out_numel * (c_in // groups) * kh * kw

    # 1 -> 2 channels, k=3, on 1x5x5 without padding: output 2x3x3.
    conv = {"type": "Conv2d", "out_channels": 2, "kernel_size": 3}
    assert _flops([conv], (1, 5, 5)) == formula(2 * 3 * 3, 1, 1, 3, 3) == 324
    # Grouped, non-square: 4 -> 6 channels, groups 2, k=(3,1) on 4x5x5: output 6x3x5.
    grouped = {"type": "Conv2d", "out_channels": 6, "groups": 2, "kernel_size": [3, 1]}
    assert _flops([grouped], (4, 5, 5)) == formula(6 * 3 * 5, 4, 2, 3, 1) == 1080


def test_flops_activation_shorthand_adds_one_per_output() -> None:
    # Activations count one FLOP per output value; the shorthand adds them to its layer.
    assert _flops([{"type": "ReLU"}], (2, 5)) == 10
    assert _flops([{"type": "Linear", "out_features": 3, "activation": "ReLU"}], (4,)) == 24 + 3


def test_flops_pool() -> None:
    # out_numel * kernel_numel: one comparison / addition per window tap.
    assert _flops([{"type": "MaxPool2d"}], (2, 6, 6)) == (2 * 3 * 3) * 4


def test_flops_residual_sums_body_and_projection() -> None:
    # Body: Conv2d 2->4, k=3, stride 2, pad 1 on 2x4x4 -> 4x2x2 = 2*16*2*9 = 576.
    # Projection shortcut (1x1 conv, stride 2): 2 * out_numel * C_in = 2*16*2 = 64.
    block = {
        "type": "Residual",
        "layers": [{"type": "Conv2d", "out_channels": 4, "stride": 2, "padding": 1}],
    }
    assert _flops([block], (2, 4, 4)) == 576 + 64
    # Identity shortcut: just the body (Linear 4->4 on (4,): 2*4*4).
    identity = {"type": "Residual", "layers": [{"type": "Linear", "out_features": 4}]}
    assert _flops([identity], (4,)) == 32


def test_flops_residual_activation_shorthand() -> None:
    block = {
        "type": "Residual",
        "activation": "ReLU",
        "layers": [{"type": "Linear", "out_features": 4}],
    }
    assert _flops([block], (4,)) == 32 + 4


# --------------------------------------------------------------------------- meta device


def test_huge_linear_is_counted_on_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    """~4.3e9 parameters (17 GB of float32) are counted without allocating anything."""
    built: list[nn.Module] = []
    real_build = Linear.build

    def spy(self: Linear, x: TensorType) -> nn.Module:
        module = real_build(self, x)
        built.append(module)
        return module

    monkeypatch.setattr(Linear, "build", spy)
    start = time.perf_counter()
    rows = infer([{"type": "Linear", "out_features": 65536}], (65536,))
    elapsed = time.perf_counter() - start

    assert rows[0].params == 65536 * 65536 + 65536 == 4_295_032_832
    assert rows[0].output.shape == (65536,)
    assert rows[0].flops == 2 * 65536 * 65536
    assert built, "Linear.build was not called"
    assert all(p.device.type == "meta" for m in built for p in m.parameters())
    assert elapsed < 5.0
