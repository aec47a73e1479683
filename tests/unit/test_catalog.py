"""The catalog is generated from the same tables the specs use."""

from __future__ import annotations

import json

from playground.ml.datasets import DATASETS
from playground.ml.layers import LAYER_TYPES
from playground.ml.registry import catalog


def test_catalog_lists_everything_with_parameters() -> None:
    cat = catalog()
    json.dumps(cat)  # plain JSON
    names = {e["type"] for e in cat["layers"]} | {e["type"] for e in cat["activations"]}
    assert names == set(LAYER_TYPES)
    assert {d["id"] for d in cat["datasets"]} == set(DATASETS)
    assert {e["type"] for e in cat["optimizers"]} == {
        "SGD",
        "Adagrad",
        "RMSprop",
        "Adam",
        "AdamW",
        "Perceptron",
    }
    assert "PerceptronError" not in {e["type"] for e in cat["losses"]}
    conv = next(e for e in cat["layers"] if e["type"] == "Conv2d")
    params = {p["name"]: p for p in conv["params"]}
    assert params["out_channels"]["required"] is True
    assert params["out_channels"]["minimum"] == 1
    assert params["kernel_size"]["default"] == 3
    assert "in_channels" not in params  # inferred, never typed by the user
    assert conv["description"].startswith("2-D convolution")
    sgd = next(e for e in cat["optimizers"] if e["type"] == "SGD")
    lr = next(p for p in sgd["params"] if p["name"] == "lr")
    assert lr["exclusiveMinimum"] == 0
    assert lr["default"] == 0.01
    spiral = next(d for d in cat["datasets"] if d["id"] == "spiral")
    assert spiral["task"] == "classification"
    assert {"n_samples", "noise", "turns", "features", "split", "seed"} <= {
        p["name"] for p in spiral["params"]
    }
