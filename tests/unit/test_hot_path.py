"""The training step's lean calls (ml/hot_path.py): the same results as torch's own calls,
and torch's own calls wherever a hook or a scheduler could tell the difference."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from torch import Tensor, nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from playground.ml import train as train_module
from playground.ml.hooks import BoundaryGrid, EpochReport, Hooks, StepReport
from playground.ml.hot_path import bare_step, flat_forward, grad_clearer
from playground.ml.train import train
from tests.factories import make_spec


def nested() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Sequential(nn.Linear(2, 8), nn.Tanh()), nn.Sequential(nn.Linear(8, 8), nn.Tanh()),
        nn.Linear(8, 2),
    )  # fmt: skip


def test_flat_forward_equals_the_model_and_skips_only_plain_containers() -> None:
    model, x = nested(), torch.randn(5, 2)
    forward = flat_forward(model)
    assert forward is not model
    assert torch.equal(forward(x), model(x))
    seen: list[int] = []
    model[1].register_forward_hook(lambda *_: seen.append(1))
    assert torch.equal(flat_forward(model)(x), model(x))
    assert len(seen) == 2  # a container with a hook is called whole, so its hook runs


def test_flat_forward_keeps_a_model_that_is_not_a_plain_sequential() -> None:
    class Custom(nn.Module):
        def forward(self, x: Tensor) -> Tensor:
            return x * 2

    custom = Custom()
    assert flat_forward(custom) is custom
    leaf = nn.Sequential(custom)
    assert torch.equal(flat_forward(leaf)(torch.ones(2)), torch.full((2,), 2.0))


def _train(make_opt: Any, lean: bool, steps: int = 30) -> list[Tensor]:
    model = nested()
    opt = make_opt(model.parameters())
    step = bare_step(opt) if lean else opt.step
    clear = grad_clearer(model.parameters())
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(steps * 4, 2, generator=g), torch.randint(0, 2, (steps * 4,), generator=g)
    forward = flat_forward(model) if lean else model
    for i in range(steps):
        loss = nn.functional.cross_entropy(forward(x[4 * i : 4 * i + 4]), y[4 * i : 4 * i + 4])
        if lean:
            clear()
        else:
            opt.zero_grad()
        loss.backward()
        step()
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize(
    "make_opt",
    [
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
        lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
        lambda p: torch.optim.AdamW(p, lr=0.01),
        lambda p: torch.optim.RMSprop(p, lr=0.01, centered=True),
        lambda p: torch.optim.Adagrad(p, lr=0.1),
    ],
)
def test_lean_steps_give_bitwise_the_same_weights(make_opt: Any) -> None:
    lean, ordinary = _train(make_opt, True), _train(make_opt, False)
    assert all(torch.equal(a, b) for a, b in zip(lean, ordinary, strict=True))


def test_bare_step_runs_hooks_through_the_ordinary_step() -> None:
    model = nested()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    assert bare_step(opt) != opt.step  # no hook: the lean call
    calls: list[int] = []
    handle = opt.register_step_pre_hook(lambda *_: calls.append(1))
    bare_step(opt)()
    handle.remove()
    global_handle = register_optimizer_step_pre_hook(lambda *_: calls.append(2))
    try:
        bare_step(opt)()
    finally:
        global_handle.remove()
    assert calls == [1, 2]


def test_bare_step_keeps_the_step_a_scheduler_watches() -> None:
    model = nested()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(opt, 1)
    step = bare_step(opt)
    assert step == opt.step
    model(torch.randn(3, 2)).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "lr_scheduler.step() before optimizer.step()"
        step()
        scheduler.step()


class Everything(Hooks):
    def __init__(self) -> None:
        self.reports: list[StepReport | EpochReport | BoundaryGrid] = []

    def on_step(self, report: StepReport) -> None:
        self.reports.append(report)

    def on_epoch(self, report: EpochReport) -> None:
        report.seconds = 0.0  # wall time is the one thing allowed to differ
        self.reports.append(report)

    def on_boundary(self, grid: BoundaryGrid) -> None:
        self.reports.append(grid)


@pytest.mark.parametrize(
    "optimizer", [{"type": "SGD", "lr": 0.1, "momentum": 0.9}, {"type": "Adam"}]
)
def test_train_reports_exactly_what_the_ordinary_calls_report(
    optimizer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(training={"epochs": 3, "batch_size": 10, "optimizer": optimizer})
    lean_hooks, plain_hooks = Everything(), Everything()
    lean = train(spec, lean_hooks)
    monkeypatch.setattr(train_module, "flat_forward", lambda model: model)
    monkeypatch.setattr(train_module, "bare_step", lambda opt: opt.step)
    ordinary = train(spec, plain_hooks)
    assert lean.status == ordinary.status == "succeeded"
    lean.seconds = ordinary.seconds = 0.0
    assert lean == ordinary
    assert lean_hooks.reports == plain_hooks.reports
    assert any(isinstance(r, BoundaryGrid) for r in lean_hooks.reports)
