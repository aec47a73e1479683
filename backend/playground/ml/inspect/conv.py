"""Convolution views: kernels, feature maps (H3) and receptive fields (H6)."""

from __future__ import annotations

import torch
from torch import nn

from playground.ml.errors import SpecError, format_path
from playground.ml.inspect.common import Result, Subject, floats, grid
from playground.ml.inspect.layers import Loc, capture, find_layer
from playground.ml.inspect.requests import FeatureMapsView, FiltersView, ReceptiveFieldView
from playground.ml.layers import Layer, Residual
from playground.ml.layers.activations import ActivationSpec
from playground.ml.layers.conv import _ConvNd
from playground.ml.layers.dense import Dropout, Dropout1d, Dropout2d
from playground.ml.layers.norm import BatchNorm1d, BatchNorm2d, LayerNorm
from playground.ml.layers.pool import _MaxPoolNd, _PoolNd

CONVS = (nn.Conv1d, nn.Conv2d)
MAPS = (
    nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.MaxPool1d, nn.MaxPool2d,
    nn.AvgPool1d, nn.AvgPool2d, nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d,
)  # fmt: skip
# Layers that keep every position where it is: the receptive field passes through them.
POINTWISE = (ActivationSpec, BatchNorm1d, BatchNorm2d, LayerNorm, Dropout, Dropout1d, Dropout2d)


def filters(s: Subject, request: FiltersView) -> Result:
    """Every kernel of one convolution: weight (out, in/groups, *kernel) and bias."""
    convs = s.need(CONVS, "filters", "a Conv1d or Conv2d layer")
    ref = convs[0] if request.layer is None else find_layer(s.layers, request.layer)
    if not isinstance(ref.core, CONVS):
        names = ", ".join(r.path for r in convs)
        raise SpecError.at(
            ("layer",), f"{ref.path} is a {ref.type}; filters needs a convolution ({names})"
        )
    w = ref.core.weight.detach()
    bias = ref.core.bias
    return {
        "layer": ref.path,
        "type": ref.type,
        "shape": list(w.shape),
        "weight": grid(w),  # one scale for all kernels, so they compare with each other
        "bias": floats(bias) if bias is not None else None,
    }


def feature_maps(s: Subject, request: FeatureMapsView) -> Result:
    """Output maps of every convolution and pooling layer (after its activation) for a sample."""
    refs = s.need(MAPS, "feature_maps", "a convolution or pooling layer")
    x = s.sample(request)
    with torch.no_grad(), capture([r.module for r in refs]) as outs:
        s.model.eval()(x)
    layers = []
    for ref, out in zip(refs, outs, strict=True):
        assert out is not None
        maps = out[0]  # (C, H, W) or (C, L)
        layers.append(
            {
                "layer": ref.path,
                "type": ref.type,
                "shape": list(maps.shape),
                "channels": [grid(m) for m in maps],  # each map with its own scale
            }
        )
    return {
        "split": request.split,
        "index": request.index,
        "label": s.label(request),
        "input": grid(x[0]) if x.is_floating_point() else None,
        "layers": layers,
    }


def receptive_field(s: Subject, request: ReceptiveFieldView) -> Result:
    """Per convolution/pooling layer: field size, jump and start, per spatial dim, from the spec.

    r_out = r_in + (k - 1) * dilation * j_in;  j_out = j_in * stride;
    start_out = start_in + ((k - 1) * dilation / 2 - padding) * j_in. Positions count in
    the input of the first convolution or pooling layer (`origin`): `start` is the position
    of the centre of the first output unit's field. The walk ends at the first layer after
    which every unit sees the whole input (Flatten, Linear, adaptive pooling, ...).
    """
    s.need(MAPS, "receptive_field", "a convolution or pooling layer")
    walk = _FieldWalk()
    walk.stack(s.spec.model.layers, ("model", "layers"))
    return {"origin": walk.origin, "layers": walk.rows}


class _Field:
    """Receptive field of one unit, per spatial dim."""

    def __init__(self, size: list[float], jump: list[float], start: list[float]) -> None:
        self.size, self.jump, self.start = size, jump, start

    @classmethod
    def identity(cls, dims: int) -> _Field:
        return cls([1.0] * dims, [1.0] * dims, [0.0] * dims)

    def through(
        self, k: tuple[int, ...], s: tuple[int, ...], p: tuple[int, ...], d: tuple[int, ...]
    ) -> _Field:
        n = range(len(self.size))
        return _Field(
            [self.size[i] + (k[i] - 1) * d[i] * self.jump[i] for i in n],
            [self.jump[i] * s[i] for i in n],
            [self.start[i] + ((k[i] - 1) * d[i] / 2 - p[i]) * self.jump[i] for i in n],
        )

    def row(self, loc: Loc, spec: Layer) -> Result:
        return {
            "layer": format_path(loc),
            "type": spec.type_name(),
            "size": [_num(v) for v in self.size],
            "jump": [_num(v) for v in self.jump],
            "start": [_num(v) for v in self.start],
        }


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


class _FieldWalk:
    """Follows the field through a stack: it starts at the first layer with a geometry and
    ends at the first layer after that which is neither such a layer nor pointwise."""

    def __init__(self) -> None:
        self.field: _Field | None = None
        self.origin: str | None = None  # the path of the layer whose input positions count
        self.ended = False
        self.rows: list[Result] = []

    def stack(self, layers: list[Layer], loc: Loc) -> None:
        for i, spec in enumerate(layers):
            if self.ended:
                return
            self.layer(spec, (*loc, i))

    def layer(self, spec: Layer, loc: Loc) -> None:
        if isinstance(spec, Residual):
            # The body's field contains the shortcut's (a 1x1 convolution at most).
            self.stack(spec.layers, (*loc, "layers"))
            if self.field is not None and not self.ended:
                self.rows.append(self.field.row(loc, spec))
            return
        geometry = _geometry(spec)
        if geometry is not None:
            if self.field is None:
                self.field, self.origin = _Field.identity(len(geometry[0])), format_path(loc)
            if len(geometry[0]) == len(self.field.size):
                self.field = self.field.through(*geometry)
                self.rows.append(self.field.row(loc, spec))
                return
        if self.field is not None and not isinstance(spec, POINTWISE):
            self.ended = True  # from here on every unit sees the whole input


def _geometry(
    spec: Layer,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None:
    """(kernel, stride, left padding, dilation) of a convolution or pooling layer."""
    if isinstance(spec, _ConvNd):
        k, s, d = spec._args()
        return k, s, spec._padding(k, s, d), d
    if isinstance(spec, _PoolNd):
        k, s, p = spec._geometry()
        d = spec._dilation() if isinstance(spec, _MaxPoolNd) else (1,) * spec.dims
        return k, s, p, d
    return None  # adaptive pools and transposed convolutions have no such geometry
