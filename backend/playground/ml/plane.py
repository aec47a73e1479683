"""The raw 2-D points of a plane data set, as the run's `start` message and previews send them."""

from __future__ import annotations

import numpy as np

from playground.ml.datasets import LoadedData


def plane_points(data: LoadedData, limit: int = 1000) -> dict[str, object] | None:
    """Raw 2-D points (at most `limit` per split) for scatter plots under the boundary."""
    p = data.plane
    if p is None:
        return None
    return {
        "x_range": list(p.x_range),
        "y_range": list(p.y_range),
        "train": _rows(p.train_points[:limit], p.train_labels[:limit]),
        "test": _rows(p.test_points[:limit], p.test_labels[:limit]),
    }


def _rows(xy: np.ndarray, labels: np.ndarray) -> list[list[float]]:
    """[[x, y, label], ...]; labels are class ids or regression targets."""
    return np.column_stack([xy, labels.reshape(len(xy), -1)[:, :1]]).astype(float).round(5).tolist()  # type: ignore[no-any-return]
