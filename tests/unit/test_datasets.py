"""Data-set registry: every set against describe(), seeded splits, train-only normalisation,
and the checks on user files (IDX, CSV, NPZ) written for real into tmp_path."""

from __future__ import annotations

import csv
import gzip
import shutil
import struct
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
import torch
from pydantic import BaseModel, TypeAdapter, ValidationError
from sklearn import datasets as sk

from playground.ml.datasets import (
    DATASETS,
    DataContext,
    DataSpec,
    LoadedData,
    SplitSpec,
    describe,
    load,
)
from playground.ml.datasets.text import TEXT_PATH, corpus, vocabulary
from playground.ml.errors import SpecError

SPEC = TypeAdapter(DataSpec)
FASHION = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt")
FASHION += ("Sneaker", "Bag", "Ankle boot")


# ---- factories: real files and small specs ------------------------------------------------


def write_idx(path: Path, array: np.ndarray, *, gz: bool = False) -> Path:
    """Write an unsigned-byte IDX file: magic 0x0000 08 ndim, big-endian dims, data."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if gz:
        path = path.with_name(path.name + ".gz")
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)
    return path


def write_mnist(
    folder: Path, *, n_train: int = 50, n_test: int = 20, hw: tuple[int, int] = (6, 5), gz: bool
) -> dict[str, np.ndarray]:
    """Four IDX files of random images (N, H, W) and labels 0-9; returns the arrays."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, *hw)),
        "train-labels-idx1-ubyte": np.arange(n_train) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, *hw)),
        "t10k-labels-idx1-ubyte": np.arange(n_test)[::-1] % 10,
    }
    for name, array in arrays.items():
        write_idx(folder / name, array, gz=gz)
    return arrays


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def flower_rows(n: int = 60) -> list[list[Any]]:
    """Rows (id, width, length, species) with a text label column."""
    rng = np.random.default_rng(3)
    species = ("setosa", "virginica", "versicolor")
    return [
        [i, round(rng.normal(i % 3, 0.3), 4), round(rng.uniform(), 4), species[i % 3]]
        for i in range(n)
    ]


def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    return folder


def make_data_dir(tmp_path: Path) -> DataContext:
    """A data directory with MNIST (raw), Fashion-MNIST (gz), a CSV and an NPZ upload."""
    write_mnist(tmp_path / "mnist", gz=False)
    write_mnist(tmp_path / "fashion_mnist", n_train=80, gz=True)
    write_csv(
        uploads(tmp_path) / "flowers.csv", ["id", "width", "length", "species"], flower_rows()
    )
    rng = np.random.default_rng(5)
    np.savez(
        uploads(tmp_path) / "patches.npz",
        x=rng.normal(3.0, 2.0, (40, 1, 4, 4)),
        y=np.arange(40) % 2,
    )
    shutil.copyfile(uploads(tmp_path) / "patches.npz", uploads(tmp_path) / "2.npz")  # upload 2
    write_csv(uploads(tmp_path) / "1.csv", ["id", "width", "length", "species"], flower_rows())
    return DataContext(data_dir=tmp_path)


def case(dataset: str, variant: str = "", **fields: Any) -> Any:
    return pytest.param(dataset, fields, id=f"{dataset}-{variant}" if variant else dataset)


# Small instances of every set; variants cover every_step, n_classes and feature lists.
CASES = [
    case("circle", n_samples=200),
    case("xor", n_samples=200),
    case("gaussian", n_samples=200, n_classes=4),
    case("spiral", n_samples=200, n_classes=3),
    case("moons", n_samples=200, features=["x", "y", "xy", "sinx"]),
    case("plane", n_samples=200),
    case("multi_gaussian", n_samples=200, features=["x2", "y2", "x", "y"]),
    case("iris"),
    case("wine"),
    case("breast_cancer"),
    case("digits", n_samples=300),
    case("mnist"),
    case("fashion_mnist", n_samples=60),
    case("sine", n_samples=100, seq_len=12),
    case("sine", "every_step", n_samples=100, seq_len=12, targets="every_step"),
    case("parity", n_samples=100, seq_len=8),
    case("parity", "every_step", n_samples=100, seq_len=8, targets="every_step"),
    case("adding", n_samples=100, seq_len=10),
    case("chars", n_samples=200, seq_len=16),
    case("chars", "every_step", n_samples=200, seq_len=16, targets="every_step"),
    case("csv", file="flowers.csv"),
    case("npz", file="patches.npz"),
    case("upload", "csv", upload=1),
    case("upload", "npz", upload=2),
]


def cases_of(*kinds: str) -> list[Any]:
    return [c for c in CASES if DATASETS[c.values[0]].kind in kinds]


TOY_CASES = cases_of("2d")
TOY_CLASSIFICATION = [c for c in TOY_CASES if DATASETS[c.values[0]].task == "classification"]
FLOAT_CASES = cases_of("2d", "tabular", "image", "sequence", "file")


def spec_of(dataset: str, **fields: Any) -> Any:
    """Validate a `data` section the way a run spec would."""
    return SPEC.validate_python({"dataset": dataset, **fields})


def norm_axes(dataset: str, ndim: int) -> tuple[int, ...]:
    """Axes the documented normalisation pools over, for an (N, ...) input batch."""
    kind = DATASETS[dataset].kind
    if kind == "image":
        return (0, 2, 3)  # per channel of (N, C, H, W)
    if kind == "sequence":
        return (0, 1)  # per channel of (N, T, C)
    return (0,) if ndim == 2 else tuple(range(ndim))  # per column; other uploads as a whole


def check_contract(data: LoadedData) -> None:
    """Tensor shapes and dtypes of every split agree with data.info."""
    info, target = data.info, data.info.target
    for split, n in ((data.train, info.n_train), (data.val, info.n_val), (data.test, info.n_test)):
        assert split.x.shape == (n, *info.input.shape)
        assert split.x.device.type == "cpu"
        assert split.y.device.type == "cpu"
        if info.input.vocab is not None:
            assert split.x.dtype == torch.int64
            assert n == 0 or (int(split.x.min()) >= 0 and int(split.x.max()) < info.input.vocab)
        else:
            assert split.x.dtype == torch.float32
            assert torch.isfinite(split.x).all()
        steps = (target.steps,) if target.steps else ()
        if target.task == "classification":
            assert target.n_classes is not None
            assert len(target.class_names) == target.n_classes
            assert split.y.dtype == torch.int64
            assert split.y.shape == (n, *steps)
            assert n == 0 or (int(split.y.min()) >= 0 and int(split.y.max()) < target.n_classes)
        else:
            assert split.y.dtype == torch.float32
            assert split.y.shape == (n, *steps, target.n_outputs)


# ---- the catalog ----------------------------------------------------------------------------


def test_catalog_covers_every_spec_model_and_case() -> None:
    union, _ = get_args(DataSpec)
    assert {m.model_fields["dataset"].default for m in get_args(union)} == set(DATASETS)
    assert {c.values[0] for c in CASES} == set(DATASETS)
    for key, d in DATASETS.items():
        assert d.id == key == d.params.model_fields["dataset"].default
        assert d.kind in {"2d", "tabular", "image", "sequence", "text", "file"}
        assert d.title
        assert d.description
        assert "\n" not in d.description


def _fields_without_help(model: type[BaseModel]) -> list[str]:
    missing = []
    for name, field in model.model_fields.items():
        if name != "dataset" and not field.description:
            missing.append(f"{model.__name__}.{name}")
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            missing += _fields_without_help(field.annotation)
    return missing


def test_every_field_has_a_description_and_the_schema_builds() -> None:
    for d in DATASETS.values():
        assert _fields_without_help(d.params) == []
    schema = SPEC.json_schema()
    assert schema["discriminator"]["propertyName"] == "dataset"


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_resolved_spec_round_trips(dataset: str) -> None:
    fields: dict[str, Any] = {"file": f"f.{dataset}"} if dataset in ("csv", "npz") else {}
    fields.update({"upload": 3} if dataset == "upload" else {})
    spec = spec_of(dataset, **fields)
    assert SPEC.validate_python(spec.model_dump()) == spec
    assert SPEC.validate_json(spec.model_dump_json()) == spec


# ---- every set: contract, seeds, normalisation --------------------------------------------


@pytest.mark.parametrize(("dataset", "fields"), CASES)
def test_load_matches_describe(tmp_path: Path, dataset: str, fields: dict[str, Any]) -> None:
    ctx = make_data_dir(tmp_path)
    spec = spec_of(dataset, **fields)
    data = load(spec, ctx)
    assert describe(spec, ctx) == data.info
    check_contract(data)
    assert data.info.n_train > 0
    assert data.info.n_val > 0
    assert data.info.n_test > 0
    assert (data.plane is not None) == (DATASETS[dataset].kind == "2d")


@pytest.mark.parametrize(("dataset", "fields"), CASES)
def test_same_seed_same_tensors_other_seed_differs(
    tmp_path: Path, dataset: str, fields: dict[str, Any]
) -> None:
    ctx = make_data_dir(tmp_path)
    first, again = load(spec_of(dataset, **fields), ctx), load(spec_of(dataset, **fields), ctx)
    other = load(spec_of(dataset, **fields, seed=1), ctx)
    for name in ("train", "val", "test"):
        a, b = getattr(first, name), getattr(again, name)
        assert torch.equal(a.x, b.x)
        assert torch.equal(a.y, b.y)
    assert not torch.equal(first.train.x, other.train.x)


@pytest.mark.parametrize(("dataset", "fields"), FLOAT_CASES)
def test_normalisation_uses_training_statistics_only(
    tmp_path: Path, dataset: str, fields: dict[str, Any]
) -> None:
    ctx = make_data_dir(tmp_path)
    raw = load(spec_of(dataset, **fields, normalize=False), ctx)
    norm = load(spec_of(dataset, **fields), ctx)
    axes = norm_axes(dataset, norm.train.x.ndim)
    x_train = raw.train.x.double()
    mean = x_train.mean(dim=axes, keepdim=True)
    std = x_train.std(dim=axes, keepdim=True, correction=0)
    std = torch.where(std < 1e-8, torch.ones_like(std), std)
    for name in ("train", "val", "test"):
        expected = (getattr(raw, name).x.double() - mean) / std
        torch.testing.assert_close(getattr(norm, name).x.double(), expected, atol=1e-5, rtol=1e-5)
        assert torch.equal(getattr(norm, name).y, getattr(raw, name).y)
    got = norm.train.x.double()
    torch.testing.assert_close(
        got.mean(dim=axes), torch.zeros_like(got.mean(dim=axes)), atol=1e-5, rtol=0
    )
    spread = got.std(dim=axes, correction=0)
    constant = x_train.std(dim=axes, correction=0) < 1e-8
    assert torch.allclose(spread[~constant], torch.ones_like(spread[~constant]), atol=1e-4)
    # Held-out splits are transformed, not re-centred on their own statistics.
    assert not torch.allclose(
        norm.val.x.double().mean(dim=axes), torch.zeros(1).double(), atol=1e-6
    )


def test_token_ids_are_never_normalised() -> None:
    a = load(spec_of("chars", n_samples=50, normalize=True), DataContext())
    b = load(spec_of("chars", n_samples=50, normalize=False), DataContext())
    assert torch.equal(a.train.x, b.train.x)


# ---- split fractions -------------------------------------------------------------------------


@pytest.mark.parametrize(("val", "test"), [(0.0, 0.2), (0.2, 0.0), (0.0, 0.0), (0.5, 0.35)])
def test_split_sizes_follow_fractions(val: float, test: float) -> None:
    spec = spec_of("circle", n_samples=100, split={"val": val, "test": test})
    data = load(spec, DataContext())
    assert (len(data.train), len(data.val), len(data.test)) == (
        100 - round(100 * val) - round(100 * test),
        round(100 * val),
        round(100 * test),
    )
    check_contract(data)


def test_tiny_fractions_still_give_one_sample() -> None:
    data = load(spec_of("circle", n_samples=10, split={"val": 0.01, "test": 0.01}), DataContext())
    assert (len(data.train), len(data.val), len(data.test)) == (8, 1, 1)


def test_splits_are_disjoint_and_complete(tmp_path: Path) -> None:
    ctx = make_data_dir(tmp_path)
    data = load(spec_of("csv", file="flowers.csv", normalize=False), ctx)
    ids = [int(v) for s in (data.train, data.val, data.test) for v in s.x[:, 0].tolist()]
    assert sorted(ids) == list(range(60))


@pytest.mark.parametrize(
    ("split", "match"),
    [
        ({"val": 0.45, "test": 0.45}, r"split\.val \+ split\.test must be below 0\.9"),
        ({"val": 0.6}, "less than or equal to 0.5"),
        ({"test": -0.1}, "greater than or equal to 0"),
        ({"val": float("nan")}, "finite number"),
        ({"val": 0.1, "train": 0.8}, "Extra inputs"),
    ],
)
def test_bad_split_is_refused_naming_the_field(split: dict[str, float], match: str) -> None:
    with pytest.raises(ValidationError, match=match) as info:
        spec_of("circle", split=split)
    assert "split" in info.value.errors()[0]["loc"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"noise": float("inf")}, "noise"),
        ({"noise": 2.5}, "noise"),
        ({"n_samples": 5}, "n_samples"),
        ({"features": []}, "features"),
        ({"features": ["x", "x"]}, "features"),
        ({"features": ["x", "cosx"]}, "features"),
        ({"seed": -1}, "seed"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_2d_fields_are_refused_naming_the_field(fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        spec_of("spiral", **fields)
    assert field in info.value.errors()[0]["loc"]


def test_unknown_dataset_and_wrong_parameters_are_refused() -> None:
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        spec_of("imagenet")
    with pytest.raises(ValidationError, match="Extra inputs"):
        spec_of("circle", n_classes=3)  # only gaussian and spiral take n_classes
    with pytest.raises(ValidationError, match="at most 20,000,000"):
        spec_of("sine", n_samples=100_000, seq_len=1000)
    assert SplitSpec().val == 0.2


# ---- 2-D sets and their plane --------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "fields"), TOY_CLASSIFICATION)
def test_toy_classes_are_balanced(dataset: str, fields: dict[str, Any]) -> None:
    data = load(spec_of(dataset, **fields), DataContext())
    y = torch.cat([data.train.y, data.val.y, data.test.y])
    counts = torch.bincount(y, minlength=data.info.target.size).double()
    expected = len(y) / data.info.target.size
    assert counts.min() >= 0.6 * expected
    assert counts.max() <= 1.4 * expected


@pytest.mark.parametrize(("dataset", "fields"), TOY_CASES)
def test_plane_to_input_reproduces_the_training_inputs(
    dataset: str, fields: dict[str, Any]
) -> None:
    data = load(spec_of(dataset, **fields), DataContext())
    plane = data.plane
    assert plane is not None
    inputs = plane.to_input(torch.from_numpy(plane.train_points).float())
    torch.testing.assert_close(inputs, data.train.x, atol=1e-5, rtol=1e-4)
    assert len(plane.test_points) == data.info.n_test
    y = data.train.y if data.train.y.ndim == 1 else data.train.y[:, 0]
    np.testing.assert_allclose(plane.train_labels, y.numpy(), rtol=1e-6)
    lo, hi = plane.train_points.min(axis=0), plane.train_points.max(axis=0)
    assert plane.x_range[0] < lo[0]
    assert plane.x_range[1] > hi[0]
    assert plane.y_range[0] < lo[1]
    assert plane.y_range[1] > hi[1]


def test_feature_transforms_are_computed_from_the_raw_point() -> None:
    names = ["x", "y", "x2", "y2", "xy", "sinx", "siny"]
    data = load(spec_of("xor", n_samples=50, features=names, normalize=False), DataContext())
    assert data.plane is not None
    x, y = (torch.from_numpy(data.plane.train_points).T).double()
    expected = torch.stack([x, y, x * x, y * y, x * y, torch.sin(x), torch.sin(y)], dim=1)
    torch.testing.assert_close(data.train.x.double(), expected, atol=1e-5, rtol=1e-5)


def test_xor_labels_are_the_quadrant_sign_product() -> None:
    data = load(spec_of("xor", n_samples=400, noise=0.0, normalize=False), DataContext())
    same_sign = (data.train.x[:, 0] * data.train.x[:, 1] > 0).long()
    assert torch.equal(data.train.y, same_sign)


# ---- bundled sets ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "loader"),
    [("iris", sk.load_iris), ("wine", sk.load_wine), ("breast_cancer", sk.load_breast_cancer)],
)
def test_tabular_sets_match_scikit_learn(dataset: str, loader: Any) -> None:
    bunch = loader()
    spec = spec_of(dataset, normalize=False)
    info, data = describe(spec, DataContext()), load(spec, DataContext())
    assert info.target.class_names == tuple(bunch.target_names)
    assert info.input.shape == (bunch.data.shape[1],)
    rows = torch.cat([data.train.x, data.val.x, data.test.x]).double().numpy()
    expected = bunch.data.astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(np.sort(rows, axis=0), np.sort(expected, axis=0))


def test_digits_are_scaled_images_and_can_be_subsampled() -> None:
    full = load(spec_of("digits", normalize=False), DataContext())
    assert full.info.n_train + full.info.n_val + full.info.n_test == 1797
    assert float(full.train.x.min()) == 0.0
    assert float(full.train.x.max()) == 1.0
    small = describe(spec_of("digits", n_samples=100), DataContext())
    assert small.n_train + small.n_val + small.n_test == 100


def test_digit_class_subsets_keep_those_classes_relabelled_in_the_given_order() -> None:
    bunch = sk.load_digits()
    kept = [7, 2, 9]
    spec = spec_of("digits", classes=kept, normalize=False, split={"val": 0.0, "test": 0.0})
    info = describe(spec, DataContext())
    data = load(spec, DataContext())
    counts = [int((bunch.target == c).sum()) for c in kept]
    assert info.n_train == sum(counts) == len(data.train.y)  # described without loading
    assert (info.target.n_classes, info.target.class_names) == (3, ("7", "2", "9"))
    assert torch.bincount(data.train.y).tolist() == counts  # 7 -> 0, 2 -> 1, 9 -> 2
    # Each relabelled image is an image of its original digit.
    sevens = {x.tobytes() for x in (bunch.images[bunch.target == 7] / 16).astype(np.float32)}
    assert all(x[0].numpy().tobytes() in sevens for x in data.train.x[data.train.y == 0])
    small = describe(spec_of("digits", classes=[5, 6, 7, 8, 9], n_samples=100), DataContext())
    assert small.n_train + small.n_val + small.n_test == 100


def test_digit_class_subsets_are_checked() -> None:
    with pytest.raises(ValidationError, match="once"):
        spec_of("digits", classes=[1, 1])
    with pytest.raises(ValidationError):
        spec_of("digits", classes=[3, 10])
    with pytest.raises(SpecError, match="the kept classes have 360 images"):
        describe(spec_of("digits", classes=[0, 1], n_samples=400), DataContext())


# ---- sequences and text ---------------------------------------------------------------------


def test_sine_targets_are_the_next_values() -> None:
    fields = {"n_samples": 30, "seq_len": 9, "normalize": False}
    last = load(spec_of("sine", **fields), DataContext())
    every = load(spec_of("sine", **fields, targets="every_step"), DataContext())
    assert torch.equal(last.train.x, every.train.x)
    assert torch.equal(every.train.y[:, :-1], every.train.x[:, 1:])
    assert torch.equal(last.train.y, every.train.y[:, -1])


def test_parity_targets_count_the_ones() -> None:
    fields = {"n_samples": 60, "seq_len": 7, "normalize": False}
    last = load(spec_of("parity", **fields), DataContext())
    every = load(spec_of("parity", **fields, targets="every_step"), DataContext())
    bits = last.train.x[:, :, 0].long()
    assert set(bits.unique().tolist()) == {0, 1}
    assert torch.equal(last.train.y, bits.sum(dim=1) % 2)
    assert torch.equal(every.train.y, bits.cumsum(dim=1) % 2)


def test_adding_marks_exactly_two_values_and_sums_them() -> None:
    data = load(spec_of("adding", n_samples=50, seq_len=15, normalize=False), DataContext())
    values, markers = data.train.x[..., 0], data.train.x[..., 1]
    assert torch.equal(markers.sum(dim=1), torch.full((len(markers),), 2.0))
    assert ((values >= 0) & (values <= 1)).all()
    torch.testing.assert_close(data.train.y[:, 0], (values * markers).sum(dim=1))


def test_chars_text_is_shipped_and_windows_follow_it() -> None:
    text = corpus()
    assert 6_000 <= TEXT_PATH.stat().st_size <= 10_000
    assert text.isascii()
    vocab = vocabulary()
    assert vocab == tuple(sorted(set(text)))
    spec = spec_of("chars", n_samples=300, seq_len=20, targets="every_step")
    data = load(spec, DataContext())
    assert data.info.input.vocab == len(vocab)
    assert data.info.target.class_names == vocab
    assert torch.equal(data.train.y[:, :-1], data.train.x[:, 1:])
    # Each split's windows come from its own contiguous part of the text, in the split
    # fractions (0.2 each by default), train first.
    held = int(len(text) * 0.2 + 0.5)
    cuts = {
        "train": (0, len(text) - 2 * held),
        "val": (len(text) - 2 * held, len(text) - held),
        "test": (len(text) - held, len(text)),
    }
    for name, (start, end) in cuts.items():
        split = getattr(data, name)
        for x, y in zip(split.x.tolist(), split.y.tolist(), strict=True):
            window = "".join(vocab[i] for i in [*x, y[-1]])
            assert window in text[start:end], (name, window)


def test_chars_refuses_windows_longer_than_a_split_part() -> None:
    spec = spec_of("chars", seq_len=800, split={"val": 0.1, "test": 0.1})
    with pytest.raises(SpecError) as info:
        describe(spec, DataContext())
    assert info.value.errors[0].loc == ("data", "seq_len")


# ---- MNIST-style IDX files ------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_mnist_reads_idx_files_with_t10k_as_test(tmp_path: Path, gz: bool) -> None:
    arrays = write_mnist(tmp_path / "mnist", n_train=50, n_test=20, hw=(6, 5), gz=gz)
    ctx = DataContext(data_dir=tmp_path)
    spec = spec_of("mnist", normalize=False, split={"val": 0.2, "test": 0.4})
    data = load(spec, ctx)
    assert data.info.input.shape == (1, 6, 5)  # the real dims from the file
    assert (data.info.n_train, data.info.n_val, data.info.n_test) == (40, 10, 20)  # test ignored
    expected = torch.from_numpy(arrays["t10k-images-idx3-ubyte"][:, None] / 255.0).float()
    torch.testing.assert_close(data.test.x, expected)
    assert data.test.y.tolist() == arrays["t10k-labels-idx1-ubyte"].tolist()
    train_images = {row.tobytes() for row in arrays["train-images-idx3-ubyte"].astype(np.uint8)}
    for split in (data.train, data.val):
        for image in (split.x[:, 0] * 255).round().to(torch.uint8).numpy():
            assert image.tobytes() in train_images
    assert data.info.target.class_names == tuple("0123456789")


def test_mnist_n_samples_caps_the_training_files(tmp_path: Path) -> None:
    write_mnist(tmp_path / "fashion_mnist", n_train=50, gz=True)
    ctx = DataContext(data_dir=tmp_path)
    data = load(spec_of("fashion_mnist", n_samples=20, split={"val": 0.25}), ctx)
    assert (len(data.train), len(data.val), len(data.test)) == (15, 5, 20)
    assert data.info.target.class_names == FASHION


def test_mnist_missing_files_give_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"MNIST files not found in .*mnist; put the four IDX"):
        describe(spec_of("mnist"), DataContext(data_dir=tmp_path))
    (tmp_path / "mnist").mkdir()
    write_idx(tmp_path / "mnist" / "train-images-idx3-ubyte", np.zeros((3, 2, 2)))
    with pytest.raises(SpecError, match="missing: train-labels-idx1-ubyte") as info:
        load(spec_of("mnist"), DataContext(data_dir=tmp_path))
    assert info.value.errors[0].loc == ("data", "dataset")
    with pytest.raises(SpecError, match="no data directory"):
        describe(spec_of("fashion_mnist"), DataContext())


def test_mnist_bad_files_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "mnist"
    arrays = write_mnist(folder, gz=False)
    ctx = DataContext(data_dir=tmp_path)
    images = folder / "train-images-idx3-ubyte"
    # describe() reads headers only; load() checks the data size.
    images.write_bytes(images.read_bytes()[:-7])
    assert describe(spec_of("mnist"), ctx).n_train == 40
    with pytest.raises(SpecError, match="train-images-idx3-ubyte: holds"):
        load(spec_of("mnist"), ctx)
    images.write_bytes(b"\x12\x34" + images.read_bytes()[2:])
    with pytest.raises(SpecError, match="bad magic number"):
        describe(spec_of("mnist"), ctx)
    write_idx(images, arrays["train-images-idx3-ubyte"][:49])
    with pytest.raises(SpecError, match="49 images but 50 labels"):
        describe(spec_of("mnist"), ctx)
    write_idx(images, arrays["train-images-idx3-ubyte"])
    write_idx(folder / "t10k-labels-idx1-ubyte", np.full(20, 10))
    with pytest.raises(SpecError, match="label 10 is not below 10"):
        load(spec_of("mnist"), ctx)


# ---- uploaded CSV --------------------------------------------------------------------------


def test_csv_with_a_text_label_is_classification(tmp_path: Path) -> None:
    ctx = make_data_dir(tmp_path)
    info = describe(spec_of("csv", file="flowers.csv"), ctx)
    assert info.target.task == "classification"
    assert info.target.class_names == ("setosa", "versicolor", "virginica")
    assert info.input.shape == (3,)
    data = load(spec_of("csv", file="flowers.csv", normalize=False), ctx)
    species = ("setosa", "virginica", "versicolor")
    for row, label in zip(data.train.x.tolist(), data.train.y.tolist(), strict=True):
        assert info.target.class_names[label] == species[int(row[0]) % 3]


def test_csv_target_column_and_task_rules(tmp_path: Path) -> None:
    ctx = DataContext(data_dir=tmp_path)
    rows = [[i, i * 0.5, i % 4, i * 1.25, i] for i in range(80)]
    write_csv(uploads(tmp_path) / "t.csv", ["a", "b", "small", "real", "many"], rows)
    for target, task in (
        ("small", "classification"),
        ("real", "regression"),
        ("many", "regression"),
        (None, "regression"),
    ):
        info = describe(spec_of("csv", file="t.csv", target=target), ctx)
        assert info.target.task == task
        assert info.input.shape == (4,)
    forced = describe(spec_of("csv", file="t.csv", target="many", task="classification"), ctx)
    assert forced.target.n_classes == 80
    small = describe(spec_of("csv", file="t.csv", target="small"), ctx)
    assert small.target.class_names == ("0", "1", "2", "3")
    data = load(spec_of("csv", file="t.csv", target="real", normalize=False), ctx)
    torch.testing.assert_close(data.train.y[:, 0], data.train.x[:, 1] * 2.5)


@pytest.mark.parametrize(
    ("header", "rows", "fields", "loc", "match"),
    [
        (
            ["a", "colour", "y"],
            [[1, "red", 0], [2, "blue", 1]],
            {},
            "file",
            "column 'colour' must be numeric: line 2 holds 'red'",
        ),
        (["a", "y"], [[1, 0], [2, 1]], {"target": "label"}, "target", "no column 'label'"),
        (["a", "y"], [[1, "x"], [2, "y"]], {"task": "regression"}, "task", "holds text"),
        (["a", "y"], [[1, 0], [2, 0]], {"task": "classification"}, "target", "2 to 1000"),
        (["1", "2"], [[3, 4], [5, 6]], {}, "file", "header row"),
        (["a", "a"], [[3, 4], [5, 6]], {}, "file", "unique"),
        (["a", "b"], [[1, 2], [3]], {}, "file", "line 3 has 1 fields"),
        (["a", "b"], [[1, 2], ["nan", 1]], {}, "file", "'a' holds NaN or infinity at line 3"),
        (["a", "y"], [[1, 0], [2, "inf"]], {}, "file", "'y' holds NaN or infinity at line 3"),
        (["a", "y"], [[1, 0], ["", 1]], {}, "file", "'a' has an empty cell at line 3"),
        (["a", "y"], [[i, f"c{i}"] for i in range(60)], {}, "task", "60 distinct text values"),
        (["a"], [[1], [2]], {}, "file", "feature column besides the target"),
    ],
)
def test_bad_csv_is_refused_naming_the_problem(
    tmp_path: Path,
    header: list[str],
    rows: list[list[Any]],
    fields: dict[str, Any],
    loc: str,
    match: str,
) -> None:
    write_csv(uploads(tmp_path) / "bad.csv", header, rows)
    spec = spec_of("csv", file="bad.csv", **fields)
    with pytest.raises(SpecError, match=match) as info:
        describe(spec, DataContext(data_dir=tmp_path))
    assert info.value.errors[0].loc == ("data", loc)


@pytest.mark.parametrize("dataset", ["csv", "npz"])
@pytest.mark.parametrize(
    "file", ["../x.csv", "a/b.csv", "x.txt", ".csv", "_x.csv", "x.csv\n", "x.csv.npz", "x" * 70]
)
def test_bad_file_ids_are_refused(dataset: str, file: str) -> None:
    with pytest.raises(ValidationError) as info:
        spec_of(dataset, file=file.replace("csv", dataset))
    assert info.value.errors()[0]["loc"][-1] == "file"
    with pytest.raises(ValidationError):
        spec_of(dataset, file="x.npz" if dataset == "csv" else "x.csv")  # wrong extension


def test_missing_upload_and_missing_data_dir(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no uploaded file 'nope\.csv'") as info:
        describe(spec_of("csv", file="nope.csv"), DataContext(data_dir=tmp_path))
    assert info.value.errors[0].loc == ("data", "file")
    with pytest.raises(SpecError, match="no data directory"):
        load(spec_of("npz", file="x.npz"), DataContext())


# ---- uploaded NPZ --------------------------------------------------------------------------


def test_npz_keeps_image_shapes_and_text_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    labels = np.array(["cat", "dog"])[np.arange(30) % 2]
    np.savez_compressed(
        uploads(tmp_path) / "pics.npz", x=rng.random((30, 1, 16, 16)), y=labels, extra=np.zeros(3)
    )
    ctx = DataContext(data_dir=tmp_path)
    data = load(spec_of("npz", file="pics.npz"), ctx)
    assert data.info.input.shape == (1, 16, 16)
    assert data.info.target.class_names == ("cat", "dog")
    check_contract(data)
    np.savez(uploads(tmp_path) / "reg.npz", x=rng.random((30, 3)), y=rng.random(30))
    assert describe(spec_of("npz", file="reg.npz"), ctx).target.task == "regression"


class _Payload:
    """Pickles to a call that creates `marker`: proof of whether anything was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[Path]]:
        return Path.touch, (self.marker,)


def test_npz_object_arrays_are_refused_not_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    path = uploads(tmp_path) / "evil.npz"
    np.savez(path, x=np.zeros((2, 3)), y=np.array([_Payload(marker)] * 2, dtype=object))
    ctx = DataContext(data_dir=tmp_path)
    for step in (describe, load):
        with pytest.raises(SpecError, match=r"'y' holds object values.*never loaded") as info:
            step(spec_of("npz", file="evil.npz"), ctx)
        assert info.value.errors[0].loc == ("data", "file")
    assert not marker.exists()
    with np.load(path, allow_pickle=True) as archive:  # control: the payload is live
        archive["y"]
    assert marker.exists()


@pytest.mark.parametrize(
    ("arrays", "match"),
    [
        ({"x": np.zeros((4, 2))}, r"must hold arrays 'x' and 'y'; it holds \['x'\]"),
        ({"inputs": np.zeros((4, 2)), "y": np.zeros(4)}, "must hold arrays 'x' and 'y'"),
        ({"x": np.zeros(4), "y": np.zeros(4)}, r"'x' must have shape \(N, ...\)"),
        ({"x": np.zeros((4, 2)), "y": np.zeros(3)}, r"'y' must have shape \(N,\)"),
        ({"x": np.zeros((4, 2)), "y": np.zeros((4, 2))}, r"'y' must have shape \(N,\)"),
        ({"x": np.array([["a", "b"]] * 4), "y": np.zeros(4)}, "'x' must be numeric"),
        ({"x": np.array([[None]] * 4, dtype=object), "y": np.zeros(4)}, "'x' holds object values"),
        ({"x": np.zeros((4, 2)), "y": np.array([0, 1, np.nan, 0])}, "NaN or infinite"),
    ],
)
def test_bad_npz_layouts_are_refused(tmp_path: Path, arrays: dict[str, Any], match: str) -> None:
    np.savez(uploads(tmp_path) / "bad.npz", **arrays)
    with pytest.raises(SpecError, match=match) as info:
        load(spec_of("npz", file="bad.npz"), DataContext(data_dir=tmp_path))
    assert info.value.errors[0].loc == ("data", "file")


def test_files_that_are_not_npz_archives_are_refused(tmp_path: Path) -> None:
    np.save(uploads(tmp_path) / "single.npy", np.zeros((4, 2)))
    (uploads(tmp_path) / "single.npy").rename(uploads(tmp_path) / "single.npz")
    (uploads(tmp_path) / "junk.npz").write_bytes(b"not a zip at all")
    ctx = DataContext(data_dir=tmp_path)
    with pytest.raises(SpecError, match="single array"):
        describe(spec_of("npz", file="single.npz"), ctx)
    with pytest.raises(SpecError, match=r"not a readable \.npz"):
        describe(spec_of("npz", file="junk.npz"), ctx)
