"""Per-layer gradient norm, weight norm and update/weight ratio (curriculum G7, G8)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from playground.ml.hooks import LayerStats


class LayerWatch:
    """Groups parameters by top-level layer; measured once per epoch, one host sync.

    A frozen layer (no trainable parameter) keeps its weight norm and reports no
    gradient or update: None, never a misleading 0.
    """

    def __init__(self, model: nn.Sequential, types: list[str]) -> None:
        self.groups = [(i, types[i], list(m.parameters())) for i, m in enumerate(model)]
        self.groups = [g for g in self.groups if g[2]]
        self.trained = [any(p.requires_grad for p in ps) for _, _, ps in self.groups]
        self.device = next(model.parameters()).device if self.groups else torch.device("cpu")
        self._grad: list[Tensor] = []
        self._before: list[list[Tensor]] = []

    def before_step(self) -> None:
        """Snapshot gradient norms (before clipping) and weights (for the update size)."""
        self._grad = [
            _norm([p.grad for p in ps if p.grad is not None], self.device)
            for _, _, ps in self.groups
        ]
        self._before = [[p.detach().clone() for p in ps] for _, _, ps in self.groups]

    def collect(self) -> list[LayerStats]:
        """Stats for the step snapshotted by before_step (or weights only, if none)."""
        weights = [_norm([p.detach() for p in ps], self.device) for _, _, ps in self.groups]
        if self._before:
            updates = [
                _norm([p.detach() - b for p, b in zip(ps, before, strict=True)], self.device)
                for (_, _, ps), before in zip(self.groups, self._before, strict=True)
            ]
            flat = torch.stack([*weights, *self._grad, *updates]).tolist()
        else:
            flat = torch.stack(weights).tolist() if weights else []
        n = len(self.groups)
        stats = []
        for k, (i, kind, _) in enumerate(self.groups):
            w = flat[k]
            measured = bool(self._before) and self.trained[k]
            grad = flat[n + k] if measured else None
            ratio = flat[2 * n + k] / w if measured and w > 0 else None
            stats.append(LayerStats(i, kind, grad, w, ratio))
        self._grad, self._before = [], []
        return stats


def _norm(tensors: list[Tensor], device: torch.device) -> Tensor:
    """L2 norm over a list of tensors, as a 0-d tensor."""
    if not tensors:
        return torch.zeros((), device=device)
    norms = torch.stack([torch.linalg.vector_norm(t) for t in tensors])
    total: Tensor = torch.linalg.vector_norm(norms)
    return total
