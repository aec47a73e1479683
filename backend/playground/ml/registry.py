"""Name -> spec-class tables for everything a spec can name, and the catalog built from them.

Specs select classes through these tables (pydantic discriminated unions on `type`);
nothing ever calls getattr or eval on a user's string.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from playground.ml.datasets import DATASETS
from playground.ml.inits import INIT_TYPES
from playground.ml.layers import LAYER_TYPES
from playground.ml.losses import LOSS_TYPES
from playground.ml.optimizers import OPTIMIZER_TYPES
from playground.ml.schedulers import SCHEDULER_TYPES


def _by_type(classes: tuple[type[BaseModel], ...]) -> dict[str, type[BaseModel]]:
    return {str(c.model_fields["type"].default): c for c in classes}


LAYERS: dict[str, type[BaseModel]] = dict(LAYER_TYPES)
LOSSES = _by_type(LOSS_TYPES)
OPTIMIZERS = _by_type(OPTIMIZER_TYPES)
SCHEDULERS = _by_type(SCHEDULER_TYPES)
INITS = _by_type(INIT_TYPES)

# Every discriminator value; error paths drop these (pydantic puts the tag in the loc).
TAGS: frozenset[str] = frozenset([*LAYERS, *LOSSES, *OPTIMIZERS, *SCHEDULERS, *INITS, *DATASETS])


def _params(cls: type[BaseModel], skip: tuple[str, ...] = ("type",)) -> list[dict[str, Any]]:
    """Each field with its JSON type, default, bounds and description."""
    schema = cls.model_json_schema()
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    out = []
    for name, prop in props.items():
        if name in skip:
            continue
        entry = {"name": name, "required": name in required, **prop}
        entry.pop("title", None)
        out.append(entry)
    return out


def _entries(table: dict[str, type[BaseModel]], **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "type": name,
            "description": (cls.__doc__ or "").strip().split("\n")[0],
            "category": getattr(cls, "category", None),
            "params": _params(cls),
            **extra,
        }
        for name, cls in table.items()
    ]


def catalog() -> dict[str, Any]:
    """Everything a UI needs to build forms: types, parameters, defaults, bounds, help."""
    layers = {k: v for k, v in LAYERS.items() if getattr(v, "category", "") != "activation"}
    activations = {k: v for k, v in LAYERS.items() if getattr(v, "category", "") == "activation"}
    return {
        "layers": _entries(layers),
        "activations": _entries(activations),
        "losses": [e for e in _entries(LOSSES) if e["type"] != "PerceptronError"],
        "optimizers": _entries(OPTIMIZERS),
        "schedulers": _entries(SCHEDULERS),
        "inits": _entries(INITS),
        "datasets": [
            {
                "id": ds_id,
                "title": d.title,
                "description": d.description,
                "task": d.task,
                "kind": d.kind,
                "params": _params(d.params, skip=("dataset",)),
            }
            for ds_id, d in DATASETS.items()
        ],
    }
