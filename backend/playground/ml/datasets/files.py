"""What CSV and NPZ uploads share: finding the file by id, encoding targets, splitting.

The formats themselves: csv_file.py and npz_file.py. An upload id names a file directly
inside <data_dir>/uploads/, and only files that services/uploads.py accepted are there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import DataBase
from playground.ml.datasets.normalize import PER_COLUMN
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.safe_open import NotRegularError, exists, uploads_dir
from playground.ml.datasets.splits import make_splits, partition, split_sizes
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo

AUTO_MAX_CLASSES = 50  # "auto" treats integer or text targets with at most this many values
MAX_CLASSES = 1000  # as classes; an explicit "classification" allows up to this many

FILE_LOC = ("data", "file")
TASK_LOC = ("data", "task")
TARGET_LOC = ("data", "target")

TaskChoice = Annotated[
    Literal["auto", "classification", "regression"],
    Field(
        description="What to predict. 'auto': classification when the target is text or "
        f"integer-valued with at most {AUTO_MAX_CLASSES} distinct values, else regression.",
    ),
]


def upload_path(file: str, pattern: str, ctx: DataContext) -> Path:
    """Path of an uploaded file; the id is re-checked so no other path can be formed."""
    if not re.fullmatch(pattern, file):
        raise SpecError.at(FILE_LOC, f"{file!r} is not a valid upload id")
    if ctx.data_dir is None:
        raise SpecError.at(FILE_LOC, "uploads are unavailable: no data directory is configured")
    try:
        path = uploads_dir(ctx.data_dir) / file
    except NotRegularError as e:
        raise SpecError.at(FILE_LOC, f"uploads are unavailable: {e}") from e
    if not exists(path):  # a link is not an upload: it is never opened, even to count lines
        raise SpecError.at(FILE_LOC, f"no uploaded file {file!r}; upload it first")
    return path


# ---- targets ---------------------------------------------------------------------------


def encode_target(
    values: np.ndarray, task: str, what: str, loc: tuple[str, ...]
) -> tuple[np.ndarray, TargetInfo]:
    """(N,) float64 or str targets -> (class ids (N,) | values (N, 1), TargetInfo)."""
    numeric = values.dtype.kind == "f"
    if task == "regression" and not numeric:
        raise SpecError.at(TASK_LOC, f"{what} holds text, so it cannot be a regression target")
    classes = np.unique(values)
    integral = numeric and bool(np.all(values == np.round(values)))
    if task == "auto":
        few = len(classes) <= AUTO_MAX_CLASSES
        if numeric and not (integral and few):
            task = "regression"
        elif not few:
            raise SpecError.at(
                TASK_LOC,
                f"{what} holds {len(classes)} distinct text values; 'auto' allows at most "
                f"{AUTO_MAX_CLASSES} classes (set task to 'classification' for more)",
            )
    if task == "regression":
        return values[:, None], TargetInfo("regression", n_outputs=1)
    if not 2 <= len(classes) <= MAX_CLASSES:
        raise SpecError.at(
            loc,
            f"{what} has {len(classes)} distinct values; classes must number 2 to {MAX_CLASSES}",
        )
    ids = np.searchsorted(classes, values).astype(np.int64)
    names = tuple(_class_name(c, integral) for c in classes.tolist())
    return ids, TargetInfo("classification", n_classes=len(classes), class_names=names)


def _class_name(value: object, integral: bool) -> str:
    if isinstance(value, float):
        return str(int(value)) if integral else f"{value:g}"
    return str(value)


# ---- splits ----------------------------------------------------------------------------


def sizes(n: int, spec: DataBase) -> tuple[int, int, int]:
    return split_sizes(n, spec.split.val, spec.split.test)


def split(x: np.ndarray, y: np.ndarray, spec: DataBase, info: DataInfo) -> LoadedData:
    """Seeded split; (N, F) tables are standardised per column, other shapes as a whole."""
    parts = partition(len(x), spec.split.val, spec.split.test, np.random.default_rng(spec.seed))
    axes = PER_COLUMN if x.ndim == 2 else tuple(range(x.ndim))
    train, val, test, _ = make_splits(x, y, parts, normalize_axes=axes if spec.normalize else None)
    return LoadedData(info, train, val, test)
