"""Transfer learning in ml/: state_dict prefixes, the header-only shape check, copying,
freezing (weights, optimizer, penalties, layer stats, BatchNorm statistics) and the
course's fine-tune-beats-scratch example, with real training and real snapshot files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file
from torch import nn

from playground.ml.errors import SpecError
from playground.ml.hooks import EpochReport, Hooks
from playground.ml.snapshots import save_snapshot, snapshot_path
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.transfer import (
    Transfer,
    check_source,
    frozen_prefixes,
    layer_prefix,
    model_shapes,
    parse_path,
    sources,
)
from playground.ml.validate import validate
from tests.factories import make_spec


class Recorder(Hooks):
    """Writes snapshots like a worker does and keeps the states and layer stats."""

    def __init__(self, root: Path, run_id: int) -> None:
        super().__init__()
        self.root, self.run_id = root, run_id
        self.states: dict[int, dict[str, torch.Tensor]] = {}
        self.epochs: list[EpochReport] = []

    def on_snapshot(self, epoch: int, model: nn.Module) -> None:
        save_snapshot(model, snapshot_path(self.root, self.run_id, epoch))
        self.states[epoch] = {k: v.clone() for k, v in model.state_dict().items()}

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs.append(report)


def resolve(spec: RunSpec, source: RunSpec, root: Path, run_id: int, epoch: int) -> list[Transfer]:
    """What the service does for each from_run, here with one known source."""
    shapes = model_shapes(spec, validate(spec).data.input)
    return [
        check_source(
            loc=loc, target_spec=spec, target_shapes=shapes, source_spec=source,
            source_file=snapshot_path(root, run_id, epoch),
        )
        for loc, _ in sources(spec)
    ]  # fmt: skip


def bn_spec(**first: Any) -> RunSpec:
    return make_spec(
        model={
            "layers": [
                {"type": "Linear", "out_features": 8, "activation": "Tanh", **first},
                {"type": "BatchNorm1d", **first},
                {"type": "Linear", "out_features": 2},
            ]
        },
        training={"epochs": 3},
    )


@pytest.fixture
def source(tmp_path: Path) -> tuple[RunSpec, Recorder]:
    spec = bn_spec()
    rec = Recorder(tmp_path, 1)
    assert train(spec, rec).status == "succeeded"
    return spec, rec


def origin(layer: str, freeze: bool) -> dict[str, Any]:
    return {"from_run": {"run": 1, "layer": layer, "epoch": 3}, "freeze": freeze}


def test_prefixes_follow_the_builder() -> None:
    spec = make_spec(
        model={
            "layers": [
                {"type": "Linear", "out_features": 8, "activation": "ReLU"},
                {
                    "type": "Residual",
                    "layers": [{"type": "Linear", "out_features": 8}, {"type": "Tanh"}],
                },
                {"type": "Linear", "out_features": 2},
            ]
        }
    )
    layers = spec.model.layers
    assert parse_path("model.layers[1].layers[0]") == (1, 0)
    assert layer_prefix(layers, (0,)) == "0.0."  # inside its (Linear, ReLU) pair
    assert layer_prefix(layers, (1,)) == "1."
    assert layer_prefix(layers, (1, 0)) == "1.body.0."
    frozen = make_spec(
        model={
            "layers": [{"type": "Linear", "out_features": 2, "activation": "ReLU", "freeze": True}]
        }
    )
    assert frozen_prefixes(frozen.model.layers) == ["0."]  # the layer and its activation
    keys = set(model_shapes(spec, validate(spec).data.input))
    assert {"0.0.weight", "1.body.0.weight", "2.weight"} <= keys


def test_copied_weights_equal_the_source_and_stay_when_frozen(
    source: tuple[RunSpec, Recorder], tmp_path: Path
) -> None:
    src_spec, _ = source
    want = load_file(snapshot_path(tmp_path, 1, 3))
    for freeze in (True, False):
        spec = bn_spec(**origin("model.layers[0]", freeze))
        # Only the first Linear comes from run 1 here; the BatchNorm case is below.
        raw = spec.model_dump(mode="json")
        raw["model"]["layers"][1].pop("from_run")
        raw["model"]["layers"][1]["freeze"] = False
        spec = RunSpec.model_validate(raw)
        rec = Recorder(tmp_path, 2 + freeze)
        result = train(spec, rec, transfers=resolve(spec, src_spec, tmp_path, 1, 3))
        assert result.status == "succeeded"
        before, after = rec.states[0], rec.states[3]
        assert torch.equal(before["0.0.weight"], want["0.0.weight"])  # copied before training
        assert torch.equal(before["0.0.bias"], want["0.0.bias"])
        assert torch.equal(after["0.0.weight"], want["0.0.weight"]) is freeze
        assert not torch.equal(after["2.weight"], before["2.weight"])  # the head learns
        stats = rec.epochs[-1].layers
        first = next(s for s in stats if s.index == 0)
        assert (first.grad_norm is None) is freeze
        assert (first.update_ratio is None) is freeze
        assert first.weight_norm > 0


def test_batchnorm_statistics_are_copied_and_kept_when_frozen(
    source: tuple[RunSpec, Recorder], tmp_path: Path
) -> None:
    src_spec, _ = source
    want = load_file(snapshot_path(tmp_path, 1, 3))
    raw = bn_spec().model_dump(mode="json")
    raw["model"]["layers"][1] |= origin("model.layers[1]", True)
    spec = RunSpec.model_validate(raw)
    rec = Recorder(tmp_path, 4)
    assert train(spec, rec, transfers=resolve(spec, src_spec, tmp_path, 1, 3)).status == (
        "succeeded"
    )
    for key in ("1.weight", "1.bias", "1.running_mean", "1.running_var"):
        assert torch.equal(rec.states[0][key], want[key]), key
        assert torch.equal(rec.states[3][key], want[key]), key  # eval mode: stats unchanged


def test_a_shape_mismatch_names_both_shapes(
    source: tuple[RunSpec, Recorder], tmp_path: Path
) -> None:
    src_spec, _ = source
    spec = make_spec(
        model={
            "layers": [
                {"type": "Linear", "out_features": 4, **origin("model.layers[0]", False)},
                {"type": "Linear", "out_features": 2},
            ]
        }
    )
    with pytest.raises(SpecError) as raised:
        resolve(spec, src_spec, tmp_path, 1, 3)
    err = raised.value.errors[0]
    assert err.loc == ("model", "layers", 0, "from_run")
    assert "weight 4x2" in err.msg
    assert "weight 8x2" in err.msg


def test_a_missing_source_layer_is_named(source: tuple[RunSpec, Recorder], tmp_path: Path) -> None:
    src_spec, _ = source
    spec = bn_spec(**origin("model.layers[7]", False))
    raw = spec.model_dump(mode="json")
    raw["model"]["layers"][1].pop("from_run")
    with pytest.raises(SpecError) as raised:
        resolve(RunSpec.model_validate(raw), src_spec, tmp_path, 1, 3)
    err = raised.value.errors[0]
    assert err.loc == ("model", "layers", 0, "from_run", "layer")
    assert "has no layer model.layers[7]" in err.msg


def test_a_bare_spec_with_from_run_fails_saying_why() -> None:
    spec = make_spec(
        model={
            "layers": [
                {"type": "Linear", "out_features": 8, **origin("model.layers[0]", True)},
                {"type": "Linear", "out_features": 2},
            ]
        }
    )
    result = train(spec)
    assert result.status == "failed"
    assert "model.layers[0].from_run" in (result.error or "")


def cnn(classes: list[int], n: int | None, epochs: int, seed: int, transfer: bool) -> RunSpec:
    first: dict[str, Any] = origin("model.layers[0]", True) if transfer else {}
    if transfer:
        first["from_run"]["epoch"] = "last"
    split = {"val": 0.4, "test": 0.45} if n else {}
    return RunSpec.model_validate(
        {
            "data": {
                "dataset": "digits",
                "classes": classes,
                "n_samples": n,
                "seed": seed,
                **({"split": split} if split else {}),
            },
            "model": {
                "layers": [
                    {
                        "type": "Conv2d",
                        "out_channels": 16,
                        "kernel_size": 3,
                        "padding": 1,
                        "activation": "ReLU",
                        **first,
                    },
                    {"type": "MaxPool2d", "kernel_size": 2},
                    {"type": "Flatten"},
                    {"type": "Linear", "out_features": 64, "activation": "ReLU"},
                    {"type": "Linear", "out_features": len(classes)},
                ]
            },
            "training": {
                "epochs": epochs,
                "batch_size": 10,
                "seed": seed,
                "optimizer": {"type": "Adam", "lr": 0.01},
            },
        }
    )


def test_fine_tuning_on_5_to_9_from_a_0_to_4_model_beats_scratch(tmp_path: Path) -> None:
    base = cnn([0, 1, 2, 3, 4], None, 8, 0, transfer=False)
    rec = Recorder(tmp_path, 1)
    assert train(base, rec).status == "succeeded"
    last = max(rec.states)
    tuned, scratch = [], []
    for seed in range(3):  # 30 training images of 5-9 (6 per class), 5 epochs
        spec = cnn([5, 6, 7, 8, 9], 200, 5, seed, transfer=True)
        result = train(spec, transfers=resolve(spec, base, tmp_path, 1, last))
        tuned.append(result.test["accuracy"])
        scratch.append(train(cnn([5, 6, 7, 8, 9], 200, 5, seed, False)).test["accuracy"])
    # Measured: 0.85 against 0.71 on average over five seeds.
    assert sum(tuned) / 3 > sum(scratch) / 3 + 0.05, (tuned, scratch)


def residual_spec(block: dict[str, Any], inner: dict[str, Any]) -> RunSpec:
    return make_spec(
        model={
            "layers": [
                {"type": "Linear", "out_features": 8, "activation": "Tanh"},
                {
                    "type": "Residual",
                    "activation": "ReLU",
                    "layers": [
                        {"type": "Linear", "out_features": 8, "activation": "Tanh", **inner}
                    ],
                    **block,
                },
                {"type": "Linear", "out_features": 2},
            ]
        },
        training={"epochs": 2},
    )


def test_a_residual_block_or_a_layer_inside_one_can_be_copied(tmp_path: Path) -> None:
    source = residual_spec({}, {})
    rec = Recorder(tmp_path, 1)
    assert train(source, rec).status == "succeeded"
    want = load_file(snapshot_path(tmp_path, 1, 2))
    block = {"from_run": {"run": 1, "layer": "model.layers[1]", "epoch": 2}, "freeze": True}
    inner = {"from_run": {"run": 1, "layer": "model.layers[1].layers[0]", "epoch": 2}}
    for n, spec in enumerate([residual_spec(block, {}), residual_spec({}, inner)]):
        (copy,) = resolve(spec, source, tmp_path, 1, 2)
        assert (copy.target, copy.source) == (("1.", "1.") if n == 0 else ("1.body.0.0.",) * 2)
        got = Recorder(tmp_path, 2 + n)
        assert train(spec, got, transfers=[copy]).status == "succeeded"
        key = "1.body.0.0.weight"
        assert torch.equal(got.states[0][key], want[key])
        assert torch.equal(got.states[2][key], want[key]) is (n == 0)  # frozen block only


def test_a_model_with_every_weight_frozen_is_refused() -> None:
    frozen = {"type": "Linear", "out_features": 2, "freeze": True}
    with pytest.raises(SpecError, match="every layer with weights is frozen"):
        validate(
            make_spec(model={"layers": [{**frozen, "out_features": 8}, {"type": "ReLU"}, frozen]})
        )
    block = {"type": "Residual", "freeze": True, "layers": [{"type": "Linear", "out_features": 2}]}
    with pytest.raises(SpecError, match="every layer with weights is frozen"):
        validate(make_spec(model={"layers": [frozen, block]}))
    validate(make_spec(model={"layers": [frozen, {"type": "Linear", "out_features": 2}]}))
