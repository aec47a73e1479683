"""Snapshots: safetensors round trips of trained models, exact; wrong files refused."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from playground.ml.datasets import DataContext, load
from playground.ml.datasets.text import vocabulary
from playground.ml.hooks import Hooks
from playground.ml.snapshots import (
    SnapshotError,
    encode_state,
    load_snapshot,
    save_snapshot,
    snapshot_name,
    write_state,
)
from playground.ml.spec import RunSpec
from playground.ml.train import train
from tests.factories import layers, linear, make_spec


class Keep(Hooks):
    """Keeps the trained model."""

    model: nn.Module | None = None

    def on_model(self, model: nn.Module) -> None:
        self.model = model


def trained(**sections: Any) -> tuple[RunSpec, nn.Module]:
    spec = make_spec(**sections)
    hooks = Keep()
    result = train(spec, hooks)
    assert result.status == "succeeded", result.error
    assert hooks.model is not None
    return spec, hooks.model


def same_outputs(spec: RunSpec, a: nn.Module, b: nn.Module) -> None:
    x = load(spec.data, DataContext()).test.x
    a.eval()
    b.eval()
    with torch.no_grad():
        assert torch.equal(a(x), b(x))


def test_snapshot_name_pads_the_epoch() -> None:
    assert snapshot_name(7) == "epoch-0007.safetensors"
    assert snapshot_name(12345) == "epoch-12345.safetensors"


def test_round_trip_is_exact_with_batchnorm_residual_prelu_and_dropout(tmp_path: Path) -> None:
    spec, model = trained(
        model=layers(
            linear(8, activation={"type": "PReLU"}),
            {"type": "BatchNorm1d"},
            {"type": "Dropout", "p": 0.3},
            {"type": "Residual", "layers": [linear(8, activation="Tanh")], "activation": "ReLU"},
            {"type": "Residual", "layers": [linear(4)]},  # a projection shortcut
            linear(2),
        ),
        training={"epochs": 2},
    )
    bn = model[1]
    assert isinstance(bn, nn.BatchNorm1d)
    assert int(bn.num_batches_tracked) > 0  # training moved the buffers the file must keep
    path = tmp_path / "runs" / "1" / snapshot_name(2)
    size = save_snapshot(model, path)
    assert size == path.stat().st_size > 0
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind
    loaded = load_snapshot(spec, path)
    assert not loaded.training
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    same_outputs(spec, model, loaded)


def test_round_trip_of_a_perceptron_ending_in_sign(tmp_path: Path) -> None:
    spec, model = trained(
        data={"dataset": "gaussian", "n_samples": 100},
        model=layers(linear(1, activation="Sign")),
        training={"epochs": 3, "optimizer": {"type": "Perceptron", "lr": 0.1}},
    )
    path = tmp_path / snapshot_name(3)
    save_snapshot(model, path)
    loaded = load_snapshot(spec, path)
    same_outputs(spec, model, loaded)


def test_round_trip_of_a_causal_transformer_on_tokens(tmp_path: Path) -> None:
    spec, model = trained(
        data={"dataset": "chars", "n_samples": 60, "seq_len": 8},
        model=layers(
            {"type": "Embedding", "embedding_dim": 8},
            {"type": "PositionalEncoding", "kind": "learned"},
            {"type": "TransformerEncoderLayer", "nhead": 2, "causal": True, "dropout": 0.0},
            {"type": "SequencePool", "mode": "last"},
            linear(len(vocabulary())),
        ),
        training={"epochs": 1},
    )
    path = tmp_path / snapshot_name(1)
    save_snapshot(model, path)
    same_outputs(spec, model, load_snapshot(spec, path))


def test_a_file_of_another_shape_is_refused_naming_the_key(tmp_path: Path) -> None:
    _, model = trained(training={"epochs": 1})  # Linear(8) + Tanh, Linear(2)
    path = tmp_path / snapshot_name(1)
    save_snapshot(model, path)
    wider = make_spec(model=layers(linear(16, activation="Tanh"), linear(2)))
    with pytest.raises(SnapshotError, match=r"0\.0\.weight is 8x2 float32; the model needs 16x2"):
        load_snapshot(wider, path)


def test_missing_and_extra_keys_are_named(tmp_path: Path) -> None:
    spec = make_spec()
    path = tmp_path / "x.safetensors"
    tensors = {
        "0.0.weight": torch.zeros(8, 2),
        "0.0.bias": torch.zeros(8),
        "1.weight": torch.zeros(2, 8),
    }
    save_file(tensors, path)
    with pytest.raises(SnapshotError, match=r"lacks 1\.bias"):
        load_snapshot(spec, path)
    save_file({**tensors, "1.bias": torch.zeros(2), "2.weight": torch.zeros(1)}, path)
    with pytest.raises(SnapshotError, match=r"holds 2\.weight"):
        load_snapshot(spec, path)


class Payload:
    """Unpickling this object would create the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def test_a_pickle_is_never_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / snapshot_name(0)
    torch.save({"0.0.weight": Payload(marker)}, path)  # a torch.save file is a pickle
    path_raw = tmp_path / "raw.safetensors"
    path_raw.write_bytes(pickle.dumps(Payload(marker)))
    for p in (path, path_raw):
        with pytest.raises(SnapshotError, match="not a readable safetensors file"):
            load_snapshot(make_spec(), p)
    assert not marker.exists()


def test_write_state_creates_a_new_file_in_place_and_replaces_an_old_one_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / snapshot_name(4)
    first = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3)}
    assert write_state(first, path) == path.stat().st_size
    torch.testing.assert_close(load_file(path), first)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left

    # An existing file is replaced through a temporary and a rename, never rewritten in
    # place: a reader that opened the old file keeps reading the old bytes, whole.
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        renames.append((Path(src).name, Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    second = {"w": torch.full((2, 3), 7.0)}
    with open(path, "rb") as reader:
        write_state(second, path)
        old = reader.read()
    (temporary, target), *more = renames
    assert not more
    assert temporary.endswith(".tmp")
    assert target == path.name
    assert old == encode_state(first)
    torch.testing.assert_close(load_file(path), second)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_failed_write_of_a_new_file_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / snapshot_name(5)
    monkeypatch.setattr(os, "fdopen", lambda fd, mode: _FullDisk(fd))
    with pytest.raises(OSError, match="No space left"):
        write_state({"w": torch.ones(3)}, path)
    assert list(tmp_path.iterdir()) == []


class _FullDisk:
    """A file object whose write fails as on a full disk (it still closes its descriptor)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)

    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")
