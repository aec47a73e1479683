"""Convolution views: kernels are the weights, maps are the submodules' outputs, and receptive
fields match hand-worked examples and the support of a real input gradient."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, LoadedData, load
from playground.ml.errors import SpecError
from playground.ml.inspect import inspect, parse_view
from playground.ml.spec import RunSpec
from tests.factories import layers, linear
from tests.unit.inspect_kit import DIGITS, built, close_to_grid, view

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def cnn() -> tuple[RunSpec, nn.Sequential, LoadedData]:
    return built(
        data=DIGITS,
        model=layers(
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "activation": "ReLU"},
            {"type": "MaxPool2d", "kernel_size": 2},
            {"type": "Conv2d", "out_channels": 3, "kernel_size": 2},
            {"type": "Flatten"},
            linear(10),
        ),
    )


def test_filters_are_the_convolution_weights() -> None:
    spec, model, data = cnn()
    first = view(spec, model, data, view="filters")
    w = model[0][0].weight.detach()
    assert (first["layer"], first["shape"]) == ("model.layers[0]", [4, 1, 3, 3])
    close_to_grid(first["weight"], w)
    assert first["bias"] == pytest.approx(model[0][0].bias.tolist())
    for layer in (2, "model.layers[2]", "layers[2]"):
        second = view(spec, model, data, view="filters", layer=layer)
        assert second["layer"] == "model.layers[2]"
        close_to_grid(second["weight"], model[2].weight.detach())


def test_filters_refuse_layers_that_are_not_convolutions() -> None:
    spec, model, data = cnn()
    with pytest.raises(
        SpecError, match=r"model.layers\[1\] is a MaxPool2d; filters needs a convolution"
    ) as e:
        view(spec, model, data, view="filters", layer=1)
    assert e.value.errors[0].loc == ("layer",)
    with pytest.raises(
        SpecError, match="layer 9 is out of range: the model has 5 top-level layers"
    ):
        view(spec, model, data, view="filters", layer=9)
    mlp = built(model=layers(linear(2)))
    with pytest.raises(
        SpecError, match="filters needs a Conv1d or Conv2d layer; this model has none"
    ) as e:
        view(*mlp, view="filters")
    assert e.value.errors[0].loc == ("view",)


def test_feature_maps_are_each_layer_output_for_the_sample() -> None:
    spec, model, data = cnn()
    out = view(spec, model, data, view="feature_maps", split="val", index=3)
    x = data.val.x[3:4]
    with torch.no_grad():
        a = torch.relu(model[0][0](x))
        b = model[1](a)
        c = model[2](b)
    assert [entry["layer"] for entry in out["layers"]] == [
        "model.layers[0]",
        "model.layers[1]",
        "model.layers[2]",
    ]
    assert out["label"] == int(data.val.y[3])
    for entry, oracle in zip(out["layers"], (a, b, c), strict=True):
        assert entry["shape"] == list(oracle.shape[1:])
        for encoded, channel in zip(entry["channels"], oracle[0], strict=True):
            close_to_grid(encoded, channel)
    close_to_grid(out["input"], x[0])


def test_a_sample_index_out_of_range_names_the_split_size() -> None:
    spec, model, data = cnn()
    with pytest.raises(
        SpecError, match=r"index 500 is out of range: the test split has 20 samples"
    ) as e:
        view(spec, model, data, view="feature_maps", index=500)
    assert e.value.errors[0].loc == ("index",)


def fields(*convs: dict[str, Any]) -> list[dict[str, Any]]:
    spec, model, data = built(data=DIGITS, model=layers(*convs, {"type": "Flatten"}, linear(10)))
    return view(spec, model, data, view="receptive_field")["layers"]


def conv(k: int = 3, **kw: Any) -> dict[str, Any]:
    return {"type": "Conv2d", "out_channels": 2, "kernel_size": k, **kw}


def test_two_3x3_convolutions_see_5x5() -> None:
    rows = fields(conv(), {"type": "ReLU"}, conv())
    assert [(r["layer"], r["size"], r["jump"], r["start"]) for r in rows] == [
        ("model.layers[0]", [3, 3], [1, 1], [1, 1]),
        ("model.layers[2]", [5, 5], [1, 1], [2, 2]),
    ]


def test_conv_pool_conv_sees_8_with_jump_2() -> None:
    rows = fields(conv(), {"type": "MaxPool2d", "kernel_size": 2}, conv())
    assert [(r["size"][0], r["jump"][0], r["start"][0]) for r in rows] == [
        (3, 1, 1),
        (4, 2, 1.5),
        (8, 2, 3.5),
    ]


def test_residual_blocks_padding_same_and_dilation() -> None:
    rows = fields(
        {"type": "Residual", "layers": [conv(padding="same"), conv(padding="same", dilation=2)]},
        conv(k=2, stride=2),
    )
    assert [(r["layer"], r["size"][0], r["jump"][0], r["start"][0]) for r in rows] == [
        ("model.layers[0].layers[0]", 3, 1, 0),
        ("model.layers[0].layers[1]", 7, 1, 0),
        ("model.layers[0]", 7, 1, 0),
        ("model.layers[1]", 8, 2, 0.5),
    ]


def test_receptive_field_is_the_support_of_a_real_input_gradient() -> None:
    spec, model, data = built(
        data=DIGITS,
        model=layers(
            conv(), {"type": "AvgPool2d", "kernel_size": 2}, conv(), {"type": "Flatten"}, linear(10)
        ),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.abs_()  # positive weights: no cancellation hides part of the field
    rf = view(spec, model, data, view="receptive_field")["layers"][-1]
    x = torch.zeros(1, 1, 8, 8, requires_grad=True)
    unit = model[:3](x)[0, 0, 0, 0]  # the first unit of the last convolution
    (grad,) = torch.autograd.grad(unit, x)
    rows = grad[0, 0].abs().sum(1).nonzero().reshape(-1)
    cols = grad[0, 0].abs().sum(0).nonzero().reshape(-1)
    size, start = rf["size"][0], rf["start"][0]
    assert len(rows) == len(cols) == size == 8
    assert float(rows.float().mean()) == pytest.approx(start)  # the field's centre


def test_fields_count_from_the_first_convolution_input_of_a_preset() -> None:
    spec = RunSpec.model_validate_json((EXAMPLES / "conv1d_sine.json").read_text())
    data = load(spec.data, DataContext())
    model = build_model(spec.model.layers, data.info.input)
    out = inspect(spec, model, data, parse_view({"view": "receptive_field"}))
    assert out["origin"] == "model.layers[1]"  # after the Reshape to (1, L)
    assert [(r["layer"], r["size"], r["jump"], r["start"]) for r in out["layers"]] == [
        ("model.layers[1]", [5], [1], [0]),  # k5, padding "same"
        ("model.layers[2]", [6], [2], [0.5]),  # max pool 2
        ("model.layers[3]", [14], [2], [4.5]),  # k3, dilation 2
    ]
