"""Training-batch augmentation on the device (curriculum E6): noise, flips, shifts."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from playground.ml.spec import Augment


def augment(x: Tensor, spec: Augment, gen: torch.Generator) -> Tensor:
    """A randomly perturbed copy of a float batch; images are (B, C, H, W)."""
    if spec.noise > 0:
        x = x + torch.randn(x.shape, generator=gen, device=x.device) * spec.noise
    if x.dim() == 4 and spec.hflip:
        flip = torch.rand(x.shape[0], generator=gen, device=x.device) < 0.5
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    if x.dim() == 4 and spec.shift > 0:
        x = _shift(x, spec.shift, gen)
    return x


def _shift(x: Tensor, pixels: int, gen: torch.Generator) -> Tensor:
    """Move each image by its own whole-pixel offset in [-pixels, pixels]; zeros fill in."""
    b, _, h, w = x.shape
    offsets = torch.randint(-pixels, pixels + 1, (b, 2), generator=gen, device=x.device)
    theta = torch.zeros(b, 2, 3, device=x.device, dtype=x.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    # affine_grid uses [-1, 1] coordinates: one pixel is 2 / size.
    theta[:, 0, 2] = offsets[:, 0].to(x.dtype) * 2 / w
    theta[:, 1, 2] = offsets[:, 1].to(x.dtype) * 2 / h
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)
