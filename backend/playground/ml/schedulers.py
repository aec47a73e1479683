"""Learning-rate schedules (curriculum D9); each steps once per epoch."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import torch
from pydantic import BeforeValidator, Field
from torch.optim.lr_scheduler import LRScheduler

from playground.ml.spec_model import SpecModel


class SchedulerSpec(SpecModel):
    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        raise NotImplementedError


class Constant(SchedulerSpec):
    """The optimizer's lr throughout."""

    type: Literal["Constant"] = "Constant"

    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        return None


class StepLR(SchedulerSpec):
    """Step decay: multiply the rate by gamma every step_size epochs."""

    type: Literal["StepLR"] = "StepLR"
    step_size: int = Field(10, ge=1, le=100000, description="Epochs between decays.")
    gamma: float = Field(0.1, gt=0, le=1, description="Decay factor.")

    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        return torch.optim.lr_scheduler.StepLR(opt, self.step_size, self.gamma)


class ExponentialLR(SchedulerSpec):
    """Multiply the rate by gamma every epoch."""

    type: Literal["ExponentialLR"] = "ExponentialLR"
    gamma: float = Field(0.95, gt=0, le=1, description="Decay factor per epoch.")

    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        return torch.optim.lr_scheduler.ExponentialLR(opt, self.gamma)


class CosineAnnealingLR(SchedulerSpec):
    """Cosine decay from lr to eta_min over T_max epochs (default: the whole run)."""

    type: Literal["CosineAnnealingLR"] = "CosineAnnealingLR"
    T_max: int | None = Field(None, ge=1, le=100000, description="Epochs of one half cosine.")
    eta_min: float = Field(0.0, ge=0, le=100, description="Final learning rate.")

    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, self.T_max or epochs, self.eta_min)


class LinearWarmup(SchedulerSpec):
    """Ramp the rate linearly from start_factor * lr to lr over warmup_epochs, then hold."""

    type: Literal["LinearWarmup"] = "LinearWarmup"
    warmup_epochs: int = Field(5, ge=1, le=100000, description="Epochs of the ramp.")
    start_factor: float = Field(0.1, gt=0, le=1, description="Fraction of lr at epoch 1.")

    def build(self, opt: torch.optim.Optimizer, epochs: int) -> LRScheduler | None:
        return torch.optim.lr_scheduler.LinearLR(
            opt, self.start_factor, 1.0, total_iters=self.warmup_epochs
        )


SCHEDULER_TYPES: tuple[type[SchedulerSpec], ...] = (
    Constant, StepLR, ExponentialLR, CosineAnnealingLR, LinearWarmup,
)  # fmt: skip


def _name_to_object(value: Any) -> Any:
    return {"type": value} if isinstance(value, str) else value


Scheduler = Annotated[
    Constant | StepLR | ExponentialLR | CosineAnnealingLR | LinearWarmup,
    Field(discriminator="type"),
    BeforeValidator(_name_to_object),
]
