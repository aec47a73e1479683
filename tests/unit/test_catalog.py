"""The catalog is generated from the same tables the specs use."""

from __future__ import annotations

import json
from typing import Any, get_args

from playground.ml.datasets import DATASETS
from playground.ml.layers import LAYER_CLASSES, LAYER_TYPES, Layer, LayerSpec
from playground.ml.layers.activations import ACTIVATION_TYPES, ActivationSpec
from playground.ml.layers.dense import Linear
from playground.ml.registry import CHOICES, catalog
from playground.ml.spec import TrainingSpec


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


def _with_type(base: type[LayerSpec]) -> set[type[LayerSpec]]:
    """Every subclass of `base` (at any depth) that a `type` value can select."""
    found: set[type[LayerSpec]] = set()
    for sub in base.__subclasses__():
        if "type" in sub.model_fields:
            found.add(sub)
        found |= _with_type(sub)
    return found


def test_every_layer_class_is_in_the_one_list_and_parses() -> None:
    # Adding a layer = write the class + add it to LAYER_CLASSES: forgetting the list fails here.
    assert _with_type(LayerSpec) == set(LAYER_CLASSES)
    assert _with_type(ActivationSpec) == set(ACTIVATION_TYPES) <= set(LAYER_CLASSES)
    assert len(LAYER_TYPES) == len(LAYER_CLASSES)  # no two classes share a `type`
    # Every class is a member of the `Layer` union (the shape cases parse one of each).
    assert set(get_args(get_args(Layer)[0])) == set(LAYER_CLASSES)
    for act in ACTIVATION_TYPES:  # the `activation` shorthand takes every activation by name
        layer = Linear(out_features=1, activation=act.type_name())  # type: ignore[arg-type]
        assert type(layer.activation) is act


def _all_params(cat: dict[str, Any]) -> list[dict[str, Any]]:
    """Every param of every entry, of training and of every nested object."""
    entries = [e for key in CHOICES for e in cat[key]] + cat["datasets"]
    return [
        *(p for e in entries for p in e["params"]),
        *cat["training"],
        *(p for params in cat["objects"].values() for p in params),
    ]


def test_every_field_of_every_spec_class_is_listed() -> None:
    cat = catalog()
    listed = {e["type"]: e for key in CHOICES for e in cat[key]}
    for key, table in CHOICES.items():
        for name, cls in table.items():
            if key == "losses" and name == "PerceptronError":
                continue  # not selectable
            assert {p["name"] for p in listed[name]["params"]} == set(cls.model_fields) - {"type"}
    for d in cat["datasets"]:
        fields = set(DATASETS[d["id"]].params.model_fields) - {"dataset"}
        assert {p["name"] for p in d["params"]} == fields
    assert {p["name"] for p in cat["training"]} == set(TrainingSpec.model_fields)


def test_residual_lists_its_recursive_fields() -> None:
    residual = next(e for e in catalog()["layers"] if e["type"] == "Residual")
    params = {p["name"]: p for p in residual["params"]}
    assert set(params) == {"layers", "activation", "init", "from_run", "freeze"}
    assert params["layers"]["choices"] == "layers"
    assert params["layers"]["required"] is True
    assert params["layers"]["type"] == "array"
    assert params["activation"]["choices"] == "activations"
    assert params["init"]["object"] == "InitSpec"


def test_hints_name_the_catalog_keys_and_objects_that_values_come_from() -> None:
    cat = catalog()
    for e in cat["layers"]:
        activation = next((p for p in e["params"] if p["name"] == "activation"), None)
        if e["type"] == "TransformerEncoderLayer":  # PyTorch's own argument: "relu" | "gelu"
            assert activation is not None
            assert "choices" not in activation
            assert activation["enum"] == ["relu", "gelu"]
        elif activation is not None:
            assert (activation["choices"], activation["nullable"]) == ("activations", True)
    training = {p["name"]: p for p in cat["training"]}
    assert training["optimizer"]["choices"] == "optimizers"
    assert "nullable" not in training["optimizer"]
    assert training["scheduler"]["choices"] == "schedulers"
    assert (training["loss"]["choices"], training["loss"]["nullable"]) == ("losses", True)
    assert training["init"]["object"] == "InitSpec"  # {weight, bias}, each one of `inits`
    for name, obj in [("grad_clip", "GradClip"), ("early_stopping", "EarlyStopping"),
                      ("augment", "Augment")]:  # fmt: skip
        assert (training[name]["object"], training[name]["nullable"]) == (obj, True)
    assert "choices" not in training["batch_size"]  # an int or "full": a plain union
    objects = cat["objects"]
    assert {p["name"] for p in objects["SplitSpec"]} == {"val", "test"}
    assert {p["choices"] for p in objects["InitSpec"]} == {"inits"}
    spiral = next(d for d in cat["datasets"] if d["id"] == "spiral")
    split = next(p for p in spiral["params"] if p["name"] == "split")
    assert (split["object"], split.get("nullable")) == ("SplitSpec", None)
    for p in _all_params(cat):
        assert p.get("choices", "layers") in cat
        assert p.get("object", "SplitSpec") in objects


def test_every_layer_may_start_from_a_run_and_be_frozen() -> None:
    cat = catalog()
    for entry in cat["layers"] + cat["activations"]:
        params = {p["name"]: p for p in entry["params"]}
        assert params["from_run"]["object"] == "FromRun", entry["type"]
        assert params["freeze"]["default"] is False
        assert "fixed" in params["freeze"]["description"]
    from_run = {p["name"]: p for p in cat["objects"]["FromRun"]}
    assert set(from_run) == {"run", "layer", "epoch"}
    assert "last" in from_run["epoch"]["description"]
