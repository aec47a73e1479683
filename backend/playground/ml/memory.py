"""A run's peak memory, estimated from the validated summary before anything is allocated.

The parts, in bytes (float32 = 4 bytes a value):
- weights: the parameters, their gradients and the optimizer's state per parameter;
- activations: every layer's output for one training batch, kept for the backward pass,
  times ACTIVATION_FACTOR (saved inputs, masks, the gradients flowing back), plus what
  recurrent and attention layers keep inside (gates per step, attention matrices);
- data: all splits as tensors (train() keeps them on the device), a shuffled copy of the
  training split each epoch, and the epoch's training outputs;
- evaluation: one chunk of EVAL_ROWS samples through the network without gradients;
- the worker process itself (torch, numpy, the warm-up): WORKER_BYTES.

Measured (tests/unit/test_memory_estimate.py, peak RSS growth of a fresh process training
the spec after a warm-up, one thread, torch 2.13 CPU), estimate less the process / measured:
MLP 1024 wide at batch 4096 151/169 MB (0.9x), CNN 127/115-155 MB (0.8-1.1x), LSTM 614/527
MB (1.2x), Transformer encoder 696/469 MB (1.5x), MLP 4096 wide at batch 29,400 3.0/2.0 GB
(1.5x).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from playground.ml.layers import Layer
from playground.ml.layers.attention import MultiheadAttention, TransformerEncoderLayer
from playground.ml.layers.recurrent import GRU, LSTM, RNN
from playground.ml.metrics import EVAL_ROWS
from playground.ml.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from playground.ml.shapes import LayerInfo
from playground.ml.spec import RunSpec

FLOAT = 4  # bytes per float32 value
# Peak RSS of a booted worker (torch, numpy, scipy imported, warm-up run done), measured
# at 360 MB on torch 2.13 CPU; rounded up for what a run imports lazily.
WORKER_BYTES = 400 * 2**20
# Bytes held per byte of layer output during one training step: the output itself, what
# autograd saves to compute gradients (inputs of Linear/conv, masks of dropout,
# normalisation statistics), the gradients flowing back, and what the allocator keeps
# after freeing mid-size blocks. Measured (peak RSS growth less weights and evaluation,
# over summed outputs x batch x 4 bytes): 1.9 for an MLP at batch 29,400 (two 4096-wide
# layers), 2.6 for an LSTM (gates counted as outputs), 2.7-3.8 for a CNN, 3.5 for an MLP at
# batch 4096 (1024 wide).
ACTIVATION_FACTOR = 3.0
VIEWS = frozenset({"Flatten", "Reshape", "Identity"})  # outputs share their input's memory


@dataclass(frozen=True)
class MemoryEstimate:
    """Estimated peak bytes of one run, and the parts they come from."""

    total: int
    parts: dict[str, int]  # weights, activations, data, evaluation, process
    batch: int  # samples in the training batch the activations are counted for

    def biggest(self) -> str:
        """The largest part the spec controls (not the worker process's own)."""
        return max((k for k in self.parts if k != "process"), key=lambda k: self.parts[k])

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, **self.parts}


def optimizer_copies(spec: RunSpec) -> int:
    """Tensors the optimizer keeps per parameter, by its type alone (Adam: two moments;
    SGD: a momentum buffer, counted even at momentum 0). Its settings are left out so that
    validation does not depend on them: a sweep varies them, and ml/vectorized validates
    once per optimizer type. Adam's amsgrad and RMSprop's momentum and centered each add
    one more copy, not counted."""
    opt = spec.training.optimizer
    if isinstance(opt, Adam | AdamW):
        return 2
    if isinstance(opt, SGD | RMSprop | Adagrad):
        return 1
    return 0  # Perceptron: plain steps


def estimate(spec: RunSpec, rows: list[LayerInfo], params: int, n: tuple[int, int, int],
             x_bytes: int, y_bytes: int) -> MemoryEstimate:  # fmt: skip
    """Peak bytes for `spec` whose validated layers are `rows` with `params` parameters;
    `n` is (train, val, test) samples, `x_bytes` and `y_bytes` the bytes of one sample's
    input and target."""
    n_train, n_val, n_test = n
    batch = (
        n_train if spec.training.batch_size == "full" else min(n_train, spec.training.batch_size)
    )
    per_sample = sum(_output_elements(r) + _internal_elements(spec, r) for r in rows)
    top = [r for r in rows if r.depth == 0]  # the model's output is the last top row's
    out_elems = math.prod(top[-1].output.shape) if top else 0
    widest = max((math.prod(r.output.shape) for r in rows), default=0)
    # Data loading and the first normalisation hold a float64 copy for a moment, which is
    # freed before training; the shuffled copy of the training split lives all run.
    samples = n_train + n_val + n_test
    parts = {
        "weights": params * FLOAT * (2 + optimizer_copies(spec)),
        "activations": int(per_sample * batch * FLOAT * ACTIVATION_FACTOR),
        "data": samples * (x_bytes + y_bytes) + n_train * (x_bytes + y_bytes + out_elems * FLOAT),
        "evaluation": min(EVAL_ROWS, max(n_val, n_test, 1)) * widest * FLOAT * 2
        + max(n_val, n_test) * out_elems * FLOAT,
        "process": WORKER_BYTES,
    }
    return MemoryEstimate(sum(parts.values()), parts, batch)


def _output_elements(row: LayerInfo) -> int:
    """Values one sample's output of this row holds (a block's own row: its sum only).

    A layer with an `activation` shorthand counts once: ReLU, Tanh and Sigmoid keep their
    output for backward, and the layer's own output before them is freed.
    """
    return 0 if row.type in VIEWS else math.prod(row.output.shape)


def _layer_at(spec: RunSpec, row: LayerInfo) -> Layer | None:
    node: Any = spec
    for part in row.loc:
        node = node[part] if isinstance(part, int) else getattr(node, part, None)
        if node is None:
            return None
    return node  # type: ignore[no-any-return]


def _internal_elements(spec: RunSpec, row: LayerInfo) -> int:
    """Values per sample a layer keeps inside for backward, beyond its output."""
    layer = _layer_at(spec, row)
    if isinstance(layer, RNN | GRU | LSTM):
        steps = row.input.shape[0]
        gates = 4 if isinstance(layer, LSTM) else 3 if isinstance(layer, GRU) else 1
        dirs = 2 if layer.bidirectional else 1
        # Each step keeps its gates, its cell state and hidden state, per layer and direction.
        return steps * layer.hidden_size * dirs * layer.num_layers * (gates + 2)
    if isinstance(layer, MultiheadAttention | TransformerEncoderLayer):
        length, width = row.input.shape[0], row.input.shape[-1]
        heads = layer.num_heads if isinstance(layer, MultiheadAttention) else layer.nhead
        scores = 2 * heads * length * length  # weights and their softmax
        inner = 4 * length * width  # q, k, v and the heads' output
        if isinstance(layer, TransformerEncoderLayer):
            ff = layer.dim_feedforward or 4 * width
            inner += length * (2 * ff + 4 * width)  # the feed-forward and two norms
        return scores + inner
    return 0


def is_out_of_memory(exc: BaseException) -> bool:
    """An allocation the OS refused: MemoryError (Python, numpy) or torch's CPU allocator."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and (
        "can't allocate memory" in text or "Cannot allocate memory" in text
    )


def out_of_memory_message(cap: int | None) -> str:
    """What a run that ran out of memory ends with; `cap`: the bytes its worker may add."""
    if cap is None:
        return "out of memory: the run needed more memory than its process could get"
    return f"out of memory (the run needed more than the worker's {format_bytes(cap)})"


def format_bytes(n: float) -> str:
    """4_200_000_000 -> '4.2 GB' (decimal units, as people read them)."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} bytes"


def parse_bytes(value: object) -> object:
    """'4GB', '512 MB', '1.5GiB' or an int -> bytes; anything else is left to the validator."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace(" ", "").upper()
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
             "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40, "K": 10**3, "M": 10**6,
             "G": 10**9, "T": 10**12}  # fmt: skip
    number = text.rstrip("KMGTIB")
    unit = text[len(number) :]
    if unit not in units:
        raise ValueError(f"'{value}' is not a size like 4GB or 512MB")
    try:
        amount = float(number)
    except ValueError:
        raise ValueError(f"'{value}' is not a size like 4GB or 512MB") from None
    return int(amount * units[unit])


def describe_estimate(est: MemoryEstimate) -> str:
    """'about 9.8 GB: 7.9 GB activations for a batch of 4096, 1.2 GB data set, ...'."""
    names = {
        "activations": f"activations for a batch of {est.batch}",
        "weights": "weights, gradients and optimizer state",
        "data": "the data set",
        "evaluation": "evaluation",
        "process": "the worker process",
    }
    # The spec's parts, biggest first; the worker process's own share last (no spec changes it).
    parts = sorted(est.parts.items(), key=lambda kv: (kv[0] == "process", -kv[1]))
    shown = ", ".join(f"{format_bytes(v)} {names[k]}" for k, v in parts if v > 0)
    return f"about {format_bytes(est.total)}: {shown}"


__all__ = [
    "MemoryEstimate",
    "describe_estimate",
    "estimate",
    "format_bytes",
    "is_out_of_memory",
    "out_of_memory_message",
    "parse_bytes",
]
