"""The base every layer spec derives from, and the shape-rule helpers they share."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field
from torch import nn

from playground.ml.spec_model import SpecModel
from playground.ml.types import TensorType


class ShapeError(ValueError):
    """A layer cannot accept its input; the walker adds the layer's JSON path."""


# A layer path inside a run's spec, as error messages write it: model.layers[2].layers[0].
LAYER_PATH = r"^model\.layers\[\d{1,4}\](\.layers\[\d{1,4}\]){0,8}$"


class FromRun(SpecModel):
    """Where a layer's starting weights come from: one layer of a stored run's snapshot."""

    run: int = Field(ge=1, le=2**62, description="The id of the stored run to copy from.")
    layer: str = Field(
        pattern=LAYER_PATH,
        max_length=120,
        description='The layer of that run to copy, as its path: "model.layers[0]", or '
        '"model.layers[2].layers[1]" inside a Residual block. Its weights must have the '
        "same shapes as this layer's.",
    )
    epoch: int | Literal["last"] = Field(
        "last",
        description='Which snapshot of that run: an epoch number, or "last" for its final '
        'weights. A new run stores the number that "last" meant, so it can be repeated.',
    )


class LayerSpec(SpecModel):
    """One entry of `model.layers`: declares its fields, shape rule, FLOPs and module.

    Subclasses set `type: Literal[...]` and implement `infer` and `build`; `category`
    and the class docstring feed the catalog.
    """

    category: ClassVar[str] = "layer"

    # Transfer learning (G6): every layer, a Residual block included, may start from
    # another run's trained weights and may be frozen. Layers without weights ignore both.
    # Left out of dumps while at their defaults, so stored specs of runs that use neither
    # (and every activation shorthand) read as they did before these fields existed.
    from_run: FromRun | None = Field(
        None,
        exclude_if=lambda v: v is None,
        description="Start this layer from the trained weights of a layer of a stored run "
        "(transfer learning) instead of random initial values.",
    )
    freeze: bool = Field(
        False,
        exclude_if=lambda v: v is False,
        description="Keep this layer's weights fixed: the optimizer never changes them, "
        "they get no gradient and no weight penalty, and the layer runs as it does at test "
        "time (BatchNorm uses its stored statistics). Freeze layers copied from a trained "
        "run to reuse what they learned and train only the rest (fine-tuning the head).",
    )

    @classmethod
    def type_name(cls) -> str:
        """The `type` value that selects this class, e.g. 'Conv2d'."""
        return str(cls.model_fields["type"].default)

    def infer(self, x: TensorType) -> TensorType:
        """Output type for input `x` (per sample, no batch dimension); ShapeError if unfit."""
        raise NotImplementedError

    def build(self, x: TensorType) -> nn.Module:
        """A fresh module for input `x` (already checked by `infer`)."""
        raise NotImplementedError

    def flops(self, x: TensorType, y: TensorType) -> int:
        """Floating-point operations per sample (multiply-add = 2); default: one per output."""
        return numel(y.shape)

    def describe(self) -> str:
        """Short human label, e.g. 'Conv2d(16, k=3)'; overridden where helpful."""
        return self.type_name()


def numel(shape: Iterable[int]) -> int:
    return math.prod(shape)


def show(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def need_float(x: TensorType, layer: str) -> None:
    if x.is_tokens:
        raise ShapeError(
            f"{layer} needs float features but gets token ids ({x}); put an Embedding first"
        )


def need_rank(x: TensorType, ranks: Sequence[int], layer: str, layout: str) -> None:
    """Check the per-sample rank; `layout` names the dims, e.g. '(C, H, W)'."""
    need_float(x, layer)
    if len(x.shape) not in ranks:
        raise ShapeError(f"{layer} expects input {layout} but gets {show(x.shape)}")


def as_tuple(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    """Broadcast PyTorch's `int | tuple` arguments to one value per spatial dim."""
    if isinstance(value, int):
        return (value,) * n
    if len(value) != n:
        raise ShapeError(f"{name} needs {n} values (one per spatial dim), got {len(value)}")
    return tuple(value)


def batch_dim(dim: int, rank: int, name: str) -> int:
    """Normalise a PyTorch dim argument that counts the batch dim; returns a sample dim."""
    full = rank + 1  # with the batch dimension
    d = dim + full if dim < 0 else dim
    if not 1 <= d < full:
        raise ShapeError(
            f"{name}={dim} is out of range for a batch of {rank}-D samples "
            f"(dims count the batch dimension, so 1..{rank} or -{rank}..-1)"
        )
    return d - 1


def kwargs(spec: SpecModel, *names: str) -> dict[str, Any]:
    """The named fields as constructor keyword arguments (PyTorch names = spec names)."""
    return {n: getattr(spec, n) for n in names}
