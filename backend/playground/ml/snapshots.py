"""Snapshots: a model's weights at one epoch, as a safetensors file (never a pickle).

This module is the one place that names snapshot files: <root>/runs/<run id>/epoch-NNNN,
built from integers only, so nothing a user typed ever reaches a path.
"""

from __future__ import annotations

import os
from pathlib import Path

from safetensors.torch import save_file
from torch import nn


def snapshot_name(epoch: int) -> str:
    """The file name of the snapshot taken after `epoch` (0: the untrained model)."""
    return f"epoch-{int(epoch):04d}.safetensors"


def run_dir(root: Path, run_id: int) -> Path:
    """The folder that holds one run's snapshots."""
    return root / "runs" / str(int(run_id))


def snapshot_path(root: Path, run_id: int, epoch: int) -> Path:
    return run_dir(root, run_id) / snapshot_name(epoch)


def save_snapshot(model: nn.Module, path: Path) -> int:
    """Write the model's state as safetensors, atomically (a reader never sees half a file);
    returns the bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: t.detach().to("cpu").contiguous() for k, t in model.state_dict().items()}
    tmp = path.with_suffix(".tmp")
    save_file(state, str(tmp))
    os.replace(tmp, path)
    return path.stat().st_size
