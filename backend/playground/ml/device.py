"""Which torch device a run trains on."""

from __future__ import annotations

import torch

from playground.ml.errors import SpecError


def gpu_count() -> int:
    """CUDA devices visible to this process (0 without CUDA); creates no CUDA context."""
    return torch.cuda.device_count()


def resolve_device(name: str) -> torch.device:
    """'auto' -> CUDA when present, else CPU; a missing CUDA device is a clear error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise SpecError.at(("training", "device"), "CUDA is not available on this worker")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise SpecError.at(
                ("training", "device"),
                f"{name} does not exist; this worker has {torch.cuda.device_count()} GPU(s)",
            )
    return device
