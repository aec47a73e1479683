"""Ablations (curriculum G4): one variant of a spec per removable or switchable component.

Each proposal changes one thing: drops a Dropout / BatchNorm / LayerNorm layer, removes a
Residual block's shortcut (its inner stack stays, in place), sets a regulariser to 0, the
learning rate to constant, the optimizer to plain SGD with the same rate, or turns
augmentation or early stopping off. Pure: spec dicts in, proposals out; `check` validates
them, so that a proposal that no longer fits (a shape change) says why instead of running.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from playground.ml.datasets import DataContext
from playground.ml.errors import SpecError, format_path, from_validation_error
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from playground.ml.validate import validate

DROPPABLE = {
    "Dropout", "Dropout1d", "Dropout2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm",
}  # fmt: skip
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Proposal:
    """One ablation: what it changes, the changed spec, and why it cannot run (if so)."""

    label: str  # "no Dropout at model.layers[2]"
    path: str  # the changed part of the spec: "model.layers[2]", "training.l2"
    spec: dict[str, Any]
    error: str | None = None  # None: the spec validates


def propose(spec: dict[str, Any]) -> list[Proposal]:
    """Every single-component ablation of a resolved spec (defaults filled in), in spec
    order: layers first (outer before inner), then training settings."""
    return [*_layer_proposals(spec, spec["model"]["layers"], ("model", "layers")),
            *_training_proposals(spec)]  # fmt: skip


def check(
    proposals: list[Proposal], *, limits: Limits | None = None, ctx: DataContext | None = None
) -> list[Proposal]:
    """The proposals, each with `error` set when its spec does not validate."""
    out = []
    for p in proposals:
        try:
            validate(RunSpec.model_validate(p.spec), limits=limits, ctx=ctx)
            out.append(p)
        except ValidationError as e:
            out.append(replace(p, error=_why([i.text for i in from_validation_error(e)])))
        except SpecError as e:
            out.append(replace(p, error=_why([i.text for i in e.errors])))
    return out


def _why(messages: list[str]) -> str:
    return "it would not fit: " + "; ".join(messages[:3])


def _layer_proposals(
    spec: dict[str, Any], layers: list[dict[str, Any]], loc: Loc
) -> Iterator[Proposal]:
    for i, layer in enumerate(layers):
        here = (*loc, i)
        kind = layer.get("type")
        if kind in DROPPABLE:
            # A norm layer may carry an activation: that stays, as a layer of its own.
            keep = [layer["activation"]] if layer.get("activation") else []
            yield _with_layers(spec, loc, layers[:i] + keep + layers[i + 1 :],
                               f"no {kind} at {format_path(here)}", here)  # fmt: skip
        elif kind == "Residual":
            inner = [copy.deepcopy(x) for x in layer["layers"]]
            after = [layer["activation"]] if layer.get("activation") else []
            yield _with_layers(spec, loc, layers[:i] + inner + after + layers[i + 1 :],
                               f"no shortcut in the Residual at {format_path(here)}", here)  # fmt: skip
            yield from _layer_proposals(spec, layer["layers"], (*here, "layers"))


def _with_layers(
    spec: dict[str, Any], loc: Loc, layers: list[dict[str, Any]], label: str, here: Loc
) -> Proposal:
    out = copy.deepcopy(spec)
    node: Any = out
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = copy.deepcopy(layers)
    return Proposal(label, format_path(here), out)


def _training_proposals(spec: dict[str, Any]) -> Iterator[Proposal]:
    training = spec.get("training", {})
    optimizer = training.get("optimizer", {})
    for key, what in (("l1", "L1 penalty"), ("l2", "L2 penalty")):
        if training.get(key):
            yield _with(spec, {key: 0.0}, f"no {what} ({key} {training[key]} -> 0)", key)
    if optimizer.get("weight_decay"):
        changed = {**optimizer, "weight_decay": 0.0}
        yield _with(spec, {"optimizer": changed},
                    f"no weight decay ({optimizer['weight_decay']} -> 0)",
                    "optimizer.weight_decay")  # fmt: skip
    scheduler = training.get("scheduler") or {"type": "Constant"}
    if scheduler.get("type") != "Constant":
        yield _with(spec, {"scheduler": {"type": "Constant"}},
                    f"constant learning rate (no {scheduler['type']})", "scheduler")  # fmt: skip
    kind = optimizer.get("type")
    plain = kind == "SGD" and not optimizer.get("momentum")
    if kind not in (None, "Perceptron") and not plain:
        what = "SGD with momentum" if kind == "SGD" else kind
        sgd = {"type": "SGD", "lr": optimizer.get("lr", 0.01)}
        yield _with(spec, {"optimizer": sgd}, f"plain SGD instead of {what}", "optimizer")
    if training.get("augment"):
        yield _with(spec, {"augment": None}, "no augmentation", "augment")
    if training.get("early_stopping"):
        yield _with(spec, {"early_stopping": None}, "no early stopping", "early_stopping")


def _with(spec: dict[str, Any], changes: dict[str, Any], label: str, path: str) -> Proposal:
    out = copy.deepcopy(spec)
    out["training"] = {**out.get("training", {}), **copy.deepcopy(changes)}
    return Proposal(label, f"training.{path}", out)
