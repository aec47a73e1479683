"""Dense views: unit maps over the 2-D plane (H2), weights, activation statistics (B10, B11)."""

from __future__ import annotations

import torch
from torch import Tensor

from playground.ml.boundary import BoundaryMaker
from playground.ml.errors import SpecError
from playground.ml.inspect.common import Result, Subject, floats, grid, histogram
from playground.ml.inspect.layers import LayerRef, capture
from playground.ml.inspect.requests import ActivationsView, NeuronsView, WeightsView
from playground.ml.layers.activations import ActivationSpec, ReLU, Sigmoid, Tanh
from playground.ml.layers.dense import Linear, Maxout

UNIT_LAYERS = (Linear, Maxout)  # layers whose outputs are units with their own weights
SATURATED = 0.97  # |tanh| above this, or sigmoid within 0.03 of 0 or 1, counts as saturated


def neurons(s: Subject, request: NeuronsView) -> Result:
    """Each unit's output over the boundary's grid, after the activation that follows it."""
    plane = s.data.plane
    if plane is None:
        raise SpecError.at(
            ("view",),
            f"neurons needs a data set of 2-D points (circle, xor, gaussian, spiral, moons, "
            f"plane, multi_gaussian); this run uses '{s.dataset}'",
        )
    units = [r for r in s.layers if isinstance(r.spec, UNIT_LAYERS)]
    if not units:
        raise SpecError.at(("view",), "neurons needs a Linear or Maxout layer; this model has none")
    maker = BoundaryMaker(plane, s.objective, torch.device("cpu"))  # the same grid as H1
    taps = [_tap(s.layers, r) for r in units]
    with torch.no_grad(), capture([t.module for t in taps]) as outs:
        s.model.eval()(maker.inputs)
    res = maker.res
    layers = []
    for ref, tap, out in zip(units, taps, outs, strict=True):
        assert out is not None
        maps = out.reshape(res, res, -1).permute(2, 0, 1)  # (units, y, x)
        layers.append(
            {
                "layer": ref.path,
                "type": ref.type,
                "activation": tap.activation.describe() if tap.activation else None,
                "units": [grid(m) for m in maps],
            }
        )
    features = maker.inputs.reshape(res, res, -1).permute(2, 0, 1)
    return {
        "x_range": list(plane.x_range),
        "y_range": list(plane.y_range),
        "resolution": res,
        "features": [
            {"name": name, **grid(m)} for name, m in zip(plane.features, features, strict=True)
        ],
        "layers": layers,
    }


def _tap(refs: list[LayerRef], ref: LayerRef) -> LayerRef:
    """Where a unit's output is read: the layer, or the activation layers right after it."""
    tap = ref
    parent, i = ref.loc[:-1], ref.loc[-1]
    assert isinstance(i, int)
    siblings = {r.loc[-1]: r for r in refs if r.loc[:-1] == parent}
    if ref.activation is not None:
        return ref
    nxt = siblings.get(i + 1)
    while nxt is not None and isinstance(nxt.spec, ActivationSpec):
        tap = nxt
        assert isinstance(nxt.loc[-1], int)
        nxt = siblings.get(nxt.loc[-1] + 1)
    return tap


def weights(s: Subject, request: WeightsView) -> Result:
    """Per layer with parameters: each tensor's shape, values (cut to max_values), histogram."""
    layers = []
    for ref in s.layers:
        params = ref.own_parameters()
        if not params:
            continue
        tensors = []
        for name, p in params:
            flat = p.detach().reshape(-1)
            tensors.append(
                {
                    "name": name,
                    "shape": list(p.shape),
                    "values": floats(flat[: request.max_values]),
                    "truncated": flat.numel() > request.max_values,
                    "mean": float(flat.mean()),
                    "std": float(flat.std()) if flat.numel() > 1 else 0.0,
                    "histogram": histogram(flat, request.bins),
                }
            )
        layers.append({"layer": ref.path, "type": ref.type, "tensors": tensors})
    return {"layers": layers}


def activations(s: Subject, request: ActivationsView) -> Result:
    """Per layer: output histogram over a batch, dead units (ReLU), saturated outputs."""
    split = s.split(request.split)
    if len(split) == 0:
        raise SpecError.at(
            ("split",), f"the {request.split} split is empty (data.split.{request.split} is 0)"
        )
    x = split.x[: request.samples]
    with torch.no_grad(), capture([r.module for r in s.layers]) as outs:
        s.model.eval()(x)
    layers = []
    for ref, out in zip(s.layers, outs, strict=True):
        assert out is not None
        act = ref.activation
        layers.append(
            {
                "layer": ref.path,
                "type": ref.type,
                "activation": act.describe() if act else None,
                "shape": list(out.shape[1:]),
                "histogram": histogram(out, request.bins),
                "dead_fraction": _dead(out) if isinstance(act, ReLU) else None,
                "saturated_fraction": _saturated(out, act),
            }
        )
    return {"samples": int(x.shape[0]), "split": request.split, "layers": layers}


def _dead(out: Tensor) -> float:
    """Fraction of units (output elements) that are 0 for every sample of the batch."""
    if not out.is_floating_point():
        return 0.0
    dead = (out == 0).all(0)
    return float(dead.float().mean())


def _saturated(out: Tensor, act: ActivationSpec | None) -> float | None:
    """Fraction of outputs in the flat tails of tanh or sigmoid (gradient nearly zero)."""
    if isinstance(act, Tanh):
        return float((out.abs() > SATURATED).float().mean())
    if isinstance(act, Sigmoid):
        return float(((out < 1 - SATURATED) | (out > SATURATED)).float().mean())
    return None
