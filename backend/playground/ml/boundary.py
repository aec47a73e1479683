"""Decision-boundary grids over the raw 2-D input plane (curriculum H1)."""

from __future__ import annotations

import base64

import torch
from torch import Tensor, nn

from playground.ml.datasets import Plane
from playground.ml.hooks import BoundaryGrid
from playground.ml.losses import NLLLoss, PerceptronError
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
        values = self.read_out(predict_all(model, self.inputs))  # (res*res, k)
        if self.objective.classify:
            lo, hi = 0.0, 1.0
        else:
            lo, hi = values.min().item(), values.max().item()
        return BoundaryGrid(
            epoch=epoch, x_range=self.plane.x_range, y_range=self.plane.y_range,
            resolution=self.res, channels=values.shape[1], lo=lo, hi=hi,
            data=quantize(values, lo, hi),
        )  # fmt: skip

    def read_out(self, out: Tensor) -> Tensor:
        """Class probabilities for classification, raw values for regression."""
        obj, loss = self.objective, self.objective.spec
        if not obj.classify:
            return out.float()
        if obj.binary_single:
            # A Perceptron's Sign gives -1/+1; a BCE logit goes through the sigmoid.
            p1 = (out[:, :1] + 1) / 2 if isinstance(loss, PerceptronError) else out[:, :1].sigmoid()
            return torch.cat([1 - p1, p1], 1).float()
        if isinstance(loss, NLLLoss):
            return out.exp().float()  # the model ends in LogSoftmax
        if loss.target == "class_ids":
            return out.softmax(1).float()
        return out.clamp(0, 1).float()  # MSE/L1/BCE on one-hot targets


def quantize(values: Tensor, lo: float, hi: float) -> str:
    """Values in [lo, hi] as base64 bytes, q = round(255 * (v - lo) / (hi - lo))."""
    span = hi - lo if hi > lo else 1.0
    q = ((values.float() - lo) * (255 / span)).round().clamp(0, 255).to(torch.uint8)
    return base64.b64encode(q.cpu().numpy().tobytes()).decode("ascii")


def dequantize(grid: BoundaryGrid) -> Tensor:
    """The grid's values as floats, shape (res, res, channels) (for tests and tools)."""
    raw = torch.frombuffer(bytearray(base64.b64decode(grid.data)), dtype=torch.uint8)
    span = grid.hi - grid.lo if grid.hi > grid.lo else 1.0
    values = grid.lo + raw.float() * (span / 255)
    return values.reshape(grid.resolution, grid.resolution, grid.channels)
