"""Spec -> nn.Module: a Sequential with one entry per top-level layer of the spec."""

from __future__ import annotations

from torch import nn

from playground.ml.inits import InitSpec, apply_init
from playground.ml.layers import Layer, Residual
from playground.ml.layers.modules import Residual as ResidualModule
from playground.ml.shapes import shortcut_activation
from playground.ml.types import TensorType


def build_model(layers: list[Layer], x: TensorType, init: InitSpec | None = None) -> nn.Sequential:
    """Modules for a validated stack; `init` applies to every layer without its own `init`.

    Entry i of the result is spec layer i (with its activation shorthand, if any), so
    per-layer statistics can be reported under the spec's own indices.
    """
    model, _ = _build_stack(layers, x, init)
    return model


def _build_stack(
    layers: list[Layer], x: TensorType, init: InitSpec | None
) -> tuple[nn.Sequential, TensorType]:
    modules: list[nn.Module] = []
    for spec in layers:
        module, x = _build_one(spec, x, init)
        modules.append(module)
    return nn.Sequential(*modules), x


def _build_one(spec: Layer, x: TensorType, init: InitSpec | None) -> tuple[nn.Module, TensorType]:
    own_init = getattr(spec, "init", None) or init  # activations carry no init of their own
    if isinstance(spec, Residual):
        body, y = _build_stack(spec.layers, x, own_init)
        projection = spec.shortcut(x, y)
        if projection is not None and own_init is not None:
            apply_init(projection, own_init)
        act = shortcut_activation(spec)
        post = act.build(y) if act is not None else nn.Identity()
        return ResidualModule(body, projection or nn.Identity(), post), act.infer(y) if act else y
    module = spec.build(x)
    if own_init is not None:
        apply_init(module, own_init)
    y = spec.infer(x)
    act = shortcut_activation(spec)
    if act is None:
        return module, y
    return nn.Sequential(module, act.build(y)), act.infer(y)
