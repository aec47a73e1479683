"""Decision-boundary grids over the raw 2-D input plane (curriculum H1)."""

from __future__ import annotations

import base64

import torch
from torch import Tensor, nn

from playground.ml.datasets import Plane
from playground.ml.hooks import BoundaryGrid
from playground.ml.metrics import predict_all
from playground.ml.objective import Objective


class BoundaryMaker:
    """Precomputes the grid's model inputs once; each call is one batched forward pass."""

    def __init__(self, plane: Plane, objective: Objective, device: torch.device, res: int = 50):
        self.plane, self.objective, self.res = plane, objective, res
        xs = torch.linspace(*plane.x_range, res)
        ys = torch.linspace(*plane.y_range, res)
        gy, gx = torch.meshgrid(ys, xs, indexing="ij")  # (res, res), row = y
        raw = torch.stack([gx.reshape(-1), gy.reshape(-1)], 1)  # (res*res, 2)
        self.inputs = plane.to_input(raw).to(device)

    def __call__(self, model: nn.Module, epoch: int) -> BoundaryGrid:
        return self.grids(predict_all(model, self.inputs).unsqueeze(0), epoch)[0]

    def grids(self, outputs: Tensor, epoch: int) -> list[BoundaryGrid]:
        """One grid per model from stacked outputs (models, res*res, k) over `self.inputs`:
        a group of trials trained together reads all its grids from one batched forward."""
        n = outputs.shape[0]
        values = self.objective.read_out(outputs)  # (models, res*res, channels), any layout
        if self.objective.classify:
            bounds = [(0.0, 1.0)] * n
            levels = quantize_levels(values, 0.0, 1.0).contiguous().cpu().numpy()  # all at once
        else:
            lows, highs = values.amin((1, 2)).tolist(), values.amax((1, 2)).tolist()
            bounds = list(zip(lows, highs, strict=True))
            levels = torch.stack(
                [quantize_levels(v, lo, hi) for v, (lo, hi) in zip(values, bounds, strict=True)]
            ).cpu().numpy()  # fmt: skip
        return [
            self._grid(epoch, lo, hi, level.tobytes())
            for level, (lo, hi) in zip(levels, bounds, strict=True)
        ]

    def _grid(self, epoch: int, lo: float, hi: float, data: bytes) -> BoundaryGrid:
        return BoundaryGrid(
            epoch=epoch, x_range=self.plane.x_range, y_range=self.plane.y_range,
            resolution=self.res, channels=len(data) // (self.res * self.res), lo=lo, hi=hi,
            data=base64.b64encode(data).decode("ascii"),
        )  # fmt: skip


def quantize(values: Tensor, lo: float, hi: float) -> str:
    """Values in [lo, hi] as base64 bytes, q = round(255 * (v - lo) / (hi - lo))."""
    return base64.b64encode(quantize_levels(values, lo, hi).cpu().numpy().tobytes()).decode("ascii")


def quantize_levels(values: Tensor, lo: float, hi: float) -> Tensor:
    """The byte levels q = round(255 * (v - lo) / (hi - lo)) as uint8, same shape."""
    span = hi - lo if hi > lo else 1.0
    # One fresh temporary, rounded and clamped in place: a group's grids quantize 64 x
    # 2,500 x 2 values at once, where each new temporary cost about as much as its pass.
    scaled = values.float() * (255 / span) if lo == 0 else (values.float() - lo).mul_(255 / span)
    return scaled.round_().clamp_(0, 255).to(torch.uint8)


def dequantize(grid: BoundaryGrid) -> Tensor:
    """The grid's values as floats, shape (res, res, channels) (for tests and tools)."""
    raw = torch.frombuffer(bytearray(base64.b64decode(grid.data)), dtype=torch.uint8)
    span = grid.hi - grid.lo if grid.hi > grid.lo else 1.0
    values = grid.lo + raw.float() * (span / 255)
    return values.reshape(grid.resolution, grid.resolution, grid.channels)
