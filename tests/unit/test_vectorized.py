"""Grouped training (ml/vectorized): a trial trained in a group reports what it reports alone.

Tolerance: on the CPU with the same thread count, every reported float (step losses, epoch
metrics, layer statistics, test metrics) and every final weight of a trial trained in a
group is within TOL of the same spec trained by `train()` alone. The two differ only in
float32 rounding: one batched matmul (baddbmm) per layer instead of one per trial, and the
optimizer's per-trial settings multiplied as tensors rather than Python scalars. Boundary
grids are bytes (1/255 steps) and may differ by one level where a value sits on a rounding
edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pytest
import torch
from torch import nn

from playground.ml.boundary import dequantize
from playground.ml.hooks import BoundaryGrid, EpochReport, Hooks, RunResult, RunStart, StepReport
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.vectorized import group_key, train_group
from playground.ml.vectorized.group import _state_layout
from tests.factories import layers, linear, make_spec

TOL = 1e-5


class Recorder(Hooks):
    """Keeps every report, the order of the hook calls, and copies of snapshot weights."""

    def __init__(self, cancel_at_step: int | None = None) -> None:
        self.calls: list[str] = []
        self.start: RunStart | None = None
        self.steps: list[StepReport] = []
        self.epochs: list[EpochReport] = []
        self.grids: list[BoundaryGrid] = []
        self.snapshots: dict[int, list[torch.Tensor]] = {}
        self.model: nn.Module | None = None
        self.end: RunResult | None = None
        self.ticks = 0
        self.cancel_at_step = cancel_at_step

    def tick(self) -> float:
        self.ticks += 1
        if self.cancel_at_step is not None and self.ticks > self.cancel_at_step:
            self.cancelled = True
        return 0.0

    def on_start(self, start: RunStart) -> None:
        self.calls.append("start")
        self.start = start

    def on_step(self, report: StepReport) -> None:
        self.calls.append("step")
        self.steps.append(report)

    def on_epoch(self, report: EpochReport) -> None:
        self.calls.append(f"epoch {report.epoch}")
        self.epochs.append(report)

    def on_boundary(self, grid: BoundaryGrid) -> None:
        self.calls.append(f"boundary {grid.epoch}")
        self.grids.append(grid)

    def on_snapshot(self, epoch: int, model: nn.Module) -> None:
        self.calls.append(f"snapshot {epoch}")
        self.snapshots[epoch] = [p.detach().clone() for p in model.parameters()]

    def on_model(self, model: nn.Module) -> None:
        self.calls.append("model")
        self.model = model

    def on_end(self, result: RunResult) -> None:
        self.calls.append("end")
        self.end = result


def alone_and_grouped(
    specs: list[RunSpec], cancel_at: dict[int, int] | None = None, **kw: Any
) -> tuple[list[Recorder], list[Recorder], list[RunResult]]:
    """Each spec trained alone by train(), then all together by train_group; trial i's
    hooks cancel after cancel_at[i] ticks in both."""
    cancel_at = cancel_at or {}
    alone = [Recorder(cancel_at.get(i)) for i in range(len(specs))]
    for spec, rec in zip(specs, alone, strict=True):
        train(spec, rec, **kw)
    grouped = [Recorder(cancel_at.get(i)) for i in range(len(specs))]
    results = train_group(specs, grouped, **kw)
    return alone, grouped, results


def assert_same_run(a: Recorder, g: Recorder) -> None:
    """Trial g (grouped) reported what run a (alone) reported, within TOL."""
    assert g.calls == a.calls
    assert a.end is not None
    assert g.end is not None
    assert a.start is not None
    assert g.start == a.start
    assert (g.end.status, g.end.epochs, g.end.steps, g.end.error) == (
        a.end.status, a.end.epochs, a.end.steps, a.end.error,
    )  # fmt: skip
    assert [(s.step, s.epoch) for s in g.steps] == [(s.step, s.epoch) for s in a.steps]
    assert [s.loss for s in g.steps] == pytest.approx([s.loss for s in a.steps], abs=TOL)
    for ea, eg in zip(a.epochs, g.epochs, strict=True):
        assert (eg.epoch, eg.step) == (ea.epoch, ea.step)
        assert list(eg.metrics) == list(ea.metrics)
        assert eg.metrics == pytest.approx(ea.metrics, abs=TOL)
        for la, lg in zip(ea.layers, eg.layers, strict=True):
            assert (lg.index, lg.type) == (la.index, la.type)
            assert lg.weight_norm == pytest.approx(la.weight_norm, abs=TOL)
            assert (lg.grad_norm is None) == (la.grad_norm is None)
            assert (lg.grad_norm or 0) == pytest.approx(la.grad_norm or 0, abs=TOL)
            assert (lg.update_ratio or 0) == pytest.approx(la.update_ratio or 0, abs=TOL)
    for ga, gg in zip(a.grids, g.grids, strict=True):
        assert (gg.epoch, gg.channels, gg.resolution) == (ga.epoch, ga.channels, ga.resolution)
        assert (gg.lo, gg.hi) == pytest.approx((ga.lo, ga.hi), abs=TOL)
        assert (dequantize(gg) - dequantize(ga)).abs().max() <= (ga.hi - ga.lo) / 255 + TOL
    assert g.snapshots.keys() == a.snapshots.keys()
    for epoch, weights in a.snapshots.items():
        for wa, wg in zip(weights, g.snapshots[epoch], strict=True):
            torch.testing.assert_close(wg, wa, atol=TOL, rtol=0)
    assert g.end.test == pytest.approx(a.end.test, abs=TOL)
    assert g.end.confusion == a.end.confusion
    assert a.model is not None
    assert g.model is not None
    for pa, pg in zip(a.model.parameters(), g.model.parameters(), strict=True):
        torch.testing.assert_close(pg, pa, atol=TOL, rtol=0, equal_nan=True)


def spiral(seed: int, optimizer: dict[str, Any], **training: Any) -> RunSpec:
    return make_spec(
        model=layers(linear(8, activation="Tanh"), linear(8, activation="Tanh"), linear(2)),
        training={"epochs": 4, "batch_size": 10, "seed": seed, "optimizer": optimizer, **training},
    )


def test_a_group_trains_each_trial_as_it_trains_alone() -> None:
    specs = [
        spiral(s, {"type": "SGD", "lr": lr, "momentum": m})
        for s, lr, m in [(0, 0.03, 0.9), (1, 0.1, 0.0), (2, 0.01, 0.5), (3, 0.3, 0.9), (3, 0.03, 0.9)]
    ]  # fmt: skip
    assert len({group_key(s) for s in specs}) == 1
    alone, grouped, results = alone_and_grouped(specs)
    assert [r.status for r in results] == ["succeeded"] * 5
    assert results == [g.end for g in grouped]
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)
    # Trials really differ (seeds and rates), so the equality above is not vacuous.
    assert len({r.test["loss"] for r in results}) == 5


@pytest.mark.parametrize(
    ("optimizers", "extra"),
    [
        (
            [
                {"type": "Adam", "lr": 0.01},
                {"type": "Adam", "lr": 0.003, "betas": [0.8, 0.99], "weight_decay": 0.01},
            ],
            [
                {"scheduler": "ExponentialLR", "l2": 0.01},
                {"scheduler": {"type": "StepLR", "step_size": 2, "gamma": 0.5}, "l1": 0.001},
            ],
        ),
        (
            [
                {"type": "AdamW", "lr": 0.01},
                {"type": "AdamW", "lr": 0.02, "weight_decay": 0.2, "eps": 1e-6},
            ],
            [
                {"grad_clip": {"max_norm": 0.5}, "scheduler": "CosineAnnealingLR"},
                {"grad_clip": {"max_norm": 5}},
            ],
        ),
        (
            [
                {"type": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True},
                {
                    "type": "SGD",
                    "lr": 0.02,
                    "momentum": 0.5,
                    "nesterov": True,
                    "weight_decay": 0.01,
                },
            ],
            [
                {"grad_clip": {"value": 0.1}, "scheduler": "LinearWarmup"},
                {"grad_clip": {"value": 1}},
            ],
        ),
        (
            [
                {"type": "SGD", "lr": 0.05, "momentum": 0.9, "dampening": 0.5},
                {"type": "SGD", "lr": 0.1},
            ],
            [{}, {"init": {"weight": "xavier_uniform", "bias": "zeros"}}],
        ),
    ],
    ids=[
        "adam-schedules-penalties",
        "adamw-clip-norm",
        "nesterov-clip-value",
        "sgd-dampening-init",
    ],
)
def test_per_trial_optimizer_settings_schedules_and_penalties(
    optimizers: list[dict[str, Any]], extra: list[dict[str, Any]]
) -> None:
    specs = [spiral(i, o, **x) for i, (o, x) in enumerate(zip(optimizers, extra, strict=True))]
    assert group_key(specs[0]) is not None
    assert group_key(specs[0]) == group_key(specs[1])
    alone, grouped, results = alone_and_grouped(specs)
    assert [r.status for r in results] == ["succeeded", "succeeded"]
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)


def test_regression_trials_report_mse_mae_r2_and_value_grids() -> None:
    specs = [
        make_spec(
            data={"dataset": "plane", "n_samples": 200},
            model=layers(linear(4, activation="ReLU"), linear(1)),
            training={"epochs": 3, "seed": s, "optimizer": {"type": "Adam", "lr": 0.01 * (s + 1)}},
        )
        for s in range(3)
    ]
    alone, grouped, _ = alone_and_grouped(specs)
    assert {"val_mse", "val_mae", "val_r2"} <= set(grouped[0].epochs[-1].metrics)
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)


def test_a_cancelled_trial_ends_alone_and_the_others_succeed() -> None:
    # One step report an epoch: the steps of a cut epoch are reported only if the loop
    # happened to read them (at most 20 reads a second), alone and grouped alike, so with
    # a report every step the two would differ by timing alone on a loaded machine.
    sgd = {"type": "SGD", "lr": 0.03, "momentum": 0.9}
    specs = [spiral(s, sgd, log_every=12) for s in range(4)]
    # 12 steps and 13 ticks an epoch: the 31st tick comes before the 5th step of epoch 3.
    alone, grouped, results = alone_and_grouped(specs, cancel_at={1: 30})
    assert [r.status for r in results] == ["succeeded", "cancelled", "succeeded", "succeeded"]
    assert (results[1].epochs, results[1].steps) == (3, 28)
    assert results[1].test == {}
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)


def test_a_diverging_trial_ends_diverged_alone() -> None:
    specs = [
        make_spec(
            data={"dataset": "plane", "n_samples": 200},
            model=layers(linear(1)),
            training={"optimizer": {"type": "SGD", "lr": lr}, "epochs": 30, "log_every": 1},
        )
        for lr in (0.01, 90.0, 0.02)
    ]
    grouped = [Recorder() for _ in specs]
    results = train_group(specs, grouped)
    assert [r.status for r in results] == ["succeeded", "diverged", "succeeded"]
    match = re.fullmatch(r"the loss became (inf|nan) at epoch (\d+), step (\d+)", results[1].error or "")  # fmt: skip
    assert match is not None, results[1].error
    assert int(match[2]) == results[1].epochs < 30
    assert all(math.isfinite(s.loss) for s in grouped[1].steps)
    assert grouped[1].steps[-1].step == int(match[3]) - 1
    assert grouped[1].calls[-2:] == ["model", "end"]
    assert results[0].epochs == results[2].epochs == 30
    # The survivors are unaffected by the NaNs next to them.
    alone = Recorder()
    train(specs[2], alone)
    assert_same_run(alone, grouped[2])


def test_an_invalid_trial_fails_alone() -> None:
    good = spiral(0, {"type": "SGD", "lr": 0.03})
    bad = spiral(1, {"type": "SGD", "lr": 0.03}, epochs=50)
    recs = [Recorder(), Recorder()]
    results = train_group([good, bad], recs, limits=Limits(max_epochs=10))
    assert [r.status for r in results] == ["succeeded", "failed"]
    assert "epochs" in (results[1].error or "")
    assert recs[1].calls == ["end"]


def test_the_time_limit_fails_every_trial_still_training() -> None:
    specs = [spiral(s, {"type": "SGD", "lr": 0.03}, epochs=10_000) for s in range(2)]
    results = train_group(specs, [Recorder(), Recorder()], limits=Limits(max_seconds=0.3))
    assert [r.status for r in results] == ["failed", "failed"]
    assert all("time limit of 0.3 s" in (r.error or "") for r in results)


def test_a_group_of_one_and_an_empty_group() -> None:
    rec = Recorder()
    [result] = train_group([spiral(0, {"type": "Adam", "lr": 0.01})], [rec])
    assert result.status == "succeeded"
    assert train_group([], []) == []


def test_group_keys() -> None:
    base = spiral(0, {"type": "SGD", "lr": 0.03, "momentum": 0.9})
    key = group_key(base)
    assert key is not None
    # Seeds, rates, momentum, init, l2 and schedules may differ within a group.
    same = spiral(
        5, {"type": "SGD", "lr": 0.5, "momentum": 0.1}, l2=0.1, scheduler="ExponentialLR",
        init={"weight": "xavier_uniform"},
    )  # fmt: skip
    assert group_key(same) == key
    # Widths, batch size, epochs, optimizer type or data do not.
    assert group_key(spiral(0, {"type": "Adam"})) != key
    assert group_key(spiral(0, {"type": "SGD", "lr": 0.03, "momentum": 0.9}, epochs=5)) != key
    assert group_key(spiral(0, {"type": "SGD", "lr": 0.03, "momentum": 0.9}, batch_size=8)) != key
    wider = make_spec(model=layers(linear(9, activation="Tanh"), linear(8, activation="Tanh"), linear(2)),
                      training=base.training.model_dump())  # fmt: skip
    assert group_key(wider) != key
    # Not groupable (yet): convolutions, dropout, batch norm, early stopping, Adagrad.
    cnn = make_spec(
        data={"dataset": "digits"},
        model=layers(
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 3}, {"type": "Flatten"}, linear(10)
        ),
    )
    assert group_key(cnn) is None
    dropout = make_spec(model=layers(linear(8, activation="ReLU"), {"type": "Dropout"}, linear(2)))
    assert group_key(dropout) is None
    assert group_key(make_spec(model=layers(linear(8), {"type": "BatchNorm1d"}, linear(2)))) is None
    assert group_key(make_spec(training={"early_stopping": {"patience": 2}})) is None
    assert group_key(make_spec(training={"optimizer": {"type": "Adagrad"}})) is None
    assert group_key(make_spec(model=layers(linear(8, activation="PReLU"), linear(2)))) is None
    frozen = make_spec(model=layers(linear(8, activation="Tanh", freeze=True), linear(2)))
    assert group_key(frozen) is None
    copied = linear(8, from_run={"run": 1, "layer": "model.layers[0]"})
    assert group_key(make_spec(model=layers(copied, linear(2)))) is None


def test_log_softmax_with_nll_groups_and_matches() -> None:
    specs = [
        make_spec(
            model=layers(linear(6, activation="ELU"), linear(2), {"type": "LogSoftmax", "dim": 1}),
            training={
                "epochs": 2,
                "loss": "NLLLoss",
                "seed": s,
                "optimizer": {"type": "Adam", "lr": 0.02},
            },
        )
        for s in range(2)
    ]
    assert group_key(specs[0]) is not None
    alone, grouped, _ = alone_and_grouped(specs)
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)


def test_specs_of_several_groups_train_each_part_as_it_can() -> None:
    sgd = [spiral(s, {"type": "SGD", "lr": 0.05}, epochs=2) for s in range(2)]
    adam = spiral(0, {"type": "Adam", "lr": 0.01}, epochs=2)
    dropout = make_spec(
        model=layers(linear(8, activation="ReLU"), {"type": "Dropout", "p": 0.2}, linear(2)),
        training={"epochs": 2},
    )
    specs = [sgd[0], adam, dropout, sgd[1]]
    assert group_key(dropout) is None
    alone, grouped, results = alone_and_grouped(specs)
    assert [r.status for r in results] == ["succeeded"] * 4
    for a, g in zip(alone, grouped, strict=True):
        assert_same_run(a, g)


class StateRecorder(Recorder):
    """Takes snapshots as states (as PipeHooks does); builds the module to compare."""

    def __init__(self) -> None:
        super().__init__()
        self.states: dict[int, dict[str, torch.Tensor]] = {}

    def on_snapshot_state(
        self, epoch: int, state: dict[str, torch.Tensor], model: Callable[[], nn.Module]
    ) -> None:
        self.calls.append(f"snapshot {epoch}")
        self.states[epoch] = state
        built = model().state_dict()
        assert list(state) == list(built)
        for name, t in state.items():
            assert t.device.type == "cpu"
            assert t.is_contiguous()
            assert t.dtype == built[name].dtype
            assert torch.equal(t, built[name]), name
            assert t.data_ptr() != built[name].data_ptr()  # a copy the hooks may keep


def test_a_group_gives_its_snapshots_as_state_dicts_of_the_trained_weights() -> None:
    specs = [spiral(s, {"type": "SGD", "lr": 0.1}) for s in range(3)]
    alone = [Recorder() for _ in specs]
    for spec, rec in zip(specs, alone, strict=True):
        train(spec, rec)
    grouped = [StateRecorder() for _ in specs]
    train_group(specs, grouped)
    for a, g in zip(alone, grouped, strict=True):
        assert g.calls == a.calls
        assert g.states.keys() == a.snapshots.keys()
        for epoch, weights in a.snapshots.items():
            state = list(g.states[epoch].values())  # kept: later training left it alone
            for wa, wg in zip(weights, state, strict=True):
                torch.testing.assert_close(wg, wa, atol=TOL, rtol=0)


def test_only_a_state_of_parameters_alone_is_taken_from_the_stack() -> None:
    mlp = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1, bias=False))
    flat = torch.zeros(4, 2 * 3 + 3 + 3)
    assert _state_layout(mlp, flat) == [
        ("0.weight", 0, 6, (3, 2)),
        ("0.bias", 6, 9, (3,)),
        ("2.weight", 9, 12, (1, 3)),
    ]
    assert _state_layout(mlp, flat.double()) is None
    assert _state_layout(mlp, torch.zeros(4, 11)) is None
    with_buffers = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    assert _state_layout(with_buffers, torch.zeros(4, 15)) is None
    tied = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 3))
    tied[1].weight = tied[0].weight  # one parameter under two names
    assert _state_layout(tied, torch.zeros(4, 15)) is None


@pytest.mark.parametrize(
    ("layers", "shape"),
    [
        ([nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2)], (300, 2)),
        ([nn.Linear(2, 8, bias=False), nn.Tanh(), nn.Tanh(), nn.Linear(8, 3), nn.Tanh()], (50, 2)),
        ([nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3), nn.LogSoftmax(1)], (40, 4)),
        ([nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 3), nn.Softmax(-1)], (7, 11, 4)),
        ([nn.Linear(4, 3), nn.Softmax(0)], (6, 4)),  # over the batch: the exact forward
        ([nn.ReLU(), nn.Linear(4, 3)], (6, 4)),  # an activation first: the exact forward
    ],
)
def test_evaluation_gives_each_models_outputs(
    layers: list[nn.Module], shape: tuple[int, ...]
) -> None:
    from playground.ml.vectorized.stack import Stack

    torch.manual_seed(0)
    models = [nn.Sequential(*[type(m)(*_args(m)) for m in layers]) for _ in range(5)]
    x = torch.randn(*shape) * 2
    got = Stack(models).evaluate(x)
    torch.testing.assert_close(got, torch.stack([m(x) for m in models]), atol=2e-6, rtol=0)


def _args(m: nn.Module) -> tuple[Any, ...]:
    """The constructor arguments of a layer in the cases above (fresh weights each call)."""
    if isinstance(m, nn.Linear):
        return (m.in_features, m.out_features, m.bias is not None)
    if isinstance(m, nn.Softmax | nn.LogSoftmax):
        return (m.dim,)
    return ()
