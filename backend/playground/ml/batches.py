"""How a training split is cut into batches."""

from __future__ import annotations

from torch import nn


def batch_slices(n: int, batch_size: int | str, merge_single: bool) -> list[tuple[int, int]]:
    """(start, stop) of each batch; with batch norm a trailing batch of one sample joins
    the previous batch, since batch statistics of one sample are undefined."""
    size = n if batch_size == "full" else min(int(batch_size), n)
    bounds = [(lo, min(lo + size, n)) for lo in range(0, n, size)]
    if merge_single and len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
        bounds[-2:] = [(bounds[-2][0], n)]
    return bounds


def has_batchnorm(model: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
