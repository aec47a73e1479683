"""gradcheck: autograd agrees with finite differences, and a wrong backward is caught."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import Tensor, nn

from playground.ml.errors import SpecError
from tests.factories import layers, linear
from tests.unit.inspect_kit import built, view


class _WrongTanh(torch.autograd.Function):
    """tanh forward; a backward 1.5 times too large."""

    @staticmethod
    def forward(ctx: Any, x: Tensor) -> Tensor:
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> Tensor:
        (y,) = ctx.saved_tensors
        return 1.5 * grad * (1 - y * y)


class WrongTanh(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return _WrongTanh.apply(x)  # type: ignore[no-any-return]


MLP = layers(linear(6), {"type": "Tanh"}, linear(5, activation="Sigmoid"), linear(2))


def test_a_float64_mlp_passes_and_a_wrong_backward_fails() -> None:
    spec, model, data = built(model=MLP)
    out = view(spec, model, data, view="gradcheck", samples=8, entries=5)
    assert [r["layer"] for r in out["layers"]] == [
        "model.layers[0]",
        "model.layers[2]",
        "model.layers[3]",
    ]
    assert all(len(r["entries"]) == 5 for r in out["layers"])
    assert out["max_rel_error"] < 1e-5
    assert next(model.parameters()).dtype == torch.float32  # the model itself is untouched
    model[1] = WrongTanh()
    broken = view(spec, model, data, view="gradcheck", samples=8, entries=5)
    errors = {r["layer"]: r["max_rel_error"] for r in broken["layers"]}
    assert errors["model.layers[0]"] > 0.2  # its gradient flows through the wrong backward
    assert errors["model.layers[3]"] < 1e-5  # above it, nothing changed


def test_entries_report_both_gradients() -> None:
    spec, model, data = built(model=MLP)
    entry = view(spec, model, data, view="gradcheck", entries=1)["layers"][0]["entries"][0]
    assert entry["param"] in ("weight", "bias")
    assert entry["analytic"] == pytest.approx(entry["numeric"], rel=1e-5)
    assert abs(entry["analytic"]) > 0


def test_a_cnn_with_batch_norm_residual_and_pooling_passes() -> None:
    spec, model, data = built(
        data={"dataset": "digits", "n_samples": 60},
        model=layers(
            {"type": "Conv2d", "out_channels": 3, "kernel_size": 3, "activation": "ELU"},
            {"type": "BatchNorm2d"},
            {
                "type": "Residual",
                "layers": [{"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1}],
            },
            {"type": "AvgPool2d", "kernel_size": 2},
            {"type": "Flatten"},
            linear(10),
        ),
    )
    out = view(spec, model, data, view="gradcheck", samples=4, entries=3)
    assert "model.layers[2].layers[0]" in [r["layer"] for r in out["layers"]]
    assert "model.layers[2]" in [r["layer"] for r in out["layers"]]  # the projection shortcut
    assert out["max_rel_error"] < 1e-5


def test_a_model_with_sign_is_refused() -> None:
    spec, model, data = built(
        data={"dataset": "gaussian", "n_samples": 50},
        model=layers(linear(1, activation="Sign")),
        training={"optimizer": {"type": "Perceptron", "lr": 0.1}},
    )
    with pytest.raises(SpecError, match="gradcheck needs a differentiable model") as e:
        view(spec, model, data, view="gradcheck")
    assert e.value.errors[0].loc == ("view",)
