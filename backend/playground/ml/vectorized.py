"""Train a group of sweep trials that share structure together, as one batched model.

INTERFACE STUB (the executor and the sweeps service code against these two functions):
`group_key` says which trials may share a group, `train_group` trains a group and reports
per trial through each trial's own hooks, exactly as `train()` does for a run alone.
The bodies below are the always-correct fallback (no grouping: one trial at a time).
"""

from __future__ import annotations

from collections.abc import Sequence

from playground.ml.datasets import DataContext
from playground.ml.hooks import Hooks, RunResult
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from playground.ml.train import train


def group_key(spec: RunSpec) -> str | None:
    """Trials with equal keys can be trained together in one `train_group` call; None: this
    spec cannot be trained in a group (it runs alone, as an ordinary run)."""
    return None


def train_group(
    specs: Sequence[RunSpec],
    hooks: Sequence[Hooks],
    *,
    limits: Limits | None = None,
    ctx: DataContext | None = None,
) -> list[RunResult]:
    """Train every spec (all with the same `group_key`), reporting each through its own
    hooks (on_start, on_step, on_epoch, on_boundary, on_snapshot, on_model, on_end, in the
    order `train()` calls them for that trial); one RunResult per spec, in order.

    A trial whose hooks set `cancelled` ends "cancelled" alone; the others go on.
    """
    return [train(s, h, limits=limits, ctx=ctx) for s, h in zip(specs, hooks, strict=True)]
