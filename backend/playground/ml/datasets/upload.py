"""`{"dataset": "upload", "upload": 7}`: a file accepted by POST /api/uploads as a data set.

The file is found by its id alone: <data_dir>/uploads/<id>.csv, <id>.npz or <id>.zip (the
four IDX files of an MNIST-style set, stored uncompressed by services/uploads.py). Workers
never open the database, so the kind comes from which of those names is a regular file.
"""

from __future__ import annotations

import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import DataBase, DatasetDef
from playground.ml.datasets.csv_file import csv_table
from playground.ml.datasets.files import TaskChoice, sizes, split
from playground.ml.datasets.idx import IDX_DTYPES, IdxError
from playground.ml.datasets.images import (
    IDX_FILES,
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
)
from playground.ml.datasets.normalize import PER_CHANNEL_FIRST
from playground.ml.datasets.npz_file import npz_arrays
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.safe_open import NotRegularError, exists, open_regular, uploads_dir
from playground.ml.datasets.splits import make_splits, partition, split_sizes, to_split
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

UPLOAD_LOC = ("data", "upload")
EXTENSIONS = ("csv", "npz", "zip")  # zip: an IDX set
UploadKind = Literal["csv", "npz", "idx"]
MAX_ID = 2**63 - 1


class UploadData(DataBase):
    """A data file you uploaded (CSV, NPZ or the four IDX files of an MNIST-style set)."""

    dataset: Literal["upload"] = "upload"
    upload: int = Field(
        ge=1, le=MAX_ID, description="Id of an upload (POST /api/uploads lists and adds them)."
    )
    target: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="CSV only: the column to predict; empty: the last column.",
    )
    task: TaskChoice = "auto"


def upload_file(upload: int, ctx: DataContext) -> tuple[UploadKind, Path]:
    """The kind and path of upload `upload`; SpecError at data.upload when there is none."""
    if ctx.data_dir is None:
        raise SpecError.at(UPLOAD_LOC, "uploads are unavailable: no data directory is configured")
    try:
        folder = uploads_dir(ctx.data_dir)
    except NotRegularError as e:
        raise SpecError.at(UPLOAD_LOC, f"uploads are unavailable: {e}") from e
    for ext in EXTENSIONS:
        path = folder / f"{upload}.{ext}"  # built from an integer: no user text in a path
        if exists(path):  # lstat: a link under this name is not an upload
            return ("idx" if ext == "zip" else ext), path  # type: ignore[return-value]
    raise no_upload(upload)


def no_upload(upload: int) -> SpecError:
    """The error for an upload that does not exist, and for one the asker may not use: the
    same words, so that another user's ids cannot be found by trying them."""
    return SpecError.at(
        UPLOAD_LOC, f"no upload {upload}: it was deleted or never existed (see GET /api/uploads)"
    )


# ---- IDX sets stored as one zip --------------------------------------------------------


def _idx_member(
    archive: zipfile.ZipFile, name: str
) -> tuple[np.dtype[np.generic], tuple[int, ...], int]:
    """Element type, dimensions and header length of one stored IDX member."""
    try:
        info = archive.getinfo(name)
        with archive.open(info) as f:
            magic = f.read(4)
            if len(magic) != 4 or magic[:2] != b"\x00\x00" or magic[2] not in IDX_DTYPES:
                raise IdxError("bad magic number")
            ndim = magic[3]
            dims = tuple(int.from_bytes(f.read(4), "big") for _ in range(ndim))
    except (KeyError, OSError, zipfile.BadZipFile, IdxError) as e:
        raise SpecError.at(UPLOAD_LOC, f"the IDX set is damaged ({name}: {e})") from e
    dtype = IDX_DTYPES[magic[2]]
    if int(np.prod(dims)) * dtype.itemsize + 4 + 4 * ndim != info.file_size:
        raise SpecError.at(UPLOAD_LOC, f"the IDX set is damaged ({name}: sizes disagree)")
    return dtype, dims, 4 + 4 * ndim


def _idx_read(archive: zipfile.ZipFile, name: str) -> np.ndarray:
    dtype, dims, offset = _idx_member(archive, name)
    with archive.open(name) as f:
        f.read(offset)
        data = f.read()
    return np.frombuffer(data, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


def _idx_open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(open_regular(path))
    except (OSError, zipfile.BadZipFile) as e:
        raise SpecError.at(UPLOAD_LOC, f"the IDX set is not readable ({e})") from e


def _idx_info(spec: UploadData, archive: zipfile.ZipFile) -> DataInfo:
    """Split sizes from the headers; the classes from the training labels (small)."""
    n_train_files = _idx_member(archive, TRAIN_IMAGES)[1][0]
    _, (n_test, h, w), _ = _idx_member(archive, TEST_IMAGES)
    n_classes = int(_idx_read(archive, TRAIN_LABELS).max()) + 1
    n_train, n_val, _ = split_sizes(n_train_files, spec.split.val, 0.0)
    names = tuple(str(c) for c in range(max(n_classes, 2)))
    target = TargetInfo("classification", n_classes=len(names), class_names=names)
    return DataInfo(TensorType((1, h, w)), target, n_train, n_val, n_test)


def _idx_load(spec: UploadData, path: Path) -> LoadedData:
    """The train files split into train and val; the t10k files are the test split."""
    with _idx_open(path) as archive:
        info = _idx_info(spec, archive)
        images, labels = _idx_read(archive, TRAIN_IMAGES), _idx_read(archive, TRAIN_LABELS)
        test_x, test_y = _idx_read(archive, TEST_IMAGES), _idx_read(archive, TEST_LABELS)
    parts = partition(len(images), spec.split.val, 0.0, np.random.default_rng(spec.seed))
    axes = PER_CHANNEL_FIRST if spec.normalize else None
    train, val, _, standardizer = make_splits(
        _scaled(images), labels.astype(np.int64), parts, normalize_axes=axes
    )
    test = to_split(_scaled(test_x), test_y.astype(np.int64), standardizer)
    return LoadedData(info, train, val, test)


def _scaled(images: np.ndarray) -> np.ndarray:
    """(N, H, W) bytes -> (N, 1, H, W) float32 in [0, 1], as MNIST is read."""
    return (images.astype(np.float32) / 255.0)[:, None]


# ---- the data set ----------------------------------------------------------------------


def describe_upload(spec: UploadData, ctx: DataContext) -> DataInfo:
    """Shapes, task and split sizes of the uploaded file."""
    kind, path = upload_file(spec.upload, ctx)
    if kind == "idx":
        with _idx_open(path) as archive:
            return _idx_info(spec, archive)
    stat = path.stat()
    shape, target = _described(path, stat.st_mtime_ns, stat.st_size, kind, spec.target, spec.task)
    return DataInfo(TensorType(shape[1:]), target, *sizes(shape[0], spec))


@lru_cache(maxsize=32)
def _described(
    path: Path, mtime_ns: int, size: int, kind: str, target: str | None, task: str
) -> tuple[tuple[int, ...], TargetInfo]:
    """Shape of x and the target of a CSV or NPZ upload. Cached by the file's identity: the
    editor validates the spec on every edit, and a large CSV would be parsed each time."""
    name = f"upload {path.stem}"  # the id
    if kind == "csv":
        x, _, info = csv_table(path, name, target, task)
        return x.shape, info
    shape, _, _, info = npz_arrays(path, name, task, with_x=False)
    return shape, info


def load_upload(spec: UploadData, ctx: DataContext) -> LoadedData:
    """Read the uploaded file and split it (an IDX set keeps its own test files)."""
    kind, path = upload_file(spec.upload, ctx)
    name = f"upload {spec.upload}"
    if kind == "csv":
        x, y, target = csv_table(path, name, spec.target, spec.task)
        info = DataInfo(TensorType((x.shape[1],)), target, *sizes(len(x), spec))
        return split(x, y, spec, info)
    if kind == "npz":
        shape, x_, y, target = npz_arrays(path, name, spec.task, with_x=True)
        assert x_ is not None
        return split(x_, y, spec, DataInfo(TensorType(shape[1:]), target, *sizes(shape[0], spec)))
    return _idx_load(spec, path)


assert set(IDX_FILES) == {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}

DEFS = (
    DatasetDef(
        "upload",
        UploadData,
        "Your upload",
        "A file you uploaded: a CSV table, an NPZ of arrays x and y, or MNIST-style IDX files.",
        "auto",
        "file",
        describe_upload,
        load_upload,
    ),
)
