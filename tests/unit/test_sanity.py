"""Sanity checks: the initial loss against ln C, overfitting 20 samples (or failing to)."""

from __future__ import annotations

import math

import pytest

from playground.ml.datasets import DataContext, load
from playground.ml.sanity import sanity
from tests.factories import layers, linear, make_spec

BOTH = ["initial_loss", "overfit_small"]


def checks(**sections: object) -> dict[str, dict[str, object]]:
    spec = make_spec(**sections)
    return {c["check"]: c for c in sanity(spec, load(spec.data, DataContext()), BOTH)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "classes"),
    [
        ({"dataset": "spiral", "n_samples": 200, "seed": 0}, 2),
        ({"dataset": "digits", "n_samples": 400, "seed": 0}, 10),
    ],
)
def test_initial_loss_of_a_fresh_classifier_is_ln_c(data: dict[str, object], classes: int) -> None:
    model = layers({"type": "Flatten"}, linear(32, activation="ReLU"), linear(classes))
    result = checks(data=data, model=model)["initial_loss"]
    assert result["expected"] == pytest.approx(math.log(classes), rel=1e-5)
    assert result["value"] == pytest.approx(math.log(classes), rel=0.15)
    assert result["verdict"] == "ok"
    assert f"ln {classes}" in str(result["message"])


def test_initial_loss_far_from_ln_c_is_suspicious() -> None:
    # Weights 30x too large: confident wrong answers from the start.
    init = {"weight": {"type": "normal", "std": 3.0}}
    result = checks(training={"init": init})["initial_loss"]
    assert result["verdict"] == "suspicious"
    assert "too large" in str(result["message"])


def test_regression_expects_the_mean_squared_target() -> None:
    result = checks(data={"dataset": "plane", "n_samples": 100}, model=layers(linear(1)))
    initial = result["initial_loss"]
    assert "mean squared target" in str(initial["message"])
    assert result["overfit_small"]["final_accuracy"] is None


def test_a_working_spec_overfits_20_samples() -> None:
    result = checks()["overfit_small"]
    assert result["verdict"] == "ok", result["message"]
    assert result["final_accuracy"] == 1.0
    assert result["samples"] == 20
    assert 0 < result["steps"] < 500  # type: ignore[operator]


def test_a_tiny_learning_rate_fails_to_overfit() -> None:
    result = checks(training={"optimizer": {"type": "Adam", "lr": 1e-9}})["overfit_small"]
    assert result["verdict"] == "failed"
    assert result["final_accuracy"] < 1.0  # type: ignore[operator]
    assert "check the learning rate" in str(result["message"])
