"""Small image sets: scikit-learn's 8x8 digits and MNIST / Fashion-MNIST from IDX files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import ClassSubset, DataBase, DatasetDef, SplitSpec
from playground.ml.datasets.idx import IdxError, read_idx, read_idx_header
from playground.ml.datasets.normalize import PER_CHANNEL_FIRST
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.splits import make_splits, partition, split_sizes, to_split
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

DIGITS_COUNT = 1797  # images in scikit-learn's bundled copy
DIGITS_PER_CLASS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)  # of digit 0..9
DIGITS_MAX = 16.0  # pixel values run 0..16
DIGIT_NAMES = tuple(str(d) for d in range(10))
FASHION_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# The four files of an MNIST-style folder, each optionally with a .gz suffix.
TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
IDX_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)


class DigitsData(DataBase):
    """scikit-learn's 1797 handwritten digits as 1x8x8 images."""

    dataset: Literal["digits"] = "digits"
    n_samples: int | None = Field(
        None,
        ge=10,
        le=DIGITS_COUNT,
        description="Use a seeded random subset of this many images (of the kept classes); "
        "empty: all 1797 (or all of the kept classes).",
    )
    classes: ClassSubset = None


class IdxImagesBase(DataBase):
    """Fields of the MNIST-style sets read from IDX files in the data directory."""

    split: SplitSpec = Field(
        SplitSpec(),
        description="split.val takes a validation part of the training files. split.test "
        "is ignored: the t10k files are always the test split.",
    )
    n_samples: int | None = Field(
        None,
        ge=10,
        le=1_000_000,
        description="Use at most this many images of the training files (a seeded random "
        "subset, taken before the validation part) for quick runs; empty: all of them. "
        "The test files are always used whole.",
    )


class MnistData(IdxImagesBase):
    """Handwritten digits 0-9, 28x28 grey-scale, from the four MNIST IDX files."""

    dataset: Literal["mnist"] = "mnist"


class FashionMnistData(IdxImagesBase):
    """Zalando's clothing images, 28x28 grey-scale, 10 classes, in MNIST's IDX format."""

    dataset: Literal["fashion_mnist"] = "fashion_mnist"


IdxImagesData = MnistData | FashionMnistData


# ---- digits -------------------------------------------------------------------------


def describe_digits(spec: DigitsData, ctx: DataContext) -> DataInfo:
    """Shapes and split sizes of the digits set."""
    kept = spec.classes or list(range(10))
    available = sum(DIGITS_PER_CLASS[c] for c in kept)
    if spec.n_samples is not None and spec.n_samples > available:
        raise SpecError.at(
            ("data", "n_samples"),
            f"{spec.n_samples} samples asked for, but the kept classes have {available} images",
        )
    n = spec.n_samples or available
    names = tuple(DIGIT_NAMES[c] for c in kept)
    target = TargetInfo("classification", n_classes=len(kept), class_names=names)
    return DataInfo(TensorType((1, 8, 8)), target, *split_sizes(n, spec.split.val, spec.split.test))


def load_digits_set(spec: DigitsData, ctx: DataContext) -> LoadedData:
    """Read the bundled digits, scale to [0, 1], subsample and split."""
    # Imported here: sklearn (with scipy) costs 1-2 s to import, paid only when used.
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (np.asarray(bunch.images, dtype=np.float32) / DIGITS_MAX)[:, None]  # (N, 1, 8, 8)
    y = np.asarray(bunch.target, dtype=np.int64)
    if spec.classes is not None:
        x, y = keep_classes(x, y, spec.classes)
    rng = np.random.default_rng(spec.seed)
    if spec.n_samples is not None:
        keep = rng.choice(len(x), size=spec.n_samples, replace=False)
        x, y = x[keep], y[keep]
    parts = partition(len(x), spec.split.val, spec.split.test, rng)
    axes = PER_CHANNEL_FIRST if spec.normalize else None
    train, val, test, _ = make_splits(x, y, parts, normalize_axes=axes)
    return LoadedData(describe_digits(spec, ctx), train, val, test)


def keep_classes(x: np.ndarray, y: np.ndarray, classes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The samples of `classes` only, relabelled 0..k-1 in the order the list gives."""
    relabel = np.full(int(y.max()) + 1, -1, dtype=np.int64)
    relabel[classes] = np.arange(len(classes))
    keep = relabel[y] >= 0
    return x[keep], relabel[y[keep]]


# ---- MNIST-style IDX folders ---------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    folder: str  # under the data directory
    title: str
    class_names: tuple[str, ...]


SOURCES: dict[str, _Source] = {
    "mnist": _Source("mnist", "MNIST", DIGIT_NAMES),
    "fashion_mnist": _Source("fashion_mnist", "Fashion-MNIST", FASHION_NAMES),
}

LOC = ("data", "dataset")


def _files(spec: IdxImagesData, ctx: DataContext) -> dict[str, Path]:
    """Path of each of the four files (raw preferred over .gz); SpecError if any is missing."""
    source = SOURCES[spec.dataset]
    if ctx.data_dir is None:
        raise SpecError.at(
            LOC,
            f"{source.title} files not found: no data directory is configured; put the four "
            f"IDX files in <data_dir>/{source.folder}/",
        )
    folder = ctx.data_dir / source.folder
    found: dict[str, Path] = {}
    for name in IDX_FILES:
        for candidate in (folder / name, folder / f"{name}.gz"):
            if candidate.is_file():
                found[name] = candidate
                break
    missing = [name for name in IDX_FILES if name not in found]
    if missing:
        raise SpecError.at(
            LOC,
            f"{source.title} files not found in {folder}; put the four IDX files there "
            f"(missing: {', '.join(missing)}; .gz versions also work)",
        )
    return found


def _check(path: Path, dtype: np.dtype[np.generic], dims: tuple[int, ...], ndim: int) -> None:
    if dtype != np.uint8 or len(dims) != ndim:
        kind = "images (N, H, W)" if ndim == 3 else "labels (N,)"
        raise SpecError.at(LOC, f"{path.name}: expected unsigned-byte {kind}, got {dims}")


def _shapes(files: dict[str, Path]) -> tuple[int, int, int, int]:
    """(n_train, n_test, height, width) from the four headers, checked for consistency."""
    dims: dict[str, tuple[int, ...]] = {}
    for name, path in files.items():
        try:
            dtype, dims[name] = read_idx_header(path)
        except IdxError as e:
            raise SpecError.at(LOC, f"{path.name}: {e}") from e
        _check(path, dtype, dims[name], 3 if "images" in name else 1)
    (n_train, h, w), (n_test, h_test, w_test) = dims[TRAIN_IMAGES], dims[TEST_IMAGES]
    if (h, w) != (h_test, w_test):
        raise SpecError.at(LOC, f"train images are {h}x{w} but test images {h_test}x{w_test}")
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if dims[images][0] != dims[labels][0]:
            raise SpecError.at(
                LOC, f"{dims[images][0]} images but {dims[labels][0]} labels in {labels}"
            )
    if n_train < 2 or n_test < 1:
        raise SpecError.at(LOC, f"too few images ({n_train} train, {n_test} test)")
    return n_train, n_test, h, w


def _info(spec: IdxImagesData, n_train_files: int, n_test: int, h: int, w: int) -> DataInfo:
    n_pool = min(spec.n_samples or n_train_files, n_train_files)
    n_train, n_val, _ = split_sizes(n_pool, spec.split.val, 0.0)
    names = SOURCES[spec.dataset].class_names
    target = TargetInfo("classification", n_classes=len(names), class_names=names)
    return DataInfo(TensorType((1, h, w)), target, n_train, n_val, n_test)


def describe_idx(spec: IdxImagesData, ctx: DataContext) -> DataInfo:
    """Shapes and split sizes from the IDX headers alone."""
    return _info(spec, *_shapes(_files(spec, ctx)))


def _read(path: Path) -> np.ndarray:
    try:
        return read_idx(path)
    except IdxError as e:
        raise SpecError.at(LOC, f"{path.name}: {e}") from e


def _labels(path: Path, n_classes: int) -> np.ndarray:
    """(N,) int64 class ids, checked to lie below n_classes."""
    labels = _read(path).astype(np.int64)
    if labels.size and labels.max() >= n_classes:
        raise SpecError.at(LOC, f"{path.name}: label {labels.max()} is not below {n_classes}")
    return labels


def load_idx(spec: IdxImagesData, ctx: DataContext) -> LoadedData:
    """Read the four files; the t10k files are the test split, val comes from train."""
    files = _files(spec, ctx)
    info = _info(spec, *_shapes(files))
    n_classes = len(SOURCES[spec.dataset].class_names)
    images, labels = _read(files[TRAIN_IMAGES]), _labels(files[TRAIN_LABELS], n_classes)
    rng = np.random.default_rng(spec.seed)
    n_pool = info.n_train + info.n_val
    if n_pool < len(images):  # subsample before converting to float, to keep memory small
        keep = np.sort(rng.choice(len(images), size=n_pool, replace=False))
        images, labels = images[keep], labels[keep]
    parts = partition(n_pool, spec.split.val, 0.0, rng)
    axes = PER_CHANNEL_FIRST if spec.normalize else None
    train, val, _, standardizer = make_splits(_scaled(images), labels, parts, normalize_axes=axes)
    test = to_split(
        _scaled(_read(files[TEST_IMAGES])), _labels(files[TEST_LABELS], n_classes), standardizer
    )
    return LoadedData(info, train, val, test)


def _scaled(images: np.ndarray) -> np.ndarray:
    """(N, H, W) bytes -> (N, 1, H, W) float32 in [0, 1]."""
    return (images.astype(np.float32) / 255.0)[:, None]


DEFS = (
    DatasetDef(
        "digits",
        DigitsData,
        "Digits 8x8",
        "1797 handwritten digits as 8x8 grey-scale images, bundled with scikit-learn.",
        "classification",
        "image",
        describe_digits,
        load_digits_set,
    ),
    DatasetDef(
        "mnist",
        MnistData,
        "MNIST",
        "Handwritten digits, 28x28, read from local IDX files in <data_dir>/mnist/.",
        "classification",
        "image",
        describe_idx,
        load_idx,
    ),
    DatasetDef(
        "fashion_mnist",
        FashionMnistData,
        "Fashion-MNIST",
        "Clothing images in 10 classes, 28x28, from local IDX files in <data_dir>/fashion_mnist/.",
        "classification",
        "image",
        describe_idx,
        load_idx,
    ),
)
