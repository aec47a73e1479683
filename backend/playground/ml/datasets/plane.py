"""The raw 2-D input plane of a toy data set: decision-boundary pictures (H1) and scatter points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from playground.ml.datasets.features import Feature, feature_matrix
from playground.ml.datasets.normalize import Standardizer

# Extra room around the data on each side, as a fraction of its extent.
MARGIN = 0.1


@dataclass
class Plane:
    """Raw points of a 2-D set and the exact map from raw (x, y) to model inputs."""

    x_range: tuple[float, float]  # raw-input bounds of all points, with a small margin
    y_range: tuple[float, float]
    train_points: np.ndarray  # (N_train, 2) raw coordinates, in the order of train.x
    train_labels: np.ndarray  # (N_train,) class ids, or target values for regression
    test_points: np.ndarray  # (N_test, 2)
    test_labels: np.ndarray  # (N_test,)
    features: tuple[Feature, ...]
    standardizer: Standardizer | None = None

    def to_input(self, xy: torch.Tensor) -> torch.Tensor:
        """(M, 2) raw points -> (M, F) float32 model inputs, on the device of `xy`."""
        # float64 on the CPU, like the training inputs were made, so the picture matches
        # what the model saw; grids are small, and some devices lack float64.
        x = feature_matrix(xy.detach().to("cpu", torch.float64), self.features).numpy()
        if self.standardizer is not None:
            x = self.standardizer(x)
        return torch.from_numpy(x.astype(np.float32)).to(xy.device)


def bounds(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of a column widened by MARGIN on each side (1 unit if it is constant)."""
    lo, hi = float(values.min()), float(values.max())
    pad = MARGIN * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def plane_points(plane: Plane | None, limit: int = 1000) -> dict[str, object] | None:
    """Raw 2-D points (at most `limit` per split) for scatter plots under the boundary.

    The run's `start` message and data previews send this.
    """
    if plane is None:
        return None
    return {
        "x_range": list(plane.x_range),
        "y_range": list(plane.y_range),
        "train": _rows(plane.train_points[:limit], plane.train_labels[:limit]),
        "test": _rows(plane.test_points[:limit], plane.test_labels[:limit]),
    }


def _rows(xy: np.ndarray, labels: np.ndarray) -> list[list[float]]:
    """[[x, y, label], ...]; labels are class ids or regression targets."""
    if len(xy) == 0:  # an empty split (data.split.test = 0): reshape cannot infer a width
        return []
    return np.column_stack([xy, labels.reshape(len(xy), -1)[:, :1]]).astype(float).round(5).tolist()  # type: ignore[no-any-return]
