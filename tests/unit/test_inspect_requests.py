"""View requests: parsing with JSON paths, the catalog entries, dispatch and timing bounds."""

from __future__ import annotations

import json
from typing import Any

import pytest
import torch

from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, load
from playground.ml.datasets.text import vocabulary
from playground.ml.errors import SpecError
from playground.ml.inspect import (
    PredictView,
    SaliencyView,
    inspect,
    parse_view,
    views_catalog,
)
from playground.ml.registry import catalog
from tests.factories import make_spec


def error(body: dict[str, Any]) -> tuple[tuple[str | int, ...], str]:
    with pytest.raises(SpecError) as e:
        parse_view(body)
    item = e.value.errors[0]
    return item.loc, item.msg


def test_requests_parse_with_defaults() -> None:
    request = parse_view({"view": "saliency"})
    assert request == SaliencyView(epoch="last", split="test", index=0, target=None)
    assert parse_view({"view": "predict", "inputs": [[1, 2]], "epoch": 3}) == PredictView(
        inputs=[[1, 2]], epoch=3
    )


def test_bad_requests_name_the_field() -> None:
    assert error({"view": "salency"}) == (
        ("view",),
        "unknown view 'salency'; did you mean 'saliency'?",
    )
    assert error({})[0] == ("view",)
    assert error({"view": "saliency", "index": -1})[0] == ("index",)
    assert error({"view": "adversarial", "eps": 0})[0] == ("eps",)
    assert error({"view": "predict"}) == (("inputs",), "Field required")
    assert error({"view": "weights", "epoch": "first"})[0] == ("epoch",)
    assert error({"view": "filters", "colour": 1})[0] == ("colour",)


def test_the_catalog_has_every_view_with_described_params() -> None:
    entries = {e["type"]: e for e in views_catalog()}
    assert set(entries) == {
        "neurons", "weights", "activations", "filters", "feature_maps", "receptive_field",
        "saliency", "adversarial", "attention", "hidden_states", "predict", "gradcheck",
    }  # fmt: skip
    layer_entry = catalog()["layers"][0]
    for entry in entries.values():
        assert set(layer_entry) <= set(entry)
        assert entry["description"]
        names = [p["name"] for p in entry["params"]]
        assert "epoch" in names
        assert "view" not in names
        assert all(p["description"] for p in entry["params"])
    eps = next(p for p in entries["adversarial"]["params"] if p["name"] == "eps")
    assert (eps["default"], eps["exclusiveMinimum"], eps["maximum"]) == (0.1, 0, 10)
    index = next(p for p in entries["saliency"]["params"] if p["name"] == "index")
    assert index["minimum"] == 0


def test_inspect_names_the_view_in_its_result() -> None:
    spec = make_spec()
    data = load(spec.data, DataContext())
    model = build_model(spec.model.layers, data.info.input).eval()
    out = inspect(spec, model, data, parse_view({"view": "weights"}))
    assert out["view"] == "weights"
    with torch.no_grad():
        assert out["layers"][1]["tensors"][1]["values"] == pytest.approx(model[1].bias.tolist())


@pytest.mark.parametrize(
    ("dataset", "model", "views"),
    [
        (
            {"dataset": "digits", "n_samples": 60},
            [
                {"type": "Conv2d", "out_channels": 2, "kernel_size": 3, "activation": "ReLU"},
                {"type": "MaxPool2d"},
                {"type": "Flatten"},
                {"type": "Linear", "out_features": 10},
            ],
            ["weights", "activations", "filters", "feature_maps", "receptive_field", "saliency",
             "adversarial", "gradcheck"],
        ),
        (
            {"dataset": "chars", "n_samples": 40, "seq_len": 6},
            [
                {"type": "Embedding", "embedding_dim": 4},
                {"type": "MultiheadAttention", "num_heads": 2},
                {"type": "LSTM", "hidden_size": 3},
                {"type": "Linear", "out_features": len(vocabulary())},
            ],
            ["attention", "hidden_states", "activations", "gradcheck"],
        ),
        ({"dataset": "moons"}, [{"type": "Linear", "out_features": 2}], ["neurons", "weights"]),
    ],
)  # fmt: skip
def test_results_are_strict_json(
    dataset: dict[str, Any], model: list[dict[str, Any]], views: list[str]
) -> None:
    spec = make_spec(data=dataset, model={"layers": model})
    data = load(spec.data, DataContext())
    built = build_model(spec.model.layers, data.info.input).eval()
    for name in views:
        out = inspect(spec, built, data, parse_view({"view": name}))
        assert json.loads(json.dumps(out, allow_nan=False)) == out, name
