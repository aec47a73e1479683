"""Optimizers (curriculum D1-D8, A2), named like torch.optim classes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

import torch
from pydantic import Field, model_validator

from playground.ml.spec_model import SpecModel

Lr = Annotated[float, Field(gt=0, le=100, description="Learning rate (step size).")]
WeightDecay = Annotated[
    float, Field(0.0, ge=0, le=10, description="L2 penalty applied by the optimizer (E1).")
]
Beta = Annotated[float, Field(ge=0, lt=1)]
Eps = Annotated[float, Field(gt=0, le=1, description="Added to denominators for stability.")]
Params = Iterable[torch.nn.Parameter]


class OptimizerSpec(SpecModel):
    lr: Lr = 0.01

    def build(self, params: Params) -> torch.optim.Optimizer:
        raise NotImplementedError


class SGD(OptimizerSpec):
    """Gradient descent; with momentum (heavy ball) or Nesterov momentum."""

    type: Literal["SGD"] = "SGD"
    lr: Lr = 0.01
    momentum: float = Field(0.0, ge=0, lt=1, description="Velocity decay (0 = plain SGD).")
    dampening: float = Field(0.0, ge=0, lt=1, description="Damps the gradient in the velocity.")
    nesterov: bool = Field(False, description="Look-ahead (Nesterov) momentum.")
    weight_decay: WeightDecay = 0.0

    @model_validator(mode="after")
    def _nesterov(self) -> SGD:
        if self.nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError("nesterov needs momentum > 0 and dampening = 0")
        return self

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.SGD(
            params, lr=self.lr, momentum=self.momentum, dampening=self.dampening,
            nesterov=self.nesterov, weight_decay=self.weight_decay,
        )  # fmt: skip


class Adagrad(OptimizerSpec):
    """Per-parameter rate divided by the root of the summed squared gradients."""

    type: Literal["Adagrad"] = "Adagrad"
    lr: Lr = 0.01
    lr_decay: float = Field(0.0, ge=0, le=1, description="Rate decay per step.")
    eps: Eps = 1e-10
    weight_decay: WeightDecay = 0.0

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.Adagrad(
            params, lr=self.lr, lr_decay=self.lr_decay, eps=self.eps, weight_decay=self.weight_decay
        )


class RMSprop(OptimizerSpec):
    """Rate divided by a moving RMS of recent gradients."""

    type: Literal["RMSprop"] = "RMSprop"
    lr: Lr = 0.01
    alpha: float = Field(0.99, gt=0, lt=1, description="Decay of the squared-gradient average.")
    eps: Eps = 1e-8
    momentum: float = Field(0.0, ge=0, lt=1, description="Momentum.")
    centered: bool = Field(False, description="Normalise by the gradient variance.")
    weight_decay: WeightDecay = 0.0

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.RMSprop(
            params, lr=self.lr, alpha=self.alpha, eps=self.eps, momentum=self.momentum,
            centered=self.centered, weight_decay=self.weight_decay,
        )  # fmt: skip


class Adam(OptimizerSpec):
    """Momentum + RMSprop with bias-corrected moment estimates."""

    type: Literal["Adam"] = "Adam"
    lr: Lr = 0.001
    betas: tuple[Beta, Beta] = Field((0.9, 0.999), description="Decays of the two moments.")
    eps: Eps = 1e-8
    weight_decay: WeightDecay = 0.0
    amsgrad: bool = Field(False, description="Use the max of past squared gradients.")

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.Adam(
            params, lr=self.lr, betas=self.betas, eps=self.eps, weight_decay=self.weight_decay,
            amsgrad=self.amsgrad,
        )  # fmt: skip


class AdamW(OptimizerSpec):
    """Adam with decoupled weight decay."""

    type: Literal["AdamW"] = "AdamW"
    lr: Lr = 0.001
    betas: tuple[Beta, Beta] = Field((0.9, 0.999), description="Decays of the two moments.")
    eps: Eps = 1e-8
    weight_decay: float = Field(0.01, ge=0, le=10, description="Decoupled weight decay.")
    amsgrad: bool = Field(False, description="Use the max of past squared gradients.")

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.AdamW(
            params, lr=self.lr, betas=self.betas, eps=self.eps, weight_decay=self.weight_decay,
            amsgrad=self.amsgrad,
        )  # fmt: skip


class Perceptron(OptimizerSpec):
    """Rosenblatt's error-driven rule w <- w + lr * (d - o) * x, d and o in {-1, +1}.

    Needs a model ending in a single-unit layer followed by Sign, on a 2-class data set.
    It is applied as plain SGD (summed over the batch) on the surrogate
    -(d - o) * z with z the pre-sign output, whose gradient is exactly -(d - o) * x.
    """

    type: Literal["Perceptron"] = "Perceptron"
    lr: Lr = 0.1

    def build(self, params: Params) -> torch.optim.Optimizer:
        return torch.optim.SGD(params, lr=self.lr)


OPTIMIZER_TYPES: tuple[type[OptimizerSpec], ...] = (SGD, Adagrad, RMSprop, Adam, AdamW, Perceptron)

Optimizer = Annotated[
    SGD | Adagrad | RMSprop | Adam | AdamW | Perceptron, Field(discriminator="type")
]
