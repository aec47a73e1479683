"""Invalid specs fail with a JSON path and a reason, before anything is allocated."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from playground.ml.errors import ErrorItem, SpecError, from_validation_error
from playground.ml.limits import Limits
from playground.ml.spec import MAX_NESTING, RunSpec
from playground.ml.validate import validate
from tests.factories import layers, linear, spec_dict


def errors_for(raw: dict[str, Any], limits: Limits | None = None) -> list[ErrorItem]:
    """Parse and validate; return the errors (fails the test if the spec is valid)."""
    try:
        validate(RunSpec.model_validate(raw), limits=limits)
    except ValidationError as e:
        return from_validation_error(e)
    except SpecError as e:
        return e.errors
    pytest.fail("spec unexpectedly valid")


def one(raw: dict[str, Any], limits: Limits | None = None) -> ErrorItem:
    errs = errors_for(raw, limits)
    assert len(errs) == 1, errs
    return errs[0]


def test_minimal_spec_is_complete() -> None:
    spec = RunSpec.model_validate({"data": {"dataset": "xor"}, "model": layers(linear(2))})
    summary = validate(spec)
    assert summary.params == 2 * 2 + 2
    assert spec.training.optimizer.type == "Adam"  # defaults are filled in


@pytest.mark.parametrize(
    ("patch", "path", "fragment"),
    [
        ({"training": {"epochs": "many"}}, "training.epochs", "valid integer"),
        ({"training": {"epochs": 0}}, "training.epochs", "greater than or equal to 1"),
        ({"training": {"optimizer": {"type": "SGD", "lr": -0.1}}}, "training.optimizer.lr", "greater than 0"),
        ({"training": {"optimizer": {"type": "SGD", "lr": float("nan")}}}, "training.optimizer.lr", "finite"),
        ({"training": {"optimizer": {"type": "Adamm", "lr": 0.1}}}, "training.optimizer", "did you mean 'Adam'"),
        ({"training": {"optimizer": {"type": "SGD", "nesterov": True}}}, "training.optimizer", "nesterov needs momentum"),
        ({"training": {"batch_size": 0}}, "training.batch_size", ""),
        ({"training": {"device": "tpu"}}, "training.device", "pattern"),
        ({"training": {"grad_clip": {}}}, "training.grad_clip", "exactly one of max_norm or value"),
        ({"training": {"loss": "HingeLoss"}}, "training.loss", "unknown type 'HingeLoss'"),
        ({"training": {"colour": "red"}}, "training.colour", "Extra inputs are not permitted"),
        ({"data": {"dataset": "imagenet"}}, "data.dataset", "unknown data set 'imagenet'"),
        ({"data": {"dataset": "spiral", "noise": -1}}, "data.noise", "greater than or equal to 0"),
        ({"model": layers({"type": "Conv3d", "out_channels": 4})}, "model.layers[0]", "did you mean 'Conv2d'"),
        ({"model": layers({"out_features": 4})}, "model.layers[0]", "missing the field 'type'"),
        ({"model": layers(linear(0))}, "model.layers[0].out_features", "greater than or equal to 1"),
        ({"model": {"layers": []}}, "model.layers", "at least 1 item"),
        ({"model": layers({"type": "LSTM", "hidden_size": 4, "dropout": 0.5}, linear(2))}, "model.layers[0]", "needs num_layers >= 2"),
        ({"model": layers({"type": "Residual", "layers": [linear(-1)]})}, "model.layers[0].layers[0].out_features", "greater than or equal"),
    ],
)  # fmt: skip
def test_field_errors_name_the_path(patch: dict[str, Any], path: str, fragment: str) -> None:
    err = one(spec_dict(**patch))
    assert err.path == path
    assert fragment in err.msg


def test_wrong_output_size_names_the_last_layer() -> None:
    err = one(spec_dict(model=layers(linear(8, activation="ReLU"), linear(3))))
    assert err.loc == ("model", "layers", 1)
    assert "data set 'spiral' has 2 classes" in err.msg
    assert "CrossEntropyLoss needs 2" in err.msg


def test_impossible_conv_names_the_layer_and_shapes() -> None:
    raw = spec_dict(
        data={"dataset": "digits"},
        model=layers(
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 3},  # 8x8 -> 6x6
            {"type": "MaxPool2d", "kernel_size": 2},  # -> 3x3
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 5},
            {"type": "Flatten"},
            linear(10),
        ),
    )
    err = one(raw)
    assert err.loc == ("model", "layers", 2)
    assert err.msg == "model.layers[2] (Conv2d): kernel 5x5 does not fit input 4x3x3 with padding 0"


def test_mlp_on_images_suggests_flatten() -> None:
    err = one(spec_dict(data={"dataset": "digits"}, model=layers(linear(10))))
    assert err.loc == ("model", "layers", 0)
    assert "add a Flatten first" in err.msg


def test_regression_rejects_classification_loss() -> None:
    err = one(
        spec_dict(
            data={"dataset": "plane"},
            model=layers(linear(1)),
            training={"loss": "CrossEntropyLoss"},
        )
    )
    assert err.path == "training.loss"
    assert "regression" in err.msg


@pytest.mark.parametrize(
    ("limits", "raw_patch", "path", "fragment"),
    [
        (Limits(max_parameters=100), {"model": layers(linear(64), linear(2))}, "model.layers", "parameters; the limit is 100"),
        (Limits(max_layers=2), {"model": layers(linear(4), linear(4), linear(2))}, "model.layers", "3 layers; the limit is 2"),
        (Limits(max_epochs=10), {"training": {"epochs": 11}}, "training.epochs", "the limit is 10"),
        (Limits(max_samples=100), {}, "data", "200 samples; the limit is 100"),
        (Limits(max_flops_per_sample=10), {}, "model.layers", "FLOPs per sample"),
        (Limits(max_steps=10), {}, "training.epochs", "optimizer steps; the limit is 10"),
    ],
)  # fmt: skip
def test_limits_reject_oversize_specs(
    limits: Limits, raw_patch: dict[str, Any], path: str, fragment: str
) -> None:
    err = one(spec_dict(**raw_patch), limits)
    assert err.path == path
    assert fragment in err.msg
    assert err.type == "limit_exceeded"


def test_huge_model_is_rejected_without_allocating() -> None:
    # 65536 x 65536 floats would need 16 GiB; shape inference runs on the meta device.
    raw = spec_dict(model=layers(linear(65536), linear(65536), linear(2)))
    err = one(raw)
    assert "parameters; the limit is 20,000,000" in err.msg


def test_early_stopping_needs_validation_split() -> None:
    raw = spec_dict(
        data={"split": {"val": 0, "test": 0.2}}, training={"early_stopping": {"patience": 2}}
    )
    assert one(raw).path == "training.early_stopping"


def test_perceptron_needs_sign_output() -> None:
    raw = spec_dict(model=layers(linear(1)), training={"optimizer": {"type": "Perceptron"}})
    err = one(raw)
    assert err.path == "training.optimizer"
    assert "Sign" in err.msg


def test_perceptron_rejects_a_loss() -> None:
    raw = spec_dict(
        model=layers(linear(1, activation="Sign")),
        training={"optimizer": {"type": "Perceptron"}, "loss": "MSELoss"},
    )
    assert one(raw).path == "training.loss"


def test_error_text_does_not_repeat_the_path() -> None:
    item = ErrorItem(("model", "layers", 2), "model.layers[2] (Conv2d): bad")
    assert SpecError([item]).args[0] == "model.layers[2] (Conv2d): bad"


def _nested(depth: int) -> dict[str, Any]:
    layer: dict[str, Any] = {"type": "Linear", "out_features": 2}
    for _ in range(depth):
        layer = {"type": "Residual", "layers": [layer]}
    return layer


def test_deeply_nested_blocks_are_refused_before_they_are_parsed() -> None:
    # 300 levels used to overflow the parser's recursion (a 500 through the API).
    for depth, ok in [(MAX_NESTING, True), (MAX_NESTING + 1, False), (300, False)]:
        raw = {"data": {"dataset": "xor"}, "model": {"layers": [_nested(depth)]}}
        if ok:
            RunSpec.model_validate(raw)
            continue
        with pytest.raises(ValidationError) as raised:
            RunSpec.model_validate(raw)
        error = raised.value.errors()[0]
        assert error["loc"] == ("model",)
        assert f"deeper than {MAX_NESTING} levels" in error["msg"]


def test_too_many_layers_fail_before_any_shape_inference(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 25,000-layer spec cost seconds of shape inference before its 422.
    raw = {"data": {"dataset": "xor"}, "model": {"layers": [{"type": "Tanh"}] * 25_000}}
    with pytest.raises(ValidationError) as raised:
        RunSpec.model_validate(raw)
    assert raised.value.errors()[0]["loc"] == ("model",)

    def no_inference(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("shape inference ran before the layer count was checked")

    monkeypatch.setattr("playground.ml.validate.infer_layers", no_inference)
    spec = RunSpec.model_validate({**raw, "model": {"layers": [{"type": "Tanh"}] * 300}})
    with pytest.raises(SpecError, match="300 layers; the limit is 200"):
        validate(spec, limits=Limits())
