"""Spec paths and the expansion of a sweep request into trials (pure, no database)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from playground.ml.errors import SpecError
from playground.ml.sweep_paths import SweepRequest, expand, get_path, parse_path, set_path
from tests.factories import spec_dict

LR = "training.optimizer.lr"


def test_parse_path() -> None:
    assert parse_path("training.optimizer.lr") == ("training", "optimizer", "lr")
    assert parse_path("model.layers[0].layers[12].out_features") == (
        "model", "layers", 0, "layers", 12, "out_features",
    )  # fmt: skip
    for bad in ("", "a..b", "a.[0]", "a[x]", "a.0", "a[-1]", "a b"):
        with pytest.raises(ValueError, match=r"characters|field name"):
            parse_path(bad)


def test_get_and_set_leave_the_original_alone() -> None:
    spec = spec_dict()
    loc = parse_path("model.layers[0].out_features")
    changed = set_path(spec, loc, 16)
    assert get_path(changed, loc) == 16
    assert get_path(spec, loc) == 8
    assert (
        get_path(
            set_path(spec, parse_path("model.layers[1].type"), "Tanh"),
            ("model", "layers", 1, "type"),
        )
        == "Tanh"
    )


def test_set_fills_a_missing_section_from_the_defaults() -> None:
    spec = {
        "data": {"dataset": "xor"},
        "model": {"layers": [{"type": "Linear", "out_features": 2}]},
    }
    defaults = {"training": {"optimizer": {"type": "Adam", "lr": 0.001}}}
    out = set_path(spec, parse_path(LR), 0.1, defaults)
    assert out["training"] == {"optimizer": {"type": "Adam", "lr": 0.1}}
    with pytest.raises(ValueError, match="no section at training"):
        set_path(spec, parse_path(LR), 0.1)
    with pytest.raises(ValueError, match=r"no item model\.layers\[3\]"):
        set_path(spec, parse_path("model.layers[3].out_features"), 1)
    with pytest.raises(ValueError, match="holds no fields"):
        set_path(spec, parse_path("data.dataset.x"), 1)


def test_grid_times_seeds() -> None:
    request = SweepRequest(
        base=spec_dict(training={"seed": 10}),
        grid={LR: [0.1, 0.01, 0.001], "model.layers[0].out_features": [4, 8]},
        seeds=4,
    )
    trials = expand(request)
    assert len(trials) == request.trial_count() == 24
    assert [t.index for t in trials] == list(range(24))
    assert [t.spec["training"]["seed"] for t in trials[:5]] == [10, 11, 12, 13, 10]
    assert [t.replicate for t in trials[:5]] == [0, 1, 2, 3, 0]
    assert trials[4].params == {LR: 0.1, "model.layers[0].out_features": 8}
    assert trials[4].spec["model"]["layers"][0]["out_features"] == 8
    assert {(t.params[LR], t.params["model.layers[0].out_features"]) for t in trials} == {
        (lr, w) for lr in (0.1, 0.01, 0.001) for w in (4, 8)
    }


def test_random_is_reproducible_and_in_range() -> None:
    def draw(seed: int) -> list[dict[str, object]]:
        request = SweepRequest.model_validate({
            "base": spec_dict(), "seed": seed,
            "random": {LR: {"log_uniform": [1e-4, 1e-1]}, "training.l2": {"uniform": [0, 0.5]},
                       "model.layers[0].activation": {"choice": ["ReLU", "Tanh"]}, "n": 8},
        })  # fmt: skip
        return [t.params for t in expand(request)]

    first = draw(1)
    assert first == draw(1)
    assert first != draw(2)
    assert len(first) == 8
    assert all(1e-4 <= p[LR] <= 1e-1 and 0 <= p["training.l2"] <= 0.5 for p in first)  # type: ignore[operator]
    assert {p["model.layers[0].activation"] for p in first} <= {"ReLU", "Tanh"}


def test_grid_times_random() -> None:
    request = SweepRequest.model_validate({
        "base": spec_dict(), "grid": {"training.batch_size": [8, 16]},
        "random": {LR: {"log_uniform": [1e-3, 1e-1]}, "n": 3}, "seeds": 2,
    })  # fmt: skip
    trials = expand(request)
    assert len(trials) == request.trial_count() == 12
    # The same random samples meet every grid point.
    lrs = [t.params[LR] for t in trials]
    assert lrs[:6] == lrs[6:]


def test_bad_paths_name_their_section() -> None:
    request = SweepRequest.model_validate({
        "base": spec_dict(), "grid": {"model.layers[7].out_features": [1], LR: [0.1]},
        "random": {"training..l2": {"uniform": [0, 1]}, "n": 2},
    })  # fmt: skip
    with pytest.raises(SpecError) as raised:
        expand(request)
    assert [e.loc for e in raised.value.errors] == [
        ("grid", "model.layers[7].out_features"), ("random", "training..l2"),
    ]  # fmt: skip


def test_request_shapes_that_are_refused() -> None:
    with pytest.raises(ValidationError):
        SweepRequest.model_validate({"base": {}, "grid": {LR: []}})
    with pytest.raises(ValidationError):
        SweepRequest.model_validate({"base": {}, "random": {LR: {"uniform": [2, 1]}, "n": 2}})
    with pytest.raises(ValidationError):
        SweepRequest.model_validate({"base": {}, "random": {LR: {"log_uniform": [0, 1]}, "n": 2}})
    with pytest.raises(ValidationError):
        SweepRequest.model_validate(
            {"base": {}, "grid": {f"training.x{i}": [1] for i in range(33)}}
        )
