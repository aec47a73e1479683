"""Data previews: every kind against the raw data it claims to show, and the size caps."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn import datasets as sk

from playground.ml.datasets import DATASETS, DataContext, describe
from playground.ml.datasets.text import corpus
from playground.ml.errors import SpecError
from playground.ml.preview import preview
from tests.unit.test_datasets import CASES, make_data_dir, spec_of

KINDS = {"2d", "image", "sequence", "tabular", "text"}
NO_FILES = DataContext(data_dir=None)


def show(dataset: str, ctx: DataContext = NO_FILES, **fields: Any) -> dict[str, Any]:
    out = preview(spec_of(dataset, **fields), ctx)
    assert json.loads(json.dumps(out)) == out  # plain JSON
    return out


def test_spiral_points_are_raw_inside_the_ranges_and_capped() -> None:
    out = show("spiral", n_samples=5000, noise=0.2)
    assert (out["kind"], out["task"], out["classes"]) == ("2d", "classification", 2)
    assert out["samples"] == {"train": 3000, "val": 1000, "test": 1000}
    assert (len(out["train"]), len(out["test"])) == (1000, 500)
    (x_lo, x_hi), (y_lo, y_hi) = out["x_range"], out["y_range"]
    for x, y, label in out["train"] + out["test"]:
        assert x_lo <= x <= x_hi
        assert y_lo <= y <= y_hi
        assert label in (0, 1)
    assert {p[2] for p in out["train"]} == {0, 1}
    assert max(abs(p[0]) for p in out["train"]) > 3  # raw units (arms reach 5), not standardised
    assert len(json.dumps(out)) < 100_000


def test_digits_images_are_real_digits_with_their_labels() -> None:
    out = show("digits")
    assert (out["kind"], out["shape"], out["input_shape"]) == ("image", [1, 8, 8], [1, 8, 8])
    assert len(out["images"]) == 32
    bunch = sk.load_digits()
    labels_of: dict[bytes, set[int]] = {}
    for image, label in zip(bunch.images.astype(np.uint8), bunch.target, strict=True):
        labels_of.setdefault(image.tobytes(), set()).add(int(label))
    for entry in out["images"]:
        pixels = np.frombuffer(base64.b64decode(entry["data"]), dtype=np.uint8)
        assert pixels.shape == (64,)
        raw = np.rint(pixels.astype(np.float64) * 16 / 255).astype(np.uint8)  # back to 0..16
        assert entry["label"] in labels_of[raw.tobytes()]
    assert max(max(base64.b64decode(e["data"])) for e in out["images"]) == 255


def test_sequences_show_raw_values_and_their_targets() -> None:
    out = show("sine", n_samples=100, seq_len=12, targets="every_step")
    assert (out["kind"], out["task"], len(out["series"])) == ("sequence", "regression", 8)
    for s in out["series"]:
        assert len(s["values"]) == len(s["target"]) == 12
        assert s["values"][1:] == s["target"][:-1]  # the target is the next value
        assert max(abs(v) for v in s["values"]) < 2  # unit sine plus noise, not standardised
    parity = show("parity", n_samples=100, seq_len=8)
    for s in parity["series"]:
        assert set(s["values"]) <= {0, 1}
        assert s["target"] == sum(s["values"]) % 2
    adding = show("adding", n_samples=100, seq_len=10)
    assert all(isinstance(s["target"], float) for s in adding["series"])


def test_iris_rows_are_raw_measurements_with_named_columns() -> None:
    out = show("iris")
    assert out["kind"] == "tabular"
    assert len(out["columns"]) == 5
    assert out["columns"][0] == "sepal length (cm)"
    assert out["columns"][-1] == "target"
    assert out["class_names"] == ["setosa", "versicolor", "virginica"]
    assert len(out["rows"]) == 20
    bunch = sk.load_iris()
    table = {(*map(float, row), int(t)) for row, t in zip(bunch.data, bunch.target, strict=True)}
    for row in out["rows"]:
        assert len(row) == 5
        assert tuple(row) in table


def test_chars_are_decoded_windows_of_the_text() -> None:
    out = show("chars", n_samples=200, seq_len=16)
    assert (out["kind"], len(out["texts"])) == ("text", 12)
    assert out["samples"] == {"train": 120, "val": 40, "test": 40}
    for s in out["texts"]:
        assert len(s["text"]) == 16
        assert s["text"] + s["label"] in corpus()  # the label is the next character
    every = show("chars", n_samples=200, seq_len=16, targets="every_step")
    for s in every["texts"]:
        assert s["text"][1:] == s["label"][:-1]


@pytest.mark.parametrize(("dataset", "fields"), CASES)
def test_every_set_previews_small_and_agrees_with_describe(
    tmp_path: Path, dataset: str, fields: dict[str, Any]
) -> None:
    ctx = make_data_dir(tmp_path)
    out = show(dataset, ctx, **fields)
    info = describe(spec_of(dataset, **fields), ctx)
    assert out["kind"] in KINDS
    kind = DATASETS[dataset].kind
    assert out["kind"] == kind or kind == "file"
    assert out["samples"] == {"train": info.n_train, "val": info.n_val, "test": info.n_test}
    assert out["input_shape"] == list(info.input.shape)
    assert out["task"] == info.target.task
    assert out["classes"] == info.target.n_classes
    assert len(json.dumps(out)) < 100_000


def test_uploads_are_drawn_by_the_shape_of_a_sample(tmp_path: Path) -> None:
    ctx = make_data_dir(tmp_path)
    table = show("csv", ctx, file="flowers.csv")
    assert table["kind"] == "tabular"
    assert table["columns"] == ["id", "width", "length", "target"]
    assert table["class_names"] == ["setosa", "versicolor", "virginica"]
    patches = show("npz", ctx, file="patches.npz")  # x: (40, 1, 4, 4), values around 3 +- 2
    assert (patches["kind"], patches["shape"]) == ("image", [1, 4, 4])
    assert all(len(base64.b64decode(e["data"])) == 16 for e in patches["images"])


def test_missing_files_and_limits_name_the_field(tmp_path: Path) -> None:
    empty = DataContext(data_dir=tmp_path)
    with pytest.raises(SpecError) as missing:
        preview(spec_of("mnist"), empty)
    assert missing.value.errors[0].loc == ("data", "dataset")
    assert "MNIST files not found" in missing.value.errors[0].msg
    with pytest.raises(SpecError) as no_upload:
        preview(spec_of("csv", file="nope.csv"), empty)
    assert no_upload.value.errors[0].loc == ("data", "file")
    with pytest.raises(SpecError) as too_big:
        preview(spec_of("spiral", n_samples=5000), empty, max_samples=1000)
    assert too_big.value.errors[0].loc == ("data",)
    assert too_big.value.errors[0].type == "limit_exceeded"
