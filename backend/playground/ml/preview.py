"""A small sample of a data set to draw before training: points, images, series, rows, text.

`preview(spec, ctx)` loads the set as training does (same seed, same splits, same order)
but without standardisation, so every value it shows is in the data's own units.
"""

from __future__ import annotations

import base64
import math
from typing import Any, Literal

import numpy as np

from playground.ml.datasets import DATASETS, DataContext, DataInfo, DataSpec, Kind, Split
from playground.ml.datasets import describe as describe_data
from playground.ml.datasets import load as load_data
from playground.ml.datasets.csv_file import CSV_ID, CsvData, read_rows
from playground.ml.datasets.files import upload_path
from playground.ml.datasets.plane import plane_points
from playground.ml.datasets.tabular import TABLES
from playground.ml.datasets.upload import UploadData, upload_file
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo

PreviewKind = Literal["2d", "image", "sequence", "tabular", "text"]

MAX_TEST_POINTS = 500  # train points: at most 1000, as in the run's `start` message
MAX_IMAGES = 32
MAX_SERIES = 8
MAX_ROWS = 20
MAX_TEXTS = 12
DIGITS = 4  # significant digits of series values and table cells

# Uploads are drawn by the rank of one sample: (F,) a table, (T, C) series, (C, H, W) images.
BY_RANK: dict[int, PreviewKind] = {1: "tabular", 2: "sequence", 3: "image"}


def preview(spec: DataSpec, ctx: DataContext, *, max_samples: int | None = None) -> dict[str, Any]:
    """Task, split sizes and a sample of the training split (and test points for 2-D sets).

    Raises SpecError (loc starting with "data") when the set cannot be built, or when it
    holds more than `max_samples` samples, as validation would for a run.
    """
    info = describe_data(spec, ctx)  # cheap: missing files fail here, before any loading
    total = info.n_train + info.n_val + info.n_test
    if max_samples is not None and total > max_samples:
        raise SpecError.at(
            ("data",), f"{total} samples; the limit is {max_samples}", "limit_exceeded"
        )
    data = load_data(spec.model_copy(update={"normalize": False}), ctx)
    kind = preview_kind(DATASETS[spec.dataset].kind, info)
    target, train = info.target, data.train
    body: dict[str, Any]
    if kind == "2d":
        body = _points(plane_points(data.plane))
    elif kind == "image":
        body = _images(train, target)
    elif kind == "sequence":
        body = _series(train, target, tokens=info.input.is_tokens)
    elif kind == "text":
        body = _texts(train, target)
    else:
        body = _table(train, target, _columns(spec, ctx, math.prod(info.input.shape)))
    return {**_common(kind, info), **body}


def preview_kind(kind: Kind, info: DataInfo) -> PreviewKind:
    """How a set is drawn: by its registry kind, and for uploads by the shape of a sample."""
    if kind == "text":  # token ids: shown as text only when a vocabulary names them
        named = info.input.is_tokens and len(info.target.class_names) == info.input.vocab
        return "text" if named else "sequence"
    if kind == "file":
        return BY_RANK.get(len(info.input.shape), "tabular")
    return kind


def _common(kind: PreviewKind, info: DataInfo) -> dict[str, Any]:
    t = info.target
    return {
        "kind": kind,
        "task": t.task,
        "input_shape": list(info.input.shape),
        "classes": t.n_classes,
        "class_names": list(t.class_names) or None,
        "samples": {"train": info.n_train, "val": info.n_val, "test": info.n_test},
    }


def _points(plane: dict[str, object] | None) -> dict[str, object]:
    """The `start` message's raw 2-D points, in its format, with fewer test points."""
    assert plane is not None  # every "2d" set has a plane
    test = plane["test"]
    assert isinstance(test, list)
    return {**plane, "test": test[:MAX_TEST_POINTS]}


def _images(split: Split, target: TargetInfo) -> dict[str, Any]:
    x = split.x[:MAX_IMAGES].numpy()  # (n, C, H, W)
    # Loaded digits and MNIST pixels lie in [0, 1] (raw / 16 or / 255): that range maps onto
    # 0..255 exactly; it is widened to whatever other values an upload holds.
    lo, hi = min(0.0, float(x.min())), max(1.0, float(x.max()))
    pixels = np.rint((x - lo) * (255 / (hi - lo))).astype(np.uint8)
    labels = _rounded(_targets(split, MAX_IMAGES, target))
    return {
        "shape": list(x.shape[1:]),
        "images": [
            {"label": label, "data": base64.b64encode(image.tobytes()).decode("ascii")}
            for image, label in zip(pixels, labels, strict=True)
        ],
    }


def _series(split: Split, target: TargetInfo, *, tokens: bool) -> dict[str, Any]:
    x = split.x[:MAX_SERIES].numpy()
    values = x if tokens else x[..., 0]  # (n, T): token ids, or the first feature per step
    targets = _targets(split, MAX_SERIES, target)
    return {
        "series": [
            {"values": _rounded(v), "target": _rounded(t)}
            for v, t in zip(values, targets, strict=True)
        ]
    }


def _texts(split: Split, target: TargetInfo) -> dict[str, Any]:
    vocab = target.class_names  # a token's id is its index here

    def decode(ids: list[int]) -> str:
        return "".join(vocab[i] for i in ids)

    texts = []
    for ids, y in zip(split.x[:MAX_TEXTS].tolist(), split.y[:MAX_TEXTS].tolist(), strict=True):
        label = vocab[y] if isinstance(y, int) else decode(y)  # next char, or each next char
        texts.append({"text": decode(ids), "label": label})
    # Not "samples": that key holds the split sizes in every preview.
    return {"texts": texts}


def _table(split: Split, target: TargetInfo, names: list[str]) -> dict[str, Any]:
    x = split.x[:MAX_ROWS].numpy()
    x = x.reshape(len(x), -1)  # uploads of other shapes: one column per value
    targets = _rounded(_targets(split, MAX_ROWS, target))
    rows = [[*_rounded(r), t] for r, t in zip(x, targets, strict=True)]
    return {"columns": [*names, "target"], "rows": rows}


def _columns(spec: DataSpec, ctx: DataContext, n_features: int) -> list[str]:
    """Feature names: scikit-learn's, a CSV's header without its target, else x0, x1, ..."""
    if spec.dataset in TABLES:
        return [str(name) for name in TABLES[spec.dataset].loader().feature_names]
    if isinstance(spec, CsvData):
        header = read_rows(upload_path(spec.file, CSV_ID, ctx), spec.file)[0]
        target = spec.target if spec.target is not None else header[-1]
        return [name for name in header if name != target]
    if isinstance(spec, UploadData):
        kind, path = upload_file(spec.upload, ctx)
        if kind == "csv":
            header = read_rows(path, f"upload {spec.upload}")[0]
            target = spec.target if spec.target is not None else header[-1]
            return [name for name in header if name != target]
    return [f"x{i}" for i in range(n_features)]


def _targets(split: Split, n: int, target: TargetInfo) -> np.ndarray:
    """(n,) or (n, steps) class ids or values: a single regression output is unboxed."""
    y = split.y[:n].numpy()
    return y[..., 0] if target.task == "regression" and target.n_outputs == 1 else y


def _rounded(values: np.ndarray) -> Any:
    """As (nested) lists: floats to DIGITS significant digits, ids as they are."""
    if values.dtype.kind != "f":
        return values.tolist()
    flat = [float(f"{v:.{DIGITS}g}") for v in values.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(values.shape).tolist()
