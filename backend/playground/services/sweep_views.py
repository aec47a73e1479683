"""What clients see of a sweep: its trials' statuses and final metrics, and the best one.

Built from stored records only (no queries here), so the REST view and the stream's first
message are the same thing.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from playground.store.records import RunRecord, SweepRecord
from playground.store.states import ACTIVE, RunStatus

SweepStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
SweepKind = Literal["sweep", "ablation"]


@dataclass(frozen=True, slots=True)
class TrialView:
    """One trial: the run, the values it tried, and where it got."""

    run_id: int
    index: int
    params: dict[str, Any]  # path -> value; ablations: {"ablation": label}
    seed: int
    status: RunStatus
    epoch: int  # epochs done
    final: dict[str, float | None]  # last epoch's train_/val_ metrics, test_ ones at the end
    error: str | None


@dataclass(frozen=True, slots=True)
class BestTrial:
    run_id: int
    value: float


@dataclass(frozen=True, slots=True)
class SweepSummary:
    """A sweep in the list: counts, not trials."""

    id: int
    name: str
    kind: SweepKind
    base_run_id: int | None
    created_at: datetime
    status: SweepStatus
    counts: dict[str, int]  # status -> trials
    metric: str
    params: list[str]  # the paths it varies (ablations: ["ablation"])


@dataclass(frozen=True, slots=True)
class SweepView(SweepSummary):
    """A sweep with every trial and the best one by `metric`."""

    trials: list[TrialView]
    best: BestTrial | None
    base: dict[str, Any]  # the run spec every trial started from


def sweep_status(counts: dict[str, int]) -> SweepStatus:
    """Queued until a trial starts, running while any is active; then failed if any
    failed, cancelled if any was cancelled, else succeeded (diverged trials are results)."""
    active = sum(counts.get(s.value, 0) for s in ACTIVE)
    if active:
        return "queued" if counts.get("queued", 0) == sum(counts.values()) else "running"
    if counts.get("failed"):
        return "failed"
    if counts.get("cancelled") or not counts:
        return "cancelled"
    return "succeeded"


def param_paths(sweep: SweepRecord) -> list[str]:
    if sweep.kind == "ablation":
        return ["ablation"]
    random = sweep.request.get("random") or {}  # SweepRequest as stored (model_dump)
    return [*sweep.request.get("grid", {}), *random.get("paths", {})]


def summary(sweep: SweepRecord, counts: dict[str, int]) -> SweepSummary:
    return SweepSummary(
        id=sweep.id, name=sweep.name, kind="ablation" if sweep.kind == "ablation" else "sweep",
        base_run_id=sweep.base_run_id, created_at=sweep.created_at,
        status=sweep_status(counts), counts=counts, metric=sweep.metric,
        params=param_paths(sweep),
    )  # fmt: skip


def view(
    sweep: SweepRecord, runs: list[RunRecord], finals: dict[int, dict[str, float | None]]
) -> SweepView:
    trials = [trial_view(r, finals.get(r.id, {})) for r in runs]
    counts = dict(Counter(str(r.status) for r in runs))
    head = summary(sweep, counts)
    values = {f.name: getattr(head, f.name) for f in head.__dataclass_fields__.values()}
    return SweepView(
        **values, trials=trials, best=best(trials, sweep.metric),
        base=sweep.request.get("base", {}),
    )  # fmt: skip


def trial_view(run: RunRecord, final: dict[str, float | None]) -> TrialView:
    trial = run.trial or {}
    test = (run.result or {}).get("test") or {}
    final = {**final, **{f"test_{k}": v for k, v in test.items() if _number(v)}}
    return TrialView(
        run_id=run.id, index=int(trial.get("index", 0)), params=trial.get("params", {}),
        seed=run.seed, status=run.status, epoch=run.epochs_done, final=final, error=run.error,
    )  # fmt: skip


def best(trials: list[TrialView], metric: str) -> BestTrial | None:
    """The trial with the lowest loss / highest other metric; None while none has one."""
    sign = -1.0 if "loss" in metric or metric.endswith(("mse", "mae")) else 1.0
    scored: list[tuple[float, int, float]] = []
    for t in trials:
        value = t.final.get(metric)
        if value is not None and _finite(value):
            scored.append((sign * value, -t.run_id, value))  # ties: the earlier trial
    if not scored:
        return None
    _, run_id, value = max(scored)
    return BestTrial(-run_id, float(value))


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _finite(v: Any) -> bool:
    return _number(v) and math.isfinite(v)
