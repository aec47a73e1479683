"""Raw inputs in a data set's own units -> the model inputs training fed it.

Points go through the plane's feature map and standardiser; images are scaled as the
loader scales them; everything float is standardised with training-split statistics,
refitted here on the raw training split (the loader keeps them only for 2-D sets).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pydantic import TypeAdapter
from torch import Tensor

from playground.ml.datasets import DATASETS, DataContext, DataSpec, LoadedData, load
from playground.ml.datasets.images import DIGITS_MAX
from playground.ml.datasets.normalize import (
    PER_CHANNEL_FIRST,
    PER_CHANNEL_LAST,
    PER_COLUMN,
    Standardizer,
)
from playground.ml.datasets.text import vocabulary
from playground.ml.errors import SpecError
from playground.ml.spec import RunSpec

# Largest raw pixel value per image set: the loaders divide by it.
PIXEL_MAX = {"digits": DIGITS_MAX, "mnist": 255.0, "fashion_mnist": 255.0}
_DATA_SPEC: TypeAdapter[DataSpec] = TypeAdapter(DataSpec)


def to_model_inputs(spec: RunSpec, data: LoadedData, raw: list[Any], ctx: DataContext) -> Tensor:
    """(N, *input) model inputs for N raw inputs; SpecError at ("inputs", i) for a bad one."""
    kind = DATASETS[spec.data.dataset].kind
    if data.plane is not None:
        points = np.stack([_point(v, i) for i, v in enumerate(raw)])
        return data.plane.to_input(torch.from_numpy(points))
    if data.info.input.is_tokens:
        return torch.stack([text_ids(spec, data, v, i) for i, v in enumerate(raw)])
    shape = data.info.input.shape
    x = np.stack([_array(spec, shape, kind, v, i) for i, v in enumerate(raw)])  # (N, *shape)
    if spec.data.normalize:
        x = standardizer(spec, data, ctx)(x)
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))


def _point(value: Any, i: int) -> np.ndarray:
    v = _numbers(value, i, "a point [x, y]")
    if v.shape != (2,):
        raise SpecError.at(("inputs", i), f"a point must be [x, y]; got {_show(v.shape)} values")
    return v


def _array(spec: RunSpec, shape: tuple[int, ...], kind: str, value: Any, i: int) -> np.ndarray:
    """One raw sample as float32 of the model's input shape (images scaled to [0, 1])."""
    dataset = str(spec.data.dataset)
    if dataset in PIXEL_MAX:  # a drawing: H x W pixel rows
        h, w = shape[1:]
        v = _numbers(value, i, f"a drawing of {h} rows of {w} pixel values")
        if v.shape != (h, w):
            got = "x".join(map(str, v.shape)) or "a single number"
            raise SpecError.at(("inputs", i), f"a drawing must be {h}x{w} for {dataset}; got {got}")
        top = PIXEL_MAX[dataset]
        if v.min() < 0 or v.max() > top:
            raise SpecError.at(
                ("inputs", i), f"pixel values of {dataset} run from 0 to {top:g}; got {v.max():g}"
            )
        return (v.astype(np.float32) / np.float32(top))[None]  # (1, H, W) as the loader
    what = "a list of values" if len(shape) == 1 else f"an array of shape {_show(shape)}"
    v = _numbers(value, i, what)
    if kind == "sequence" and shape[1:] == (1,) and v.shape == shape[:1]:
        v = v[:, None]  # a plain list of values for a one-channel sequence
    if v.shape != shape:
        raise SpecError.at(
            ("inputs", i), f"input must have shape {_show(shape)}; got {_show(v.shape)}"
        )
    return v.astype(np.float32)


def _numbers(value: Any, i: int, what: str) -> np.ndarray:
    """A nested list of finite numbers as float64; SpecError naming what was expected."""
    try:
        v = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise SpecError.at(("inputs", i), f"input must be {what}") from None
    if not np.isfinite(v).all():
        raise SpecError.at(("inputs", i), "input holds a value that is not a finite number")
    return v


def _show(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "a single number"


def text_ids(spec: RunSpec, data: LoadedData, value: Any, i: int) -> Tensor:
    """(seq_len,) token ids for a string: its last seq_len characters, left-padded with spaces."""
    if not isinstance(value, str) or not value:
        raise SpecError.at(("inputs", i), "input must be a non-empty string")
    vocab = vocabulary()
    index = {ch: k for k, ch in enumerate(vocab)}
    unknown = sorted({ch for ch in value if ch not in index})
    if unknown:
        raise SpecError.at(
            ("inputs", i),
            f"{', '.join(map(repr, unknown))} not in the text's {len(vocab)} characters",
        )
    length = data.info.input.shape[0]
    pad = " " if " " in index else vocab[0]
    window = value[-length:].rjust(length, pad)
    return torch.tensor([index[ch] for ch in window], dtype=torch.long)


def standardizer(spec: RunSpec, data: LoadedData, ctx: DataContext) -> Standardizer:
    """The training split's standardiser (refitted on the raw training split, cached)."""
    data_dir = str(ctx.data_dir) if ctx.data_dir is not None else None
    return _refit(spec.data.model_dump_json(), data_dir, len(data.info.input.shape))


@lru_cache(maxsize=8)
def _refit(data_json: str, data_dir: str | None, rank: int) -> Standardizer:
    """Standardizer.fit on the raw training split, over the axes its loader uses."""
    data_spec = _DATA_SPEC.validate_json(data_json).model_copy(update={"normalize": False})
    ctx = DataContext(Path(data_dir) if data_dir is not None else None)
    raw = load(data_spec, ctx).train.x.numpy()  # same seed, same split, unstandardised
    return Standardizer.fit(raw, _axes(DATASETS[data_spec.dataset].kind, rank))


def _axes(kind: str, rank: int) -> tuple[int, ...]:
    """The axes of an (N, ...) batch each loader pools its statistics over."""
    if kind == "image":
        return PER_CHANNEL_FIRST
    if kind == "sequence":
        return PER_CHANNEL_LAST
    if kind == "file" and rank != 1:
        return tuple(range(rank + 1))  # uploads other than tables: one mean and std
    return PER_COLUMN
