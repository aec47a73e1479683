"""Training behaviour: reports, reproducibility, cancel, divergence, early stopping, penalties."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
import torch
from sklearn import metrics as sk_metrics
from torch import Tensor, nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from playground.ml.boundary import dequantize
from playground.ml.datasets import DataContext, load
from playground.ml.hooks import BoundaryGrid, EpochReport, Hooks, RunResult, RunStart, StepReport
from playground.ml.limits import Limits
from playground.ml.metrics import confusion_matrix, regression_metrics
from playground.ml.spec import GradClip
from playground.ml.step import clip_gradients
from playground.ml.train import train
from tests.factories import layers, linear, make_spec


class Recorder(Hooks):
    """Keeps every report; optionally cancels after `cancel_after` steps."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.starts: list[RunStart] = []
        self.steps: list[StepReport] = []
        self.epochs: list[EpochReport] = []
        self.grids: list[BoundaryGrid] = []
        self.ends: list[RunResult] = []
        self.model: nn.Module | None = None
        self.cancel_after = cancel_after
        self.seen_steps = 0

    def on_start(self, start: RunStart) -> None:
        self.starts.append(start)

    def on_step(self, report: StepReport) -> None:
        self.steps.append(report)
        if self.cancel_after is not None and report.step >= self.cancel_after:
            self.cancelled = True

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs.append(report)

    def on_boundary(self, grid: BoundaryGrid) -> None:
        self.grids.append(grid)

    def on_model(self, model: nn.Module) -> None:
        self.model = model

    def on_end(self, result: RunResult) -> None:
        self.ends.append(result)


def run(**sections: Any) -> tuple[RunResult, Recorder]:
    rec = Recorder()
    return train(make_spec(**sections), rec), rec


def test_reports_cover_the_whole_run() -> None:
    result, rec = run(training={"epochs": 4, "batch_size": 16, "log_every": 5})
    assert result.status == "succeeded"
    assert result.error is None
    assert len(rec.starts) == 1
    assert rec.ends == [result]
    start = rec.starts[0]
    steps_per_epoch = math.ceil(120 / 16)  # 200 samples, 60 % train
    assert start.total_steps == 4 * steps_per_epoch == result.steps
    assert start.summary["params"] == 2 * 8 + 8 + 8 * 2 + 2
    assert start.versions["torch"] == torch.__version__
    # Epoch 0 is the untrained model; then one report per epoch, in order.
    assert [e.epoch for e in rec.epochs] == [0, 1, 2, 3, 4]
    assert {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr"} <= set(
        rec.epochs[-1].metrics
    )
    # Step reports every 5 steps, plus a flush of the remainder at each epoch end.
    assert rec.steps[0].step == 5
    assert all(b.step > a.step for a, b in zip(rec.steps, rec.steps[1:], strict=False))
    assert rec.steps[-1].step == result.steps


def test_initial_loss_is_about_ln_classes() -> None:
    # G1 sanity check: an untrained classifier with small logits has loss ~ ln(C).
    _, rec = run(
        training={"epochs": 1, "init": {"weight": {"type": "normal", "std": 0.01}, "bias": "zeros"}}
    )
    assert rec.epochs[0].metrics["val_loss"] == pytest.approx(math.log(2), abs=0.01)


def test_layer_stats_report_gradient_and_update_ratio() -> None:
    _, rec = run()
    stats = rec.epochs[-1].layers
    assert [s.index for s in stats] == [0, 1]
    assert [s.type for s in stats] == ["Linear", "Linear"]
    for s in stats:
        assert s.grad_norm is not None
        assert s.grad_norm > 0
        assert s.update_ratio is not None
        assert 0 < s.update_ratio < 1
        assert s.weight_norm > 0
    assert all(s.grad_norm is None for s in rec.epochs[0].layers)  # nothing stepped yet


def test_boundary_grid_holds_probabilities() -> None:
    _, rec = run(training={"epochs": 2, "boundary_every": 1})
    assert [g.epoch for g in rec.grids] == [0, 1, 2]
    g = rec.grids[-1]
    assert g.channels == 2
    values = dequantize(g)
    assert values.shape == (g.resolution, g.resolution, 2)
    # Two class probabilities per point, each quantised to 1/255.
    assert torch.allclose(values.sum(-1), torch.ones(g.resolution, g.resolution), atol=2 / 255)
    assert rec.grids[0].data != rec.grids[-1].data  # the boundary moved
    plane = rec.starts[0].plane
    assert plane is not None
    assert len(plane["train"]) == 120
    assert len(plane["train"][0]) == 3


def test_regression_grid_spans_its_range() -> None:
    _, rec = run(data={"dataset": "plane", "n_samples": 200}, model=layers(linear(1)),
                 training={"epochs": 3, "boundary_every": 1})  # fmt: skip
    g = rec.grids[-1]
    values = dequantize(g)
    assert g.channels == 1
    assert g.lo < g.hi
    assert values.min().item() == pytest.approx(g.lo)
    assert values.max().item() == pytest.approx(g.hi)


def test_same_seed_same_series_other_seed_differs() -> None:
    def series(seed: int) -> list[Any]:
        _, rec = run(training={"seed": seed, "epochs": 3})
        return [s.loss for s in rec.steps] + [e.metrics for e in rec.epochs]

    assert series(7) == series(7)
    assert series(7) != series(8)


def test_dropout_runs_are_reproducible() -> None:
    def series(p: float, seed: int = 0) -> list[Any]:
        model = layers(linear(16, activation="ReLU"), {"type": "Dropout", "p": p}, linear(2))
        _, rec = run(model=model, training={"seed": seed})
        return [s.loss for s in rec.steps] + [e.metrics for e in rec.epochs]

    assert series(0.5) == series(0.5)  # the dropout masks come from the seed
    # ...and they are really drawn: the same run without dropout trains differently.
    assert series(0.5) != series(0.0)
    assert series(0.5, seed=1) != series(0.5)


def test_cancel_stops_within_one_step() -> None:
    rec = Recorder(cancel_after=3)
    result = train(make_spec(training={"epochs": 50, "log_every": 3}), rec)
    assert result.status == "cancelled"
    assert result.steps == 3  # the flag is read before the next step
    assert result.test == {}  # no test metrics for an unfinished run


def test_divergence_ends_the_run_with_epoch_and_step() -> None:
    result, rec = run(
        data={"dataset": "plane", "n_samples": 200},
        model=layers(linear(1)),
        training={"optimizer": {"type": "SGD", "lr": 90}, "epochs": 50, "log_every": 1},
    )
    assert result.status == "diverged"
    # Losses are read in batches, so a few more steps may run; the message names the
    # exact step, and the last step report is the one before it.
    match = re.fullmatch(
        r"the loss became (inf|nan) at epoch (\d+), step (\d+)", result.error or ""
    )
    assert match is not None, result.error
    epoch, step = int(match[2]), int(match[3])
    assert epoch == result.epochs < 50
    assert step <= result.steps
    assert all(math.isfinite(s.loss) for s in rec.steps)
    assert rec.steps[-1].step == step - 1


def test_early_stopping_keeps_the_best_epoch() -> None:
    result, rec = run(
        data={"dataset": "wine"},
        model=layers(linear(64, activation="ReLU"), linear(3)),
        training={
            "epochs": 300,
            "early_stopping": {"patience": 3},
            "optimizer": {"type": "Adam", "lr": 0.01},
        },
    )
    assert result.status == "succeeded"
    assert result.stopped_early
    assert result.best_epoch is not None
    assert result.epochs == result.best_epoch + 3
    val = {e.epoch: e.metrics["val_loss"] for e in rec.epochs}
    assert val[result.best_epoch] == min(v for k, v in val.items() if k >= 1)


def _test_split_outputs(rec: Recorder, data: dict[str, Any]) -> tuple[Tensor, Tensor]:
    """The trained model's outputs on the run's test split, and the targets."""
    assert rec.model is not None
    test = load(
        make_spec(data=data).data, DataContext()
    ).test  # the same seeded split the run tested on
    with torch.no_grad():
        return rec.model.eval()(test.x), test.y


def test_classification_test_metrics_and_confusion_match_sklearn() -> None:
    data = {"dataset": "iris"}
    result, rec = run(data=data, model=layers(linear(3)), training={"epochs": 5})
    out, y = _test_split_outputs(rec, data)
    pred = out.argmax(1)
    assert len(y) == 30  # 20 % of 150
    expected = sk_metrics.confusion_matrix(y, pred, labels=[0, 1, 2])
    assert result.confusion == expected.tolist()
    assert 0 < result.test["accuracy"] < 1  # errors off the diagonal: the test is not trivial
    assert result.test["accuracy"] == pytest.approx(sk_metrics.accuracy_score(y, pred))
    recall = sk_metrics.recall_score(y, pred, labels=[0, 1, 2], average=None, zero_division=0)
    assert result.per_class_accuracy == pytest.approx(recall.tolist())


def test_confusion_matrix_matches_sklearn() -> None:
    gen = torch.Generator().manual_seed(0)
    y, pred = torch.randint(0, 4, (500,), generator=gen), torch.randint(0, 4, (500,), generator=gen)
    pred[:50] = y[:50]  # some agreement, so the diagonal differs from the rest
    ours = confusion_matrix(pred, y, 4)  # row = true class, column = predicted
    assert ours.tolist() == sk_metrics.confusion_matrix(y, pred, labels=range(4)).tolist()
    # A class never predicted nor present still gets its row and column.
    assert confusion_matrix(torch.tensor([0, 0]), torch.tensor([0, 1]), 3).tolist() == [
        [1, 0, 0], [1, 0, 0], [0, 0, 0]]  # fmt: skip


def test_regression_reports_mse_mae_r2_as_sklearn_computes_them() -> None:
    data = {"dataset": "plane", "n_samples": 300}
    result, rec = run(data=data, model=layers(linear(1)), training={"epochs": 3})
    out, y = _test_split_outputs(rec, data)
    pred = out.reshape(y.shape)
    assert set(result.test) == {"loss", "mse", "mae", "r2"}
    assert result.test["r2"] == pytest.approx(sk_metrics.r2_score(y, pred), rel=1e-4)
    assert result.test["mse"] == pytest.approx(sk_metrics.mean_squared_error(y, pred), rel=1e-4)
    assert result.test["mae"] == pytest.approx(sk_metrics.mean_absolute_error(y, pred), rel=1e-4)
    assert 0 < result.test["r2"] < 1  # a partly trained model: not a degenerate value
    assert result.confusion is None
    assert {"val_mse", "val_mae", "val_r2"} <= set(rec.epochs[-1].metrics)


def test_multi_output_r2_is_sklearns_variance_weighted_r2() -> None:
    # Several outputs: 1 - (sum of all squared errors) / (sum of every column's variance).
    gen = torch.Generator().manual_seed(0)
    y = torch.randn(200, 3, generator=gen, dtype=torch.float64) * torch.tensor([1.0, 5.0, 0.2])
    pred = y + torch.randn(200, 3, generator=gen, dtype=torch.float64)
    ours = regression_metrics(pred, y, "")["r2"].item()
    assert ours == pytest.approx(sk_metrics.r2_score(y, pred, multioutput="variance_weighted"))
    assert ours != pytest.approx(sk_metrics.r2_score(y, pred))  # not the plain average


def test_step_lr_schedule_is_reported() -> None:
    _, rec = run(training={"epochs": 4, "optimizer": {"type": "SGD", "lr": 0.1},
                           "scheduler": {"type": "StepLR", "step_size": 2, "gamma": 0.5}})  # fmt: skip
    assert [e.metrics["lr"] for e in rec.epochs] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05])


def test_constant_init_never_breaks_symmetry() -> None:
    # D12: with every weight equal, all hidden units get equal gradients and stay equal.
    _, rec = run(training={"init": {"weight": {"type": "constant", "val": 0.1}, "bias": "zeros"}})
    assert rec.model is not None
    w = rec.model[0][0].weight  # Linear inside (Linear + Tanh)
    assert torch.allclose(w, w[0].expand_as(w))


def test_l1_penalty_shrinks_weights() -> None:
    def first_layer_norm(l1: float) -> float:
        _, rec = run(training={"l1": l1, "epochs": 10})
        return rec.epochs[-1].layers[0].weight_norm

    assert first_layer_norm(0.05) < 0.7 * first_layer_norm(0.0)


def test_batchnorm_with_a_single_sample_last_batch() -> None:
    # 120 training samples, batch 17: the last batch would hold 1 sample, which BatchNorm
    # cannot normalise in training mode; it joins the previous batch instead.
    result, _ = run(
        model=layers(linear(8), {"type": "BatchNorm1d"}, {"type": "ReLU"}, linear(2)),
        training={"batch_size": 17},
    )
    assert result.status == "succeeded", result.error
    assert result.steps == 3 * 7


def test_full_batch_is_one_step_per_epoch() -> None:
    result, _ = run(training={"batch_size": "full", "epochs": 5})
    assert result.steps == 5


def test_augmentation_changes_training_only() -> None:
    plain = run(data={"dataset": "digits", "n_samples": 300},
                model=layers({"type": "Flatten"}, linear(10)))[1].epochs  # fmt: skip
    noisy = run(data={"dataset": "digits", "n_samples": 300}, model=layers({"type": "Flatten"}, linear(10)),
                training={"augment": {"noise": 0.5, "hflip": True, "shift": 1}})[1].epochs  # fmt: skip
    assert plain[0].metrics == noisy[0].metrics  # same data and init before training
    assert plain[1].metrics["train_loss"] != noisy[1].metrics["train_loss"]


def test_missing_cuda_fails_clearly() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result, rec = run(training={"device": "cuda"})
    assert result.status == "failed"
    assert result.error == "training.device: CUDA is not available on this worker"
    assert rec.ends == [result]


def _gradients_at_each_step(**training: Any) -> list[list[Tensor]]:
    """The gradients each optimizer step of a real run applies, as the loop leaves them."""
    seen: list[list[Tensor]] = []

    def record(optimizer: torch.optim.Optimizer, *_: Any) -> None:
        grads = [p.grad for g in optimizer.param_groups for p in g["params"] if p.grad is not None]
        seen.append([g.detach().clone() for g in grads])

    handle = register_optimizer_step_pre_hook(record)
    try:
        result, _ = run(training={"epochs": 2, **training})
    finally:
        handle.remove()
    assert result.status == "succeeded", result.error
    assert len(seen) == result.steps
    return seen


def _total_norm(grads: list[Tensor]) -> float:
    return torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g) for g in grads])
    ).item()


def test_gradient_clipping_by_norm_bounds_every_step() -> None:
    free = [_total_norm(g) for g in _gradients_at_each_step()]
    assert max(free) > 0.1  # unclipped, the gradients are larger than the bound
    clipped = [_total_norm(g) for g in _gradients_at_each_step(grad_clip={"max_norm": 0.1})]
    assert max(clipped) <= 0.1 * (1 + 1e-5)
    assert max(clipped) > 0.09  # clipped onto the bound, not zeroed


def test_gradient_clipping_by_value_bounds_every_entry() -> None:
    def largest(steps: list[list[Tensor]]) -> float:
        return max(g.abs().max().item() for grads in steps for g in grads)

    assert largest(_gradients_at_each_step()) > 0.01
    clipped = _gradients_at_each_step(grad_clip={"value": 0.01})
    assert largest(clipped) == pytest.approx(0.01)  # entries beyond the bound sit on it
    assert any((g.abs() < 0.01).any() for grads in clipped for g in grads)  # others kept


def test_clip_gradients_on_a_model() -> None:
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))

    def fresh_gradients() -> list[Tensor]:
        model.zero_grad()
        model(torch.randn(32, 4) * 10).square().sum().backward()  # type: ignore[no-untyped-call]
        return [p.grad for p in model.parameters() if p.grad is not None]

    grads = fresh_gradients()
    raw = [g.clone() for g in grads]
    clip_gradients(model.parameters(), None)
    assert all(torch.equal(a, b) for a, b in zip(raw, grads, strict=True))  # no clip: untouched
    assert _total_norm(fresh_gradients()) > 0.5
    clip_gradients(model.parameters(), GradClip(max_norm=0.5))
    clipped = [p.grad for p in model.parameters() if p.grad is not None]
    assert _total_norm(clipped) == pytest.approx(0.5, rel=1e-5)  # scaled onto the bound
    assert max(g.abs().max().item() for g in fresh_gradients()) > 0.05
    clip_gradients(model.parameters(), GradClip(value=0.05))
    largest = max(p.grad.abs().max().item() for p in model.parameters() if p.grad is not None)
    assert largest == pytest.approx(0.05)  # float32 0.05: entries beyond it sit on it


def test_time_limit_fails_the_run_with_a_message() -> None:
    rec = Recorder()
    result = train(make_spec(training={"epochs": 10_000}), rec, limits=Limits(max_seconds=0.5))
    assert result.status == "failed"
    assert result.error == "the run exceeded its time limit of 0.5 s"
    assert 0 < result.epochs < 10_000
    assert result.seconds < 5


def test_a_2d_run_without_a_test_split_trains() -> None:
    # "split": {"test": 0} turns the test split off; plotting its (no) points used to fail.
    spec = make_spec(data={"dataset": "spiral", "n_samples": 200, "split": {"test": 0.0}})
    starts: list[RunStart] = []

    class Starts(Hooks):
        def on_start(self, start: RunStart) -> None:
            starts.append(start)

    result = train(spec, Starts())
    assert result.status == "succeeded", result.error
    assert result.test == {}
    assert starts[0].plane is not None
    assert starts[0].plane["test"] == []
