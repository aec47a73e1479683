"""Shape inference: each layer's output shape, parameter count and FLOPs, before building.

Parameters are counted on modules built on the meta device, so the count is PyTorch's own
and nothing is allocated even for an oversize spec.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from playground.ml.errors import ErrorItem, SpecError, format_path
from playground.ml.layers import Layer, LayerSpec, Residual, ShapeError
from playground.ml.layers.activations import ActivationSpec
from playground.ml.types import TensorType

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class LayerInfo:
    """One row of the model summary."""

    loc: Loc
    type: str
    label: str
    input: TensorType
    output: TensorType
    params: int  # trainable parameters, including any inner layers
    flops: int  # forward FLOPs per sample (a multiply-add counts 2)
    depth: int  # 0 for top-level layers, 1 inside a Residual, ...

    @property
    def path(self) -> str:
        return format_path(self.loc)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path, "type": self.type, "label": self.label, "depth": self.depth,
            "input_shape": list(self.input.shape), "output_shape": list(self.output.shape),
            "params": self.params, "flops": self.flops,
        }  # fmt: skip


def shortcut_activation(spec: LayerSpec) -> ActivationSpec | None:
    """The `activation` shorthand of a layer, if it has one (TransformerEncoderLayer's
    `activation` is PyTorch's feed-forward argument, a plain string)."""
    act = getattr(spec, "activation", None)
    return act if isinstance(act, ActivationSpec) else None


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def _meta_params(build: nn.Module | None) -> int:
    return 0 if build is None else count_params(build)


def infer_layers(layers: list[Layer], x: TensorType, loc: Loc, depth: int = 0) -> list[LayerInfo]:
    """Rows for `layers` applied to `x`; raises SpecError naming the first layer that fails."""
    rows: list[LayerInfo] = []
    for i, spec in enumerate(layers):
        new = _infer_one(spec, x, (*loc, i), depth)
        rows.extend(new)
        x = new[0].output  # a layer's own row comes first, then any inner rows
    return rows


def _infer_one(spec: Layer, x: TensorType, loc: Loc, depth: int) -> list[LayerInfo]:
    name = spec.type_name()
    try:
        with torch.device("meta"):
            if isinstance(spec, Residual):
                return _infer_residual(spec, x, loc, depth)
            y = spec.infer(x)
            row = LayerInfo(
                loc,
                name,
                spec.describe(),
                x,
                y,
                _meta_params(spec.build(x)),
                spec.flops(x, y),
                depth,
            )
            return [_with_activation(spec, row)]
    except ShapeError as e:
        raise SpecError([ErrorItem(loc, f"{format_path(loc)} ({name}): {e}", "shape_error")]) from e


def _infer_residual(spec: Residual, x: TensorType, loc: Loc, depth: int) -> list[LayerInfo]:
    inner = infer_layers(spec.layers, x, (*loc, "layers"), depth + 1)
    y = inner_output(inner, depth + 1)
    projection = spec.shortcut(x, y)
    params = sum(r.params for r in inner if r.depth == depth + 1) + _meta_params(projection)
    flops = sum(r.flops for r in inner if r.depth == depth + 1) + spec.shortcut_flops(x, y)
    label = spec.describe() + (" (projection shortcut)" if projection is not None else "")
    row = LayerInfo(loc, "Residual", label, x, y, params, flops, depth)
    return [_with_activation(spec, row), *inner]


def _with_activation(spec: LayerSpec, row: LayerInfo) -> LayerInfo:
    """The row extended by the layer's `activation` shorthand, if it has one."""
    act = shortcut_activation(spec)
    if act is None:
        return row
    y = act.infer(row.output)
    return replace(
        row, label=f"{row.label} + {act.describe()}", output=y,
        params=row.params + _meta_params(act.build(row.output)),
        flops=row.flops + act.flops(row.output, y),
    )  # fmt: skip


def inner_output(rows: list[LayerInfo], depth: int) -> TensorType:
    """The output of the last row at `depth` (the stack's output)."""
    return next(r.output for r in reversed(rows) if r.depth == depth)


def output_of(rows: list[LayerInfo], x: TensorType) -> TensorType:
    """The model's output type: the last top-level row's output (or x for no rows)."""
    top = [r for r in rows if r.depth == 0]
    return top[-1].output if top else x


__all__ = ["LayerInfo", "infer_layers", "output_of"]
