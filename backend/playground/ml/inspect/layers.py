"""Spec layers paired with the modules the builder made for them, under their spec paths.

The builder makes entry i of the model's Sequential from spec layer i: the layer's module,
or nn.Sequential(module, activation) for the `activation` shorthand; a Residual becomes
modules.Residual whose `body` is the inner stack built the same way. Paths are those the
validator's errors use: model.layers[3], model.layers[3].layers[1].
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from torch import Tensor, nn

from playground.ml.errors import SpecError, format_path
from playground.ml.layers import Layer, Residual
from playground.ml.layers.activations import ActivationSpec
from playground.ml.layers.modules import Residual as ResidualModule
from playground.ml.shapes import shortcut_activation

Loc = tuple[str | int, ...]
ROOT: Loc = ("model", "layers")


@dataclass(frozen=True)
class LayerRef:
    """One spec layer and its modules."""

    loc: Loc
    spec: Layer
    module: nn.Module  # the whole entry: its output is after the shorthand activation
    core: nn.Module  # the layer's own module (module itself when there is no shorthand)
    depth: int  # 0 for top-level layers, 1 inside a Residual, ...

    @property
    def path(self) -> str:
        return format_path(self.loc)

    @property
    def type(self) -> str:
        return self.spec.type_name()

    @property
    def activation(self) -> ActivationSpec | None:
        """What acts last on the output: the shorthand, or the layer itself if it is one."""
        act = shortcut_activation(self.spec)
        if act is not None:
            return act
        return self.spec if isinstance(self.spec, ActivationSpec) else None

    def own_parameters(self) -> list[tuple[str, nn.Parameter]]:
        """Parameters of this layer (a shorthand activation's as "activation.*"), without
        those of inner layers (a Residual's body)."""
        if isinstance(self.module, ResidualModule):
            return [(n, p) for n, p in self.module.named_parameters() if not n.startswith("body.")]
        own = list(self.core.named_parameters())
        if self.module is not self.core:
            own += [(f"activation.{n}", p) for n, p in self.module[1].named_parameters()]  # type: ignore[index]
        return own


def walk(layers: list[Layer], model: nn.Module, loc: Loc = ROOT, depth: int = 0) -> list[LayerRef]:
    """Every layer of the spec, in order, a Residual before its inner layers."""
    assert isinstance(model, nn.Sequential), "not a model the builder made"
    assert len(model) == len(layers), "not this spec's model"
    refs: list[LayerRef] = []
    for i, (spec, module) in enumerate(zip(layers, model, strict=True)):
        here = (*loc, i)
        if isinstance(spec, Residual):
            assert isinstance(module, ResidualModule)
            refs.append(LayerRef(here, spec, module, module, depth))
            refs.extend(walk(spec.layers, module.body, (*here, "layers"), depth + 1))
            continue
        wrapped = shortcut_activation(spec) is not None
        assert not wrapped or isinstance(module, nn.Sequential)
        core = module[0] if wrapped else module  # type: ignore[index]
        refs.append(LayerRef(here, spec, module, core, depth))
    return refs


def find_layer(refs: list[LayerRef], layer: str | int) -> LayerRef:
    """The layer a request names by spec path or top-level index; SpecError at ("layer",)."""
    top = [r for r in refs if r.depth == 0]
    if isinstance(layer, int):
        if layer >= len(top):
            raise SpecError.at(
                ("layer",),
                f"layer {layer} is out of range: the model has {len(top)} top-level layers "
                f"(0 to {len(top) - 1})",
            )
        return top[layer]
    wanted = layer.strip().removeprefix("model.")
    for r in refs:
        if r.path.removeprefix("model.") == wanted:
            return r
    raise SpecError.at(
        ("layer",),
        f"no layer {layer!r}; layers are named like {top[0].path} or "
        f"{ROOT[0]}.{ROOT[1]}[{len(top) - 1}]",
    )


@contextmanager
def capture(modules: list[nn.Module]) -> Iterator[list[Tensor | None]]:
    """Forward hooks that keep each module's output (last call) in the yielded list."""
    outputs: list[Tensor | None] = [None] * len(modules)
    handles = []
    for k, m in enumerate(modules):

        def keep(_m: nn.Module, _args: object, out: Tensor, k: int = k) -> None:
            outputs[k] = out.detach()

        handles.append(m.register_forward_hook(keep))
    try:
        yield outputs
    finally:
        for h in handles:
            h.remove()


@contextmanager
def capture_inputs(modules: list[nn.Module]) -> Iterator[list[Tensor | None]]:
    """Forward pre-hooks that keep each module's first positional input."""
    inputs: list[Tensor | None] = [None] * len(modules)
    handles = []
    for k, m in enumerate(modules):

        def keep(_m: nn.Module, args: tuple[Tensor, ...], k: int = k) -> None:
            inputs[k] = args[0].detach()

        handles.append(m.register_forward_pre_hook(keep))
    try:
        yield inputs
    finally:
        for h in handles:
            h.remove()
