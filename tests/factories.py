"""Test data builders: plain spec dicts with overrides, validated through the real parser."""

from __future__ import annotations

import copy
from typing import Any

from playground.ml.spec import RunSpec


def spec_dict(**sections: Any) -> dict[str, Any]:
    """A small valid spiral MLP spec; keyword sections replace or merge into the defaults.

    spec_dict(training={"epochs": 3}) merges into "training"; model=... replaces the
    layers, and data={"dataset": ...} replaces the data section.
    """
    base: dict[str, Any] = {
        "name": "test",
        "data": {"dataset": "spiral", "n_samples": 200, "noise": 0.05, "seed": 0},
        "model": {
            "layers": [
                {"type": "Linear", "out_features": 8, "activation": "Tanh"},
                {"type": "Linear", "out_features": 2},
            ]
        },
        "training": {"epochs": 3, "batch_size": 16, "optimizer": {"type": "Adam", "lr": 0.01}},
    }
    for key, value in sections.items():
        new_dataset = key == "data" and "dataset" in value
        if (
            isinstance(value, dict)
            and isinstance(base.get(key), dict)
            and key != "model"
            and not new_dataset
        ):
            merged = copy.deepcopy(base[key])
            merged.update(value)
            base[key] = merged
        else:
            base[key] = value
    return base


def make_spec(**sections: Any) -> RunSpec:
    return RunSpec.model_validate(spec_dict(**sections))


def layers(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"layers": list(entries)}


def linear(n: int, **kw: Any) -> dict[str, Any]:
    return {"type": "Linear", "out_features": n, **kw}
