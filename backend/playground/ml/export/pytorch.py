"""A run's model as a standalone `model.py`: plain PyTorch code that builds the same modules.

The code is written from the built nn.Module, not from the spec, so every submodule sits
under the same attribute name and the snapshot's state_dict loads with strict=True. Torch's
own modules become constructor calls with the arguments read back from the module; our
composites (Residual, Maxout, ...) are copied into the file from ml/layers/modules.py, so
they compute exactly what training computed.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from playground.ml.layers import modules as ours

INDENT = "    "
_TYPE_IGNORE = re.compile(r"  # type: ignore\[[\w, -]+\]")


class UnsupportedLayerError(ValueError):
    """A module the generator cannot write as code; `index` is its top-level spec layer."""

    def __init__(self, index: int, name: str) -> None:
        super().__init__(f"export to model.py does not support layer {name} yet")
        self.index, self.name = index, name


@dataclass(frozen=True)
class Preprocess:
    """What the data pipeline does to raw inputs before the model sees them.

    mean/std: training-split statistics with the batch dims kept (they broadcast to a
    batch), or None when inputs are not standardised; `tokens`: inputs are int64 ids.
    `float32`: the loader computes in float32 (images), else in float64 then rounds.
    """

    input_shape: tuple[int, ...]
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    tokens: bool = False
    float32: bool = False
    raw: str = "inputs"  # what a raw sample is, for the docstring


def model_source(model: nn.Module, pre: Preprocess, *, title: str) -> str:
    """The text of model.py for `model` (a built, spec-shaped nn.Sequential)."""
    used: list[type[nn.Module]] = []
    body = _top_level(model, used)
    classes = _classes(used)  # before the imports: they depend on what the classes use
    top = (
        _header(title, pre)
        + "\n\n"
        + _imports(ours.PositionalEncoding in used, any("Literal[" in c for c in classes))
    )
    parts = [top, *classes, _preprocess(pre), body, _TAIL]
    return "\n\n\n".join(p.strip("\n") for p in parts) + "\n"  # PEP 8 spacing


def _top_level(model: nn.Module, used: list[type[nn.Module]]) -> str:
    lines = []
    for i, child in enumerate(model.children()):
        try:
            lines.append(f"{INDENT * 2}{_expr(child, used, 2)},  # model.layers[{i}]")
        except _UnsupportedError as e:
            raise UnsupportedLayerError(i, e.name) from None
    return (
        "def build_model() -> nn.Module:\n"
        '    """The network with fresh weights; load() fills in the trained ones."""\n'
        "    return nn.Sequential(\n" + "\n".join(lines) + "\n    )"
    )


class _UnsupportedError(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def _expr(m: nn.Module, used: list[type[nn.Module]], depth: int) -> str:
    """A Python expression that constructs a module like `m` (same submodule names)."""
    kind = type(m)
    if kind is nn.Sequential:
        inner = INDENT * (depth + 1)
        items = [f"{inner}{_expr(c, used, depth + 1)}," for c in m.children()]
        return "nn.Sequential(\n" + "\n".join(items) + f"\n{INDENT * depth})"
    if kind in _CUSTOM:
        if kind not in used:
            used.append(kind)
        return _CUSTOM[kind](m, lambda c: _expr(c, used, depth))
    if kind in _TORCH:
        return f"nn.{kind.__name__}({_TORCH[kind](m)})"
    raise _UnsupportedError(kind.__name__)


def _args(*positional: object, **named: object) -> str:
    return ", ".join([*map(repr, positional), *(f"{k}={v!r}" for k, v in named.items())])


def _conv(m: nn.Module) -> str:
    assert isinstance(m, nn.Conv1d | nn.Conv2d)
    return _args(
        m.in_channels, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
        dilation=m.dilation, groups=m.groups, bias=m.bias is not None,
        padding_mode=m.padding_mode,
    )  # fmt: skip


def _conv_t(m: nn.Module) -> str:
    assert isinstance(m, nn.ConvTranspose1d | nn.ConvTranspose2d)
    return _args(
        m.in_channels, m.out_channels, m.kernel_size, stride=m.stride, padding=m.padding,
        output_padding=m.output_padding, groups=m.groups, bias=m.bias is not None,
        dilation=m.dilation,
    )  # fmt: skip


def _max_pool(m: nn.Module) -> str:
    assert isinstance(m, nn.MaxPool1d | nn.MaxPool2d)
    return _args(m.kernel_size, m.stride, m.padding, m.dilation, ceil_mode=m.ceil_mode)


def _avg_pool(m: nn.Module) -> str:
    assert isinstance(m, nn.AvgPool1d | nn.AvgPool2d)
    return _args(
        m.kernel_size, m.stride, m.padding, ceil_mode=m.ceil_mode,
        count_include_pad=m.count_include_pad,
    )  # fmt: skip


def _batch_norm(m: nn.Module) -> str:
    assert isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d)
    return _args(
        m.num_features, eps=m.eps, momentum=m.momentum, affine=m.affine,
        track_running_stats=m.track_running_stats,
    )  # fmt: skip


def _layer_norm(m: nn.Module) -> str:
    assert isinstance(m, nn.LayerNorm)
    bias = {"bias": m.bias is not None} if m.elementwise_affine else {}
    return _args(
        tuple(m.normalized_shape), eps=m.eps, elementwise_affine=m.elementwise_affine, **bias
    )


def _rnn(m: nn.Module) -> str:
    assert isinstance(m, nn.RNNBase)
    extra = {"nonlinearity": m.nonlinearity} if isinstance(m, nn.RNN) else {}
    return _args(
        m.input_size, m.hidden_size, num_layers=m.num_layers, bias=m.bias,
        batch_first=m.batch_first, dropout=m.dropout, bidirectional=m.bidirectional, **extra,
    )  # fmt: skip


def _mha(m: nn.Module) -> str:
    assert isinstance(m, nn.MultiheadAttention)
    return _args(
        m.embed_dim, m.num_heads, dropout=m.dropout, bias=m.in_proj_bias is not None,
        batch_first=m.batch_first,
    )  # fmt: skip


def _encoder_layer(m: nn.Module) -> str:
    assert isinstance(m, nn.TransformerEncoderLayer)
    activation = {1: "relu", 2: "gelu"}.get(m.activation_relu_or_gelu)
    if activation is None:
        raise _UnsupportedError("TransformerEncoderLayer with a custom activation")
    return _args(
        m.self_attn.embed_dim, m.self_attn.num_heads, m.linear1.out_features, m.dropout.p,
        activation, layer_norm_eps=m.norm1.eps, batch_first=m.self_attn.batch_first,
        norm_first=m.norm_first, bias=m.linear1.bias is not None,
    )  # fmt: skip


def _attr(*names: str) -> Callable[[nn.Module], str]:
    """Arguments read from attributes of the same names, in order."""
    return lambda m: _args(*(getattr(m, n) for n in names))


_TORCH: dict[type[nn.Module], Callable[[Any], str]] = {
    nn.Linear: lambda m: _args(m.in_features, m.out_features, bias=m.bias is not None),
    nn.Flatten: _attr("start_dim", "end_dim"),
    nn.Unflatten: lambda m: _args(m.dim, tuple(m.unflattened_size)),
    nn.Dropout: _attr("p"),
    nn.Dropout1d: _attr("p"),
    nn.Dropout2d: _attr("p"),
    nn.Embedding: _attr("num_embeddings", "embedding_dim"),
    nn.Conv1d: _conv,
    nn.Conv2d: _conv,
    nn.ConvTranspose1d: _conv_t,
    nn.ConvTranspose2d: _conv_t,
    nn.MaxPool1d: _max_pool,
    nn.MaxPool2d: _max_pool,
    nn.AvgPool1d: _avg_pool,
    nn.AvgPool2d: _avg_pool,
    nn.AdaptiveAvgPool1d: _attr("output_size"),
    nn.AdaptiveAvgPool2d: _attr("output_size"),
    nn.AdaptiveMaxPool2d: _attr("output_size"),
    nn.BatchNorm1d: _batch_norm,
    nn.BatchNorm2d: _batch_norm,
    nn.LayerNorm: _layer_norm,
    nn.RNN: _rnn,
    nn.GRU: _rnn,
    nn.LSTM: _rnn,
    nn.MultiheadAttention: _mha,
    nn.TransformerEncoderLayer: _encoder_layer,
    nn.ReLU: lambda m: "",
    nn.LeakyReLU: _attr("negative_slope"),
    nn.PReLU: _attr("num_parameters"),
    nn.ELU: _attr("alpha"),
    nn.GELU: lambda m: _args(approximate=m.approximate),
    nn.SiLU: lambda m: "",
    nn.Sigmoid: lambda m: "",
    nn.Tanh: lambda m: "",
    nn.Softmax: _attr("dim"),
    nn.LogSoftmax: _attr("dim"),
    nn.Softplus: _attr("beta", "threshold"),
    nn.Identity: lambda m: "",
}

Sub = Callable[[nn.Module], str]  # writes a child module's expression


def _mask_length(m: Any) -> tuple[int, bool]:
    mask = getattr(m, "mask", None)
    return (int(mask.shape[0]), True) if mask is not None else (0, False)


def _positional(m: Any, sub: Sub) -> str:
    table = m.table
    kind = "learned" if isinstance(table, nn.Parameter) else "sinusoidal"
    return f"PositionalEncoding({_args(*table.shape, kind)})"


# Our modules' emitters read their attributes untyped (Any): each knows its own class.
_CUSTOM: dict[type[nn.Module], Callable[[Any, Sub], str]] = {
    ours.Sign: lambda m, sub: "Sign()",
    ours.Maxout: lambda m, sub: (
        "Maxout("
        + _args(m.linear.in_features, m.out_features, m.pieces, m.linear.bias is not None)
        + ")"
    ),
    ours.Reshape: lambda m, sub: f"Reshape({_args(tuple(m.shape))})",
    ours.SequencePool: lambda m, sub: f"SequencePool({_args(m.mode)})",
    ours.Recurrent: lambda m, sub: f"Recurrent({sub(m.rnn)}, {m.return_sequences!r})",
    ours.SelfAttention: lambda m, sub: f"SelfAttention({sub(m.mha)}, {_args(*_mask_length(m))})",
    ours.EncoderBlock: lambda m, sub: f"EncoderBlock({sub(m.layer)}, {_args(*_mask_length(m))})",
    ours.PositionalEncoding: _positional,
    ours.Residual: lambda m, sub: f"Residual({sub(m.body)}, {sub(m.shortcut)}, {sub(m.post)})",
}

# Helper functions a copied class calls, copied with it.
_HELPERS: dict[type[nn.Module], tuple[Callable[..., Any], ...]] = {
    ours.SelfAttention: (ours.causal_mask,),
    ours.EncoderBlock: (ours.causal_mask,),
    ours.PositionalEncoding: (ours.sinusoids,),
}


def _classes(used: list[type[nn.Module]]) -> list[str]:
    helpers: list[Callable[..., Any]] = []
    for cls in used:
        helpers += [h for h in _HELPERS.get(cls, ()) if h not in helpers]
    objects: list[Callable[..., Any] | type[nn.Module]] = [*helpers, *used]
    # Our mypy notes mean nothing in the exported file.
    return [_TYPE_IGNORE.sub("", inspect.getsource(obj)) for obj in objects]


def _imports(needs_math: bool, needs_literal: bool) -> str:
    return "\n".join(
        [
            "from __future__ import annotations",
            "",
            *(["import math"] if needs_math else []),
            *(["from typing import Literal"] if needs_literal else []),
            *([""] if needs_math or needs_literal else []),
            "import torch",
            "from safetensors.torch import load_file",
            "from torch import Tensor, nn",
        ]
    )


def _header(title: str, pre: Preprocess) -> str:
    shape = "x".join(map(str, pre.input_shape))
    return f'''"""{title}, as plain PyTorch (needs only torch and safetensors).

    model = load("weights.safetensors")  # eval mode
    outputs = model(preprocess(raw))       # raw: (N, {shape}) {pre.raw}

Generated by NN Playground; the module names match the snapshot's state_dict keys.
"""'''


def _constant(a: np.ndarray, dtype: str) -> str:
    values = np.asarray(a, dtype=np.float64)
    flat = ", ".join(repr(float(v)) for v in values.reshape(-1))
    return f"torch.tensor([{flat}], dtype=torch.{dtype}).reshape{tuple(values.shape)!r}"


def _preprocess(pre: Preprocess) -> str:
    shape = repr(tuple(pre.input_shape))
    head = f"INPUT_SHAPE = {shape}  # one sample, without the batch dimension\n"
    if pre.tokens:
        return head + (
            "\n\ndef preprocess(x) -> Tensor:\n"
            '    """Token ids (N, *INPUT_SHAPE) as int64: the model embeds them itself."""\n'
            "    return torch.as_tensor(x).to(torch.int64)\n"
        )
    if pre.mean is None or pre.std is None:
        return head + (
            "\n\ndef preprocess(x) -> Tensor:\n"
            '    """Raw inputs (N, *INPUT_SHAPE) as float32: this run did not standardise."""\n'
            "    return torch.as_tensor(x).to(torch.float32)\n"
        )
    # The loader standardises float32 images in float32 and everything else in float64.
    dtype = "float32" if pre.float32 else "float64"
    return head + (
        "# Statistics of the run's training split (inputs are standardised with them).\n"
        f"MEAN = {_constant(pre.mean, dtype)}\n"
        f"STD = {_constant(pre.std, dtype)}\n"
        "\n\ndef preprocess(x) -> Tensor:\n"
        '    """Raw inputs (N, *INPUT_SHAPE) -> the standardised float32 inputs of training."""\n'
        f"    x = torch.as_tensor(x).to(torch.{dtype})\n"
        "    return ((x - MEAN) / STD).to(torch.float32)\n"
    )


_TAIL = '''
def load(path: str = "weights.safetensors") -> nn.Module:
    """build_model() with the trained weights, in eval mode."""
    model = build_model()
    model.load_state_dict(load_file(path), strict=True)
    return model.eval()


if __name__ == "__main__":
    print(load())
'''
