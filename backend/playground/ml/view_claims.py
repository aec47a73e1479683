"""Claims read off the inspect views of a trained model: what the pictures show, as numbers
(`view.*` keys of a spec's `expect`; see claims.py)."""

from __future__ import annotations

import copy
from typing import Any

from torch import nn

from playground.ml.datasets import DataContext, load
from playground.ml.inspect import inspect, parse_view
from playground.ml.spec import RunSpec

FLIP_EPS = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0)


def view_claim(name: str, spec: RunSpec, model: nn.Module) -> float | None:
    """A number read off an inspect view of the trained model (on the CPU, in eval mode)."""
    model = copy.deepcopy(model).to("cpu").eval()
    data = load(spec.data, DataContext())

    def view(**request: Any) -> dict[str, Any]:
        return inspect(spec, model, data, parse_view(request))

    if name in ("dead_fraction", "saturated_fraction"):
        values = [layer[name] for layer in view(view="activations")["layers"]]
        return max((v for v in values if v is not None), default=None)
    if name == "zero_weights":
        weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
        small = sum(int((w.abs() < 1e-3).sum()) for w in weights)
        return small / max(1, sum(w.numel() for w in weights))
    if name == "gradcheck_error":
        return float(view(view="gradcheck")["max_rel_error"])
    if name == "flip_eps":
        for eps in FLIP_EPS:
            out = view(view="adversarial", index=0, eps=eps)
            if out["after"]["predicted"] != out["before"]["predicted"]:
                return eps
        return None
    if name == "receptive_field":
        rows = view(view="receptive_field")["layers"]
        return float(max(rows[-1]["size"])) if rows else None
    raise KeyError(name)
