"""Dense views against hand computations: unit maps on the grid, weights, dead and saturated units."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import Tensor

from playground.ml.datasets import LoadedData
from playground.ml.errors import SpecError
from tests.factories import layers, linear
from tests.unit.inspect_kit import built, close_to_grid, view


def grid_inputs(data: LoadedData) -> Tensor:
    """The boundary's 50x50 grid mapped by hand: features x, y, x2, then standardised with
    the raw training points' own statistics."""
    plane = data.plane
    assert plane is not None
    xs = np.linspace(*plane.x_range, 50, dtype=np.float32).astype(np.float64)
    ys = np.linspace(*plane.y_range, 50, dtype=np.float32).astype(np.float64)
    gx, gy = np.meshgrid(xs, ys)  # row = y
    x, y = gx.reshape(-1), gy.reshape(-1)
    feats = np.stack([x, y, x * x], 1)
    tx, ty = plane.train_points[:, 0], plane.train_points[:, 1]
    train = np.stack([tx, ty, tx * tx], 1)
    return torch.from_numpy((feats - train.mean(0)) / train.std(0)).float()


def test_neuron_maps_are_each_unit_after_its_activation_on_the_boundary_grid() -> None:
    spec, model, data = built(
        data={"features": ["x", "y", "x2"]},
        model=layers(
            linear(4),
            {"type": "Tanh"},
            {"type": "Residual", "layers": [linear(4, activation="ReLU")]},
            linear(3, activation="Sigmoid"),
            linear(2),
        ),
    )
    out = view(spec, model, data, view="neurons")
    assert out["resolution"] == 50
    assert [
        (entry["layer"], entry["activation"], len(entry["units"])) for entry in out["layers"]
    ] == [
        ("model.layers[0]", "Tanh", 4),
        ("model.layers[2].layers[0]", "ReLU", 4),
        ("model.layers[3]", "Sigmoid", 3),
        ("model.layers[4]", None, 2),
    ]
    x = grid_inputs(data)
    with torch.no_grad():
        h0 = torch.tanh(model[0](x))
        inner = model[2].body[0](h0)  # the Residual's inner Linear + ReLU
        h2 = model[2](h0)
        h3 = model[3](h2)
        h4 = model[4](h3)
    for entry, oracle in zip(out["layers"], (h0, inner, h3, h4), strict=True):
        for unit, encoded in enumerate(entry["units"]):
            assert encoded["shape"] == [50, 50]
            close_to_grid(encoded, oracle[:, unit].reshape(50, 50), own_range=True)
    assert [f["name"] for f in out["features"]] == ["x", "y", "x2"]
    close_to_grid(out["features"][2], x[:, 2].reshape(50, 50), own_range=True)


def test_neurons_needs_two_d_points() -> None:
    spec, model, data = built(data={"dataset": "iris"}, model=layers(linear(3)))
    with pytest.raises(SpecError, match="neurons needs a data set of 2-D points") as e:
        view(spec, model, data, view="neurons")
    assert e.value.errors[0].loc == ("view",)


def test_weights_are_the_parameters_with_histograms_and_a_cap() -> None:
    spec, model, data = built(
        model=layers(linear(64, activation={"type": "PReLU"}), {"type": "ReLU"}, linear(2))
    )
    out = view(spec, model, data, view="weights", max_values=100, bins=10)
    assert [entry["layer"] for entry in out["layers"]] == ["model.layers[0]", "model.layers[2]"]
    first = {t["name"]: t for t in out["layers"][0]["tensors"]}
    assert set(first) == {"weight", "bias", "activation.weight"}
    w = model[0][0].weight.detach()
    assert first["weight"]["shape"] == [64, 2]
    assert first["weight"]["truncated"] is True
    assert first["weight"]["values"] == pytest.approx(w.reshape(-1)[:100].tolist())
    assert sum(first["weight"]["histogram"]["counts"]) == 128
    assert first["weight"]["histogram"]["lo"] == pytest.approx(float(w.min()))
    last = {t["name"]: t for t in out["layers"][1]["tensors"]}
    assert last["bias"]["truncated"] is False
    assert last["bias"]["values"] == pytest.approx(model[2].bias.tolist())


def test_dead_and_saturated_units_match_a_hand_count() -> None:
    spec, model, data = built(
        model=layers(linear(4, activation="ReLU"), linear(5), {"type": "Tanh"}, linear(2))
    )
    with torch.no_grad():
        model[0][0].bias[1] = -1e3  # unit 1 can never fire: dead
        model[1].weight.mul_(50)  # pushes tanh into its flat tails
    out = view(spec, model, data, view="activations", split="train", samples=64)
    assert out["samples"] == 64
    rows = {r["layer"]: r for r in out["layers"]}
    x = data.train.x[:64]
    with torch.no_grad():
        h = torch.relu(model[0][0](x))
        z = model[1](h)
    assert rows["model.layers[0]"]["dead_fraction"] == pytest.approx(
        float((h == 0).all(0).float().mean())
    )
    assert rows["model.layers[0]"]["dead_fraction"] >= 0.25
    assert rows["model.layers[2]"]["saturated_fraction"] == pytest.approx(
        float((torch.tanh(z).abs() > 0.97).float().mean())
    )
    assert rows["model.layers[2]"]["saturated_fraction"] > 0.2
    assert rows["model.layers[1]"]["dead_fraction"] is None  # no ReLU there
    assert rows["model.layers[1]"]["saturated_fraction"] is None
    assert sum(rows["model.layers[1]"]["histogram"]["counts"]) == 64 * 5
