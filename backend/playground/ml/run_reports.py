"""What a run reports and when, shared by `train()` and the grouped trainer (ml/vectorized),
so that a trial trained in a group reports exactly as the same run alone."""

from __future__ import annotations

import math
import platform

import torch

import playground
from playground.ml.datasets import LoadedData
from playground.ml.datasets.plane import plane_points
from playground.ml.errors import SpecError
from playground.ml.hooks import RunStart
from playground.ml.snapshots import snapshot_every
from playground.ml.spec import RunSpec, TrainingSpec
from playground.ml.validate import Summary

STEP_REPORTS = 1000  # target number of step reports per run when log_every is automatic
BOUNDARY_GRIDS = 50  # target number of boundary grids per run


def report_intervals(
    t: TrainingSpec, steps_per_epoch: int, *, has_plane: bool
) -> tuple[int, int, int]:
    """(log_every, boundary_every, snapshot_every) of a run: the spec's own or automatic."""
    total = t.epochs * steps_per_epoch
    log_every = t.log_every or max(1, math.ceil(total / STEP_REPORTS))
    boundary_every = t.boundary_every or max(1, math.ceil(t.epochs / BOUNDARY_GRIDS))
    return log_every, boundary_every, snapshot_every(t.epochs, boundary_every if has_plane else 1)


def start_report(
    spec: RunSpec, summary: Summary, device: torch.device, log_every: int,
    steps_per_epoch: int, data: LoadedData,
) -> RunStart:  # fmt: skip
    return RunStart(
        summary=summary.as_dict(), seed=spec.training.seed, device=str(device),
        versions={
            "playground": playground.__version__, "torch": torch.__version__,
            "python": platform.python_version(),
            # CPU results are reproducible for a given thread count; record it.
            "torch_threads": str(torch.get_num_threads()),
        },
        log_every=log_every, total_steps=spec.training.epochs * steps_per_epoch,
        plane=plane_points(data.plane),
    )  # fmt: skip


def loss_diverged(value: float, epoch: int, step: int) -> str:
    return f"the loss became {value} at epoch {epoch}, step {step}"


def metrics_diverged(metrics: dict[str, float], epoch: int, step: int) -> str | None:
    """Why the epoch's train or validation loss counts as diverged, or None."""
    for name in ("train_loss", "val_loss"):
        if name in metrics and not math.isfinite(metrics[name]):
            return f"{name} became {metrics[name]} at epoch {epoch}, step {step}"
    return None


def time_limit_message(max_seconds: float) -> str:
    return f"the run exceeded its time limit of {max_seconds:g} s"


def failure_message(e: Exception) -> str:
    """What a run that failed with this exception reports as its error."""
    if isinstance(e, SpecError):
        return str(e)
    if isinstance(e, torch.cuda.OutOfMemoryError):
        return "the GPU ran out of memory; use a smaller model or batch"
    return f"{type(e).__name__}: {e}"
