"""Machine-checked claims of a run spec (`expect`): what a learner should see, as numbers.

A claim maps a key of a small, fixed vocabulary to a range `[lo, hi]` (either end may be
`null`, i.e. open) or, for `status`, to the expected status. Training ignores claims; they
are checked afterwards from what `train()` reports (RunResult, EpochReports, StepReports),
by `check()` here, by tests/unit/test_preset_claims.py and by bench/presets.py.

    "expect": {"test.accuracy": [0.9, 1.0], "epoch0.train_loss": [0.6, 0.8]}
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, get_args

from pydantic import AfterValidator
from torch import nn

from playground.ml.hooks import EpochReport, Hooks, LayerStats, RunResult, Status, StepReport

if TYPE_CHECKING:
    from playground.ml.spec import RunSpec

SMOOTHING = 0.6  # the browser app's default EMA weight for the loss chart (D14)

# Families of keys: prefix -> (allowed names, what the value is).
FAMILIES: dict[str, tuple[tuple[str, ...], str]] = {
    "test": (
        ("accuracy", "loss", "mse", "mae", "r2"),
        "a test metric, measured once after training (F4, F5)",
    ),
    "epoch0": (
        ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"),
        "a metric of the untrained model at epoch 0 (G1: initial loss ~ ln C)",
    ),
    "final": (
        ("train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"),
        "a metric of the last epoch",
    ),
}
KEYS: dict[str, str] = {
    "status": 'how the run ended: "succeeded" (implied when absent), "diverged", ...',
    "epochs": "epochs trained (fewer than asked when early stopping stopped the run)",
    "steps": "optimizer steps (iterations) taken: epochs x batches per epoch (D11)",
    "best_epoch": "the epoch early stopping kept as best (E7)",
    "gap.loss": "final val_loss - train_loss; large = over-fitting (F3)",
    "gap.accuracy": "final train_accuracy - val_accuracy; large = over-fitting (F3)",
    "rise.val_loss": "final val_loss - its lowest value over the epochs: the U of over-fitting",
    "grad.first": "gradient norm of the first layer with parameters, last epoch (B10, G7)",
    "grad.first_over_last": "first / last layer gradient norm, last epoch: tiny = vanishing (B11)",
    "grad.peak": "largest total gradient norm (all layers, before clipping) over the epochs (D10)",
    "update_ratio.median": "median over layers of |update| / |weights|, last epoch (G8: ~1e-3)",
    "step_loss.noise": "mean |change| between consecutive step losses / mean step loss (D14)",
    "step_loss.smoothed_noise": f"the same for the EMA-smoothed step loss (weight {SMOOTHING})",
    "rerun.max_diff": "largest difference of any epoch or test metric when trained again (G9)",
    # Measured with the inspect views on the trained model (what the pictures show):
    "view.dead_fraction": "largest fraction of dead ReLU units in any layer (activations, B10)",
    "view.saturated_fraction": "largest fraction of saturated tanh/sigmoid outputs (B11)",
    "view.zero_weights": "fraction of weights with |w| < 1e-3, over all layers (weights, E2)",
    "view.gradcheck_error": "largest relative error of autograd vs finite differences (D13)",
    "view.flip_eps": "smallest FGSM eps of 0.05..3 that flips test sample 0 (adversarial, H5)",
    "view.receptive_field": "receptive field (pixels) of the last conv/pool layer (H6)",
}
for _prefix, (_names, _what) in FAMILIES.items():
    for _name in _names:
        KEYS[f"{_prefix}.{_name}"] = _what
STATUSES: tuple[str, ...] = get_args(Status)

Bound = tuple[float | None, float | None]


def _check_claims(value: dict[str, Bound | str]) -> dict[str, Bound | str]:
    for key, bound in value.items():
        if key not in KEYS:
            raise ValueError(f"unknown claim {key!r}; known: {', '.join(sorted(KEYS))}")
        if key == "status":
            if bound not in STATUSES:
                raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {bound!r}")
        elif isinstance(bound, str):
            raise ValueError(f"{key} takes a range [lo, hi] (null = open), not {bound!r}")
        else:
            lo, hi = bound
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{key}: lower bound {lo} is above upper bound {hi}")
    return value


Expect = Annotated[dict[str, Bound | str], AfterValidator(_check_claims)]
EXPECT_HELP = (
    "Claims checked after training, never used by it: claim -> [lo, hi] (null = open end), "
    '"status" -> a status. Keys: ' + "; ".join(f"{k}: {v}" for k, v in KEYS.items()) + "."
)


@dataclass
class Record(Hooks):
    """Collects what training reports, for measuring claims; forwards nothing."""

    epochs: list[EpochReport] = field(default_factory=list)
    steps: list[StepReport] = field(default_factory=list)
    model: nn.Module | None = None  # the trained model, for the view claims

    def on_model(self, model: nn.Module) -> None:
        self.model = model

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs.append(report)

    def on_step(self, report: StepReport) -> None:
        self.steps.append(report)


@dataclass
class Check:
    """One claim and what the run measured for it."""

    key: str
    expected: Bound | str
    measured: float | str | None
    ok: bool

    def describe_expected(self) -> str:
        if isinstance(self.expected, str):
            return self.expected
        lo, hi = self.expected
        if lo is None:
            return f"<= {hi:g}" if hi is not None else "any"
        return f">= {lo:g}" if hi is None else f"[{lo:g}, {hi:g}]"


def measure(
    key: str,
    result: RunResult,
    record: Record,
    rerun: Callable[[], Any] | None = None,
    spec: RunSpec | None = None,
) -> float | str | None:
    """The value of one claim key for a finished run (None: the run did not report it)."""
    if key == "status":
        return result.status
    if key in ("epochs", "steps"):
        return float(getattr(result, key))
    if key == "best_epoch":
        return None if result.best_epoch is None else float(result.best_epoch)
    prefix, _, name = key.partition(".")
    first = record.epochs[0].metrics if record.epochs else {}
    last = record.epochs[-1].metrics if record.epochs else {}
    if prefix == "test":
        return result.test.get(name)
    if prefix == "epoch0":
        return first.get(name)
    if prefix == "final":
        return last.get(name)
    if key == "gap.loss":
        return _diff(last.get("val_loss"), last.get("train_loss"))
    if key == "gap.accuracy":
        return _diff(last.get("train_accuracy"), last.get("val_accuracy"))
    if key == "rise.val_loss":
        vals = [e.metrics["val_loss"] for e in record.epochs if "val_loss" in e.metrics]
        return vals[-1] - min(vals) if vals else None
    if prefix == "grad":
        return _grad(key, record)
    if key == "update_ratio.median":
        ratios = [s.update_ratio for s in _last_layers(record) if s.update_ratio is not None]
        return statistics.median(ratios) if ratios else None
    if prefix == "step_loss":
        losses = [s.loss for s in record.steps]
        return _noise(_ema(losses) if name == "smoothed_noise" else losses)
    if key == "rerun.max_diff":
        return rerun() if rerun is not None else None
    if prefix == "view":
        from playground.ml.view_claims import view_claim  # views import the registry

        return view_claim(name, spec, record.model) if spec and record.model else None
    raise KeyError(key)  # unreachable: keys are validated


def evaluate(
    expect: dict[str, Bound | str],
    result: RunResult,
    record: Record,
    rerun: Callable[[], Any] | None = None,
    spec: RunSpec | None = None,
) -> list[Check]:
    """Every claim of `expect` against one finished run; `status` is implied "succeeded"."""
    claims: dict[str, Bound | str] = {"status": "succeeded", **expect}
    checks = []
    for key, bound in claims.items():
        value = measure(key, result, record, rerun, spec)
        if isinstance(bound, str):
            ok = value == bound
        else:
            ok = isinstance(value, float | int) and _within(float(value), *bound)
        checks.append(Check(key, bound, value, bool(ok)))
    return checks


def check(spec: RunSpec) -> tuple[RunResult, list[Check]]:
    """Train `spec` once (twice for rerun.max_diff) and check every claim of its `expect`."""
    from playground.ml.train import train  # train imports spec, which imports this module

    record = Record()
    result = train(spec, record)

    def rerun() -> float:
        again = Record()
        second = train(spec, again)
        return max_difference(result, record, second, again)

    return result, evaluate(spec.expect or {}, result, record, rerun, spec)


def max_difference(a: RunResult, ra: Record, b: RunResult, rb: Record) -> float:
    """Largest absolute difference between two runs' epoch metrics, step losses and test
    metrics; inf when their shapes differ (different epochs or metric names)."""
    pairs: list[tuple[dict[str, float], dict[str, float]]] = [(a.test, b.test)]
    if len(ra.epochs) != len(rb.epochs) or len(ra.steps) != len(rb.steps):
        return math.inf
    pairs += [(x.metrics, y.metrics) for x, y in zip(ra.epochs, rb.epochs, strict=True)]
    pairs.append(
        (
            {str(i): s.loss for i, s in enumerate(ra.steps)},
            {str(i): s.loss for i, s in enumerate(rb.steps)},
        )
    )
    worst = 0.0
    for x, y in pairs:
        if x.keys() != y.keys():
            return math.inf
        for k in x:
            worst = max(worst, abs(x[k] - y[k]))
    return worst


def _within(value: float, lo: float | None, hi: float | None) -> bool:
    return (
        math.isfinite(value)
        and (lo is None or value >= lo - _slack(lo))
        and (hi is None or value <= hi + _slack(hi))
    )


def _slack(bound: float) -> float:
    """Metrics are float32: 27/30 reads as 0.89999998, which must still meet 0.9."""
    return 1e-6 * max(1.0, abs(bound))


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _last_layers(record: Record) -> list[LayerStats]:
    return record.epochs[-1].layers if record.epochs else []


def _grad(key: str, record: Record) -> float | None:
    if key == "grad.peak":
        totals = [
            math.sqrt(sum(s.grad_norm**2 for s in e.layers if s.grad_norm is not None))
            for e in record.epochs
        ]
        return max(totals) if totals else None
    norms = [s.grad_norm for s in _last_layers(record) if s.grad_norm is not None]
    if not norms:
        return None
    if key == "grad.first":
        return norms[0]
    return norms[0] / norms[-1] if norms[-1] > 0 else None


def _ema(values: list[float], weight: float = SMOOTHING) -> list[float]:
    """Debiased exponential moving average, as the app's loss chart draws it."""
    out, s = [], 0.0
    for n, v in enumerate(values, start=1):
        s = weight * s + (1 - weight) * v
        out.append(s / (1 - weight**n))
    return out


def _noise(values: list[float]) -> float | None:
    """Mean |v[i+1] - v[i]| / mean |v| over the second half of a curve (after the drop)."""
    tail = values[len(values) // 2 :]
    if len(tail) < 2:
        return None
    scale = sum(abs(v) for v in tail) / len(tail)
    jumps = sum(abs(b - a) for a, b in itertools.pairwise(tail)) / (len(tail) - 1)
    return jumps / scale if scale > 0 else None
