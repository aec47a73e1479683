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
from playground.ml.spec import TrainingSpec

Schema = dict[str, Any]
Params = list[dict[str, Any]]


def _by_type(classes: tuple[type[BaseModel], ...]) -> dict[str, type[BaseModel]]:
    return {str(c.model_fields["type"].default): c for c in classes}


LAYERS: dict[str, type[BaseModel]] = dict(LAYER_TYPES)
ACTIVATIONS = {k: v for k, v in LAYERS.items() if getattr(v, "category", "") == "activation"}
LOSSES = _by_type(LOSS_TYPES)
OPTIMIZERS = _by_type(OPTIMIZER_TYPES)
SCHEDULERS = _by_type(SCHEDULER_TYPES)
INITS = _by_type(INIT_TYPES)

# Every discriminator value; error paths drop these (pydantic puts the tag in the loc).
TAGS: frozenset[str] = frozenset([*LAYERS, *LOSSES, *OPTIMIZERS, *SCHEDULERS, *INITS, *DATASETS])

# Catalog key -> the table its entries come from, for `choices` hints. A union picks the
# smallest table that holds all its tags: activations before layers, since a layer stack
# (`layers`: the catalog's layers plus activations) also accepts every activation.
CHOICES: dict[str, dict[str, type[BaseModel]]] = {
    "activations": ACTIVATIONS,
    "layers": LAYERS,
    "losses": LOSSES,
    "optimizers": OPTIMIZERS,
    "schedulers": SCHEDULERS,
    "inits": INITS,
}


def spec_params(
    cls: type[BaseModel], objects: dict[str, Params], skip: tuple[str, ...] = ("type",)
) -> Params:
    """Each field with its JSON type, default, bounds, description and widget hints."""
    schema = cls.model_json_schema()
    defs: dict[str, Schema] = schema.get("$defs", {})
    return _fields(_resolve(schema, defs), defs, objects, skip)


def _resolve(schema: Schema, defs: dict[str, Schema]) -> Schema:
    """The schema a `$ref` points to; a recursive model (Residual) is only a `$ref`."""
    ref = schema.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if ref else schema


def _fields(
    schema: Schema, defs: dict[str, Schema], objects: dict[str, Params], skip: tuple[str, ...]
) -> Params:
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        if name in skip:
            continue
        entry = {"name": name, "required": name in required, **prop}
        entry.update(_hints(prop, defs, objects))
        entry.pop("title", None)
        out.append(entry)
    return out


def _hints(prop: Schema, defs: dict[str, Schema], objects: dict[str, Params]) -> Schema:
    """Widget hints: `nullable`, `choices` (a catalog key), `object` (a key of `objects`)."""
    options: list[Schema] = prop.get("anyOf", [prop])
    hints: Schema = {}
    if any(o.get("type") == "null" for o in options):
        hints["nullable"] = True
    for option in options:
        inner = option.get("items", option)  # a list of choices: Residual's `layers`
        choices = _choices(inner)
        if choices:
            hints["choices"] = choices
        elif "$ref" in inner:
            target = _resolve(inner, defs)
            name = str(target["title"])  # the class name; $defs keys may be qualified
            if name not in objects:
                objects[name] = []  # claimed first, so a model that holds itself ends
                objects[name] = _fields(target, defs, objects, skip=())
            hints["object"] = name
    return hints


def _choices(schema: Schema) -> str | None:
    """The catalog key whose entries a discriminated union selects from, if any."""
    tags = set(schema.get("discriminator", {}).get("mapping", {}))
    fits = [key for key, table in CHOICES.items() if tags and tags <= table.keys()]
    return min(fits, key=lambda key: len(CHOICES[key]), default=None)


def _entries(
    table: dict[str, type[BaseModel]], objects: dict[str, Params], **extra: Any
) -> list[dict[str, Any]]:
    return [
        {
            "type": name,
            "description": (cls.__doc__ or "").strip().split("\n")[0],
            "category": getattr(cls, "category", None),
            "params": spec_params(cls, objects),
            **extra,
        }
        for name, cls in table.items()
    ]


def catalog() -> dict[str, Any]:
    """Everything a UI needs to build forms: types, parameters, defaults, bounds, help.

    `training` holds TrainingSpec's fields; `views` the inspect views (what each fits); `objects` the fields of every nested spec
    object that a param names in its `object` hint (SplitSpec, GradClip, ...).
    """
    # Imported here: the inspect views build their catalog entries with spec_params.
    from playground.ml.inspect import views_catalog

    objects: dict[str, Params] = {}
    layers = {k: v for k, v in LAYERS.items() if k not in ACTIVATIONS}
    return {
        "layers": _entries(layers, objects),
        "activations": _entries(ACTIVATIONS, objects),
        "losses": [e for e in _entries(LOSSES, objects) if e["type"] != "PerceptronError"],
        "optimizers": _entries(OPTIMIZERS, objects),
        "schedulers": _entries(SCHEDULERS, objects),
        "inits": _entries(INITS, objects),
        "datasets": [
            {
                "id": ds_id,
                "title": d.title,
                "description": d.description,
                "task": d.task,
                "kind": d.kind,
                "params": spec_params(d.params, objects, skip=("dataset",)),
            }
            for ds_id, d in DATASETS.items()
        ],
        "training": spec_params(TrainingSpec, objects),
        "views": views_catalog(objects),
        "objects": objects,
    }
