"""Transfer learning: layers that start from a stored run's weights, and frozen layers.

A layer's weights live in the model's state_dict under a prefix the builder decides:
layer i is entry i of the Sequential ("3."), the layer itself is entry 0 of a
(layer, activation) pair when it has the `activation` shorthand ("3.0."), and a layer
inside a Residual block sits in the block's body ("3.body.1."). `layer_prefix` is that
rule in one place, for the source spec and the target spec alike.

The service checks a transfer against the snapshot's header only (`check_source`); the
worker copies the tensors (`apply`). File paths come from the service, built from ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import torch
from pydantic import BaseModel
from safetensors import SafetensorError, safe_open
from torch import nn

from playground.ml.builder import build_model
from playground.ml.errors import SpecError, format_path
from playground.ml.layers import Layer, LayerSpec, Residual
from playground.ml.shapes import shortcut_activation
from playground.ml.spec import RunSpec
from playground.ml.types import TensorType

Loc = tuple[str | int, ...]
_INDEX = re.compile(r"\[(\d+)\]")


class Transfer(BaseModel):
    """One resolved copy, built by the service (never from user text): the tensors under
    `source` in snapshot `file` go to the tensors under `target` in the new model."""

    target: str  # state_dict prefix in the new model, e.g. "0."
    file: str  # the source snapshot, built from the run id and epoch
    source: str  # state_dict prefix in the snapshot, e.g. "0.0."


class Job(BaseModel):
    """What a worker gets for a run whose layers start from other runs."""

    spec: RunSpec
    transfers: list[Transfer]


def walk(layers: list[Layer], loc: Loc = ("model", "layers")) -> Iterator[tuple[Loc, Layer]]:
    """Every layer with its JSON path, blocks before their inner layers."""
    for i, layer in enumerate(layers):
        yield (*loc, i), layer
        if isinstance(layer, Residual):
            yield from walk(layer.layers, (*loc, i, "layers"))


def indices(loc: Loc) -> tuple[int, ...]:
    """('model', 'layers', 2, 'layers', 0) -> (2, 0)."""
    return tuple(p for p in loc if isinstance(p, int))


def parse_path(path: str) -> tuple[int, ...]:
    """'model.layers[2].layers[0]' -> (2, 0) (the spec's pattern has checked the form)."""
    return tuple(int(m) for m in _INDEX.findall(path))


def find(layers: list[Layer], path: tuple[int, ...]) -> LayerSpec | None:
    """The layer at `path`, or None when the stack has no such layer."""
    layer: LayerSpec | None = None
    for depth, i in enumerate(path):
        if not 0 <= i < len(layers):
            return None
        layer = layers[i]
        if depth < len(path) - 1:
            if not isinstance(layer, Residual):
                return None
            layers = layer.layers
    return layer


def layer_prefix(layers: list[Layer], path: tuple[int, ...]) -> str:
    """The state_dict prefix of the layer at `path` (which must exist), e.g. '3.body.1.0.'."""
    parts: list[str] = []
    for depth, i in enumerate(path):
        layer = layers[i]
        parts.append(str(i))
        if depth < len(path) - 1:
            assert isinstance(layer, Residual)
            parts.append("body")
            layers = layer.layers
        elif not isinstance(layer, Residual) and shortcut_activation(layer) is not None:
            parts.append("0")  # the layer inside its (layer, activation) pair
    return ".".join(parts) + "."


def shapes_under(state: dict[str, tuple[int, ...]], prefix: str) -> dict[str, tuple[int, ...]]:
    """The entries under `prefix`, keyed by the rest of their name ('weight', 'bias')."""
    return {k.removeprefix(prefix): v for k, v in state.items() if k.startswith(prefix)}


def model_shapes(spec: RunSpec, x: TensorType) -> dict[str, tuple[int, ...]]:
    """The spec's state_dict shapes, built on the meta device (no memory, no values)."""
    with torch.device("meta"), torch.random.fork_rng(devices=[]):
        model = build_model(spec.model.layers, x, spec.training.init)
    return {k: tuple(t.shape) for k, t in model.state_dict().items()}


def snapshot_shapes(file: Path) -> dict[str, tuple[int, ...]]:
    """Names and shapes from a safetensors file's header; no tensor is read."""
    try:
        with safe_open(str(file), framework="pt") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}  # noqa: SIM118 - not a mapping
    except (SafetensorError, OSError) as e:
        raise SpecError.at((), f"the snapshot {file.name} cannot be read ({e})") from e


def check_source(
    *,
    loc: Loc,
    target_spec: RunSpec,
    target_shapes: dict[str, tuple[int, ...]],
    source_spec: RunSpec,
    source_file: Path,
) -> Transfer:
    """The transfer for layer `loc`, or SpecError at its `from_run` naming what differs."""
    target = find(target_spec.model.layers, indices(loc))
    origin = target.from_run if target is not None else None
    assert target is not None
    assert origin is not None
    at = (*loc, "from_run")
    path = parse_path(origin.layer)
    source = find(source_spec.model.layers, path)
    if source is None:
        raise SpecError.at(
            (*at, "layer"),
            f"run {origin.run} has no layer {origin.layer} (its model has "
            f"{len(source_spec.model.layers)} top-level layers)",
        )
    source_prefix = layer_prefix(source_spec.model.layers, path)
    target_prefix = layer_prefix(target_spec.model.layers, indices(loc))
    try:
        got = shapes_under(snapshot_shapes(source_file), source_prefix)
    except SpecError as e:
        raise SpecError.at(at, str(e)) from e
    want = shapes_under(target_shapes, target_prefix)
    if not want:
        raise SpecError.at(at, f"{format_path(loc)} ({target.type_name()}) has no weights to copy")
    if got != want:
        raise SpecError.at(
            at,
            f"{format_path(loc)} ({target.type_name()}) has {_shown(want)}, but run "
            f"{origin.run}'s {origin.layer} ({source.type_name()}) has {_shown(got)}: "
            "the shapes must be the same to copy the weights",
            "shape_mismatch",
        )
    return Transfer(target=target_prefix, file=str(source_file), source=source_prefix)


def _shown(shapes: dict[str, tuple[int, ...]]) -> str:
    if not shapes:
        return "no weights"
    return ", ".join(f"{k} {'x'.join(map(str, s)) or 'scalar'}" for k, s in sorted(shapes.items()))


def frozen_prefixes(layers: list[Layer]) -> list[str]:
    """State_dict prefixes of the frozen layers: a frozen block freezes all it holds, and a
    layer its `activation` shorthand too (a PReLU's slope), so the whole entry."""
    out = []
    for loc, layer in walk(layers):
        if layer.freeze:
            prefix = layer_prefix(layers, indices(loc))
            pair = not isinstance(layer, Residual) and shortcut_activation(layer) is not None
            out.append(prefix.removesuffix("0.") if pair else prefix)
    return out


def apply(model: nn.Module, spec: RunSpec, transfers: list[Transfer]) -> list[nn.Module]:
    """Copy each transfer's tensors into `model`, then freeze the frozen layers.

    Returns the frozen modules: the training loop keeps them in eval mode, so a frozen
    BatchNorm uses the statistics it was copied with.
    """
    state = model.state_dict()
    with torch.no_grad():
        for t in transfers:
            with safe_open(t.file, framework="pt", device="cpu") as f:
                for key in f.keys():  # noqa: SIM118 - safe_open is not a mapping
                    if key.startswith(t.source):
                        dest = state[t.target + key.removeprefix(t.source)]
                        dest.copy_(f.get_tensor(key))
    prefixes = frozen_prefixes(spec.model.layers)
    modules = dict(model.named_modules())
    frozen = [modules[p.removesuffix(".")] for p in prefixes]
    for m in frozen:
        m.requires_grad_(False)
    return frozen


def sources(spec: RunSpec) -> list[tuple[Loc, LayerSpec]]:
    """The layers that name a `from_run`, with their paths."""
    return [(loc, layer) for loc, layer in walk(spec.model.layers) if layer.from_run is not None]


__all__ = [
    "Job",
    "Transfer",
    "apply",
    "check_source",
    "find",
    "frozen_prefixes",
    "layer_prefix",
    "model_shapes",
    "parse_path",
    "snapshot_shapes",
    "sources",
    "walk",
]
