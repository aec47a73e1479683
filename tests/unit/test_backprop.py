"""The hand-written gradients of a group (ml/vectorized/backprop.py) against autograd.

Each case builds a stack of differently seeded models and compares, for one batch per
trial, the outputs, the per-trial losses and the gradient with respect to every parameter
with what forward + Evaluator.losses + autograd.grad give (the group's general path).
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from playground.ml.builder import build_model
from playground.ml.losses import CrossEntropyLoss, MSELoss
from playground.ml.objective import Objective
from playground.ml.types import TargetInfo, TensorType
from playground.ml.vectorized.backprop import Backprop
from playground.ml.vectorized.evaluate import Evaluator
from playground.ml.vectorized.stack import Stack
from tests.factories import layers, linear, make_spec

T, B = 5, 7


def _stack(activation: str | None, out: int, bias: bool = True) -> Stack:
    model = layers(
        linear(6, activation=activation, bias=bias), linear(4, activation=activation), linear(out)
    )
    spec = make_spec(model=model)
    models = []
    for seed in range(T):
        torch.manual_seed(seed)
        models.append(build_model(spec.model.layers, TensorType((3,)), None))
    return Stack(models)


def _autograd(
    stack: Stack, objective: Objective, x: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    out = stack.forward(x)
    loss = Evaluator(stack, objective).losses(out, y)
    grads = torch.autograd.grad(loss.sum(), stack.params)
    return out.detach(), loss.detach(), torch.cat([g.reshape(T, -1) for g in grads], 1)


@pytest.mark.parametrize("activation", ["Tanh", "ReLU", "Sigmoid", None])
@pytest.mark.parametrize("bias", [True, False])
def test_cross_entropy_gradients_equal_autograd(activation: str | None, bias: bool) -> None:
    stack = _stack(activation, 3, bias)
    target = TargetInfo(task="classification", n_classes=3)
    objective = Objective(CrossEntropyLoss(), target, CrossEntropyLoss().build())
    x = torch.randn(T, B, 3)
    y = torch.randint(0, 3, (T, B))
    assert Backprop.fits(stack, objective, x[0])
    got = Backprop(stack, objective)(x, y)
    for mine, theirs in zip(got, _autograd(stack, objective, x, y), strict=True):
        torch.testing.assert_close(mine, theirs, atol=1e-6, rtol=1e-5)


def test_mean_squared_error_gradients_equal_autograd() -> None:
    stack = _stack("Tanh", 2)
    target = TargetInfo(task="regression", n_outputs=2)
    objective = Objective(MSELoss(), target, MSELoss().build())
    x, y = torch.randn(T, B, 3), torch.randn(T, B, 2)
    assert Backprop.fits(stack, objective, x[0])
    got = Backprop(stack, objective)(x, y)
    for mine, theirs in zip(got, _autograd(stack, objective, x, y), strict=True):
        torch.testing.assert_close(mine, theirs, atol=1e-6, rtol=1e-5)


def test_what_it_does_not_fit_keeps_autograd() -> None:
    target = TargetInfo(task="classification", n_classes=3)
    plain = Objective(CrossEntropyLoss(), target, CrossEntropyLoss().build())
    smoothed_spec = CrossEntropyLoss(label_smoothing=0.1)
    smoothed = Objective(smoothed_spec, target, smoothed_spec.build())
    x = torch.randn(B, 3)
    assert Backprop.fits(_stack("Tanh", 3), plain, x)
    assert not Backprop.fits(_stack("Tanh", 3), smoothed, x)  # label smoothing
    assert not Backprop.fits(_stack("GELU", 3), plain, x)  # an activation it does not know
    assert not Backprop.fits(_stack("Tanh", 3), plain, torch.randn(B, 4, 3))  # sequences
    stack = _stack("ReLU", 3)
    stack.ops[1] = nn.ReLU(inplace=True)  # would overwrite what the backward pass reads
    assert not Backprop.fits(stack, plain, x)
