"""See inside a trained network: one pure function per view, selected by the request's `view`.

`inspect(spec, model, data, request)` returns a JSON-ready dict (plain lists and numbers;
maps and images as uint8 grids: {"shape", "lo", "hi", "data"}, value = lo + (hi - lo) *
byte / 255, base64, row-major). A request that does not fit the run raises SpecError
with the path of the field to blame: ("view",), ("index",), ("inputs", 0), ("layer",).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torch import nn

from playground.ml.datasets import DataContext, LoadedData
from playground.ml.inspect import attribution, conv, dense, gradcheck, predict, sequence
from playground.ml.inspect.common import Result, Subject
from playground.ml.inspect.requests import (
    VIEW_TYPES,
    VIEWS,
    ActivationsView,
    AdversarialView,
    AttentionView,
    FeatureMapsView,
    FiltersView,
    GradcheckView,
    HiddenStatesView,
    NeuronsView,
    PredictView,
    ReceptiveFieldView,
    SaliencyView,
    View,
    ViewSpec,
    WeightsView,
    parse_view,
)
from playground.ml.registry import spec_params
from playground.ml.spec import RunSpec

# view name -> the function that computes it (each takes its own request class)
HANDLERS: dict[str, Callable[[Subject, Any], Result]] = {
    "neurons": dense.neurons,
    "weights": dense.weights,
    "activations": dense.activations,
    "filters": conv.filters,
    "feature_maps": conv.feature_maps,
    "receptive_field": conv.receptive_field,
    "saliency": attribution.saliency,
    "adversarial": attribution.adversarial,
    "attention": sequence.attention,
    "hidden_states": sequence.hidden_states,
    "predict": predict.predict,
    "gradcheck": gradcheck.gradcheck,
}
assert HANDLERS.keys() == VIEWS.keys()


def inspect(
    spec: RunSpec,
    model: nn.Module,
    data: LoadedData,
    request: View,
    *,
    ctx: DataContext | None = None,
) -> Result:
    """The requested view of `model` (built from `spec`, on the CPU) with `data` loaded as
    training loads it. `ctx` locates on-disk sets (predict re-reads their training split)."""
    subject = Subject(spec, model, data, ctx or DataContext())
    return {"view": request.view, **HANDLERS[request.view](subject, request)}


def views_catalog(objects: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Catalog entries for the views, shaped like the layers': type, description, params
    (nested objects' fields go to `objects`, shared with the rest of the catalog)."""
    objects = {} if objects is None else objects
    return [
        {
            "type": name,
            "description": (cls.__doc__ or "").strip().split("\n")[0],
            "category": cls.family,
            "fits": cls.fits,
            "params": spec_params(cls, objects, skip=("view",)),
        }
        for name, cls in VIEWS.items()
    ]


__all__ = [
    "VIEW_TYPES",
    "ActivationsView",
    "AdversarialView",
    "AttentionView",
    "FeatureMapsView",
    "FiltersView",
    "GradcheckView",
    "HiddenStatesView",
    "NeuronsView",
    "PredictView",
    "ReceptiveFieldView",
    "SaliencyView",
    "View",
    "ViewSpec",
    "WeightsView",
    "inspect",
    "parse_view",
    "views_catalog",
]
