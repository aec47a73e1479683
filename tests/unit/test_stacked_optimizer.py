"""The group's SGD (ml/vectorized/optim.py) against torch.optim.SGD, trial by trial: the
updates must be the very same floats, not merely close."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from playground.ml.vectorized.optim import StackedOptimizer
from tests.factories import make_spec

T, P = 6, 40


def _trainings(settings: list[dict[str, Any]]) -> list[Any]:
    return [make_spec(training={"optimizer": {"type": "SGD", **s}}).training for s in settings]


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"weight_decay": 0.01},
        {"momentum": 0.9},
        {"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05},
        {"momentum": 0.8, "nesterov": True, "weight_decay": 0.001},
    ],
)
def test_sgd_steps_are_bitwise_torchs(extra: dict[str, Any]) -> None:
    torch.manual_seed(0)
    lrs = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
    settings = [{"lr": lr, **extra} for lr in lrs]
    flat = torch.randn(T, P)
    params = [nn.Parameter(row.clone()) for row in flat]
    theirs = [
        torch.optim.SGD([p], foreach=False, **s) for p, s in zip(params, settings, strict=True)
    ]
    mine = StackedOptimizer(_trainings(settings), torch.ones(1, P))
    for _ in range(5):
        grad = torch.randn(T, P) * 0.1
        mine.step(flat, grad)
        for p, g, opt in zip(params, grad, theirs, strict=True):
            p.grad = g.clone()
            opt.step()
        assert torch.equal(flat, torch.stack([p.detach() for p in params]))
