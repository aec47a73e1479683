"""Early stopping: the best epoch of the monitored metric, and its weights."""

from __future__ import annotations

import math

from torch import Tensor, nn


class BestEpoch:
    """Tracks the best monitored value for early stopping and keeps those weights."""

    def __init__(self, monitor: str | None) -> None:
        self.monitor, self.epoch = monitor, 0
        self.value = -math.inf if monitor == "val_accuracy" else math.inf
        self.state: dict[str, Tensor] | None = None

    def update(
        self, metrics: dict[str, float], epoch: int, model: nn.Module, delta: float = 0.0
    ) -> bool:
        """Record `epoch` if it improves on the best; returns True when monitoring."""
        if self.monitor is None or self.monitor not in metrics:
            return False
        v = metrics[self.monitor]
        better = (
            v > self.value + delta if self.monitor == "val_accuracy" else v < self.value - delta
        )
        if better:
            self.value, self.epoch = v, epoch
            self.state = {k: t.detach().clone() for k, t in model.state_dict().items()}
        return True
