"""Train/val/test sizes, one seeded permutation into index sets, and tensor conversion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.ml.datasets.normalize import Standardizer
from playground.ml.datasets.results import Split
from playground.ml.errors import SpecError


def held_out(n: int, fraction: float) -> int:
    """Samples for a held-out split: rounded half up, and at least one unless fraction is 0."""
    if fraction <= 0:
        return 0
    return max(1, int(n * fraction + 0.5))


def split_sizes(n: int, val: float, test: float) -> tuple[int, int, int]:
    """(n_train, n_val, n_test) for n samples; raises if training would be left empty."""
    n_val, n_test = held_out(n, val), held_out(n, test)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise SpecError.at(
            ("data", "split"),
            f"{n} samples are too few for these split fractions: training would be empty",
        )
    return n_train, n_val, n_test


@dataclass(frozen=True)
class Partition:
    """Row indices of each split into one array of samples."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def partition(n: int, val: float, test: float, rng: np.random.Generator) -> Partition:
    """Cut one seeded permutation of range(n) into train, val and test indices."""
    n_train, n_val, _ = split_sizes(n, val, test)
    order = rng.permutation(n)
    return Partition(
        train=order[:n_train],
        val=order[n_train : n_train + n_val],
        test=order[n_train + n_val :],
    )


def to_split(
    x: np.ndarray, y: np.ndarray, standardizer: Standardizer | None, *, tokens: bool = False
) -> Split:
    """Numpy arrays -> CPU tensors: inputs float32 (int64 for token ids), integer targets
    int64 (class ids), float targets float32."""
    if standardizer is not None:
        x = standardizer(x)
    x_dtype = np.int64 if tokens else np.float32
    y_dtype = np.int64 if np.issubdtype(y.dtype, np.integer) else np.float32
    return Split(
        x=torch.from_numpy(np.ascontiguousarray(x, dtype=x_dtype)),
        y=torch.from_numpy(np.ascontiguousarray(y, dtype=y_dtype)),
    )


def make_splits(
    x: np.ndarray,
    y: np.ndarray,
    parts: Partition,
    *,
    normalize_axes: tuple[int, ...] | None,
) -> tuple[Split, Split, Split, Standardizer | None]:
    """Index (N, ...) inputs and targets by `parts`; standardise with train statistics.

    `normalize_axes` None leaves the inputs as they are (token ids, normalize=False).
    """
    standardizer = None
    if normalize_axes is not None:
        standardizer = Standardizer.fit(x[parts.train], normalize_axes)
    train, val, test = (
        to_split(x[idx], y[idx], standardizer) for idx in (parts.train, parts.val, parts.test)
    )
    return train, val, test, standardizer
