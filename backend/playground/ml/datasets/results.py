"""What describe() and load() hand back, and where on-disk data sets are found."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from playground.ml.datasets.plane import Plane
from playground.ml.types import TargetInfo, TensorType


@dataclass(frozen=True)
class DataContext:
    """Server-side settings that data sets need; `data_dir` holds mnist/ and uploads/."""

    data_dir: Path | None = None


@dataclass(frozen=True)
class DataInfo:
    """Shapes, task and split sizes of a data set, known without generating it."""

    input: TensorType
    target: TargetInfo
    n_train: int
    n_val: int
    n_test: int


@dataclass
class Split:
    """One split as CPU tensors.

    x: (N, *input.shape) float32, or int64 token ids when input.vocab is set.
    y: classification (N,) or (N, steps) int64; regression (N, n_outputs) or
    (N, steps, n_outputs) float32.
    """

    x: torch.Tensor
    y: torch.Tensor

    def __len__(self) -> int:
        return int(self.x.shape[0])


@dataclass
class LoadedData:
    """A data set ready for training: its description and three splits."""

    info: DataInfo
    train: Split
    val: Split
    test: Split
    plane: Plane | None = None  # only for the 2-D sets
