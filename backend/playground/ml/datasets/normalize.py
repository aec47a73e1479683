"""Input standardisation with statistics of the training split only (curriculum E8)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Columns whose training std is below this are only centred: dividing by ~0 would turn
# a constant input (a blank image border, an unused feature) into huge numbers.
MIN_STD = 1e-8

# Axes of an (N, ...) batch to average over; the others keep their own statistics.
PER_COLUMN = (0,)  # (N, F): one mean/std per feature
PER_CHANNEL_FIRST = (0, 2, 3)  # (N, C, H, W): one per image channel
PER_CHANNEL_LAST = (0, 1)  # (N, T, C): one per sequence channel


@dataclass(frozen=True)
class Standardizer:
    """(x - mean) / std with mean and std taken from the training inputs."""

    mean: np.ndarray  # float64, keepdims over the reduced axes so it broadcasts to a batch
    std: np.ndarray

    @classmethod
    def fit(cls, x_train: np.ndarray, axes: tuple[int, ...]) -> Standardizer:
        """Statistics of (N, ...) training inputs over `axes` (0 = samples must be one)."""
        assert 0 in axes, "statistics are always pooled over the samples"
        mean = x_train.mean(axis=axes, keepdims=True, dtype=np.float64)
        std = x_train.std(axis=axes, keepdims=True, dtype=np.float64)
        return cls(mean=mean, std=np.where(std < MIN_STD, 1.0, std))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Standardise (N, ...) inputs, keeping their float precision (float32 images)."""
        out: np.ndarray = (x - self.mean.astype(x.dtype)) / self.std.astype(x.dtype)
        return out
