"""Feature transforms of a 2-D point (x, y) used as network inputs (curriculum F7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import torch

Feature = Literal["x", "y", "x2", "y2", "xy", "sinx", "siny"]

# name -> f(x, y); x and y are (M,) columns of raw coordinates, the result is (M,).
FEATURES: dict[Feature, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "x2": lambda x, y: x * x,
    "y2": lambda x, y: y * y,
    "xy": lambda x, y: x * y,
    "sinx": lambda x, y: torch.sin(x),
    "siny": lambda x, y: torch.sin(y),
}


def feature_matrix(xy: torch.Tensor, names: Sequence[Feature]) -> torch.Tensor:
    """(M, 2) raw points -> (M, F) feature columns, in the order of `names`."""
    x, y = xy[:, 0], xy[:, 1]
    return torch.stack([FEATURES[name](x, y) for name in names], dim=1)
