"""Request and response bodies of the experiment routes (learning-rate finder, sanity
checks), declared so that the OpenAPI document, and the frontend's types, describe them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from playground.ml.lr_find import LR_CEILING, MAX_STEPS, MIN_STEPS
from playground.ml.sanity import CHECKS, Check
from playground.ml.spec import RunSpec


class LrFindIn(BaseModel):
    """A spec and the learning-rate range to sweep over (exponentially)."""

    model_config = ConfigDict(extra="forbid")

    spec: RunSpec
    min_lr: float = Field(1e-6, gt=0, le=LR_CEILING, description="First learning rate.")
    max_lr: float = Field(
        1.0, gt=0, le=LR_CEILING, description="Last learning rate (larger than min_lr)."
    )
    steps: int = Field(
        200, ge=MIN_STEPS, le=MAX_STEPS, description="Optimizer steps (one lr each)."
    )


class LrFindOut(BaseModel):
    """The loss at each rate of the ramp (stopped early when the loss blew up)."""

    lrs: list[float] = Field(description="The rate of each step, min_lr upwards.")
    losses: list[float] = Field(description="Loss after EMA smoothing (beta 0.98, bias-corrected).")
    raw_losses: list[float] = Field(description="Each step's batch loss.")
    suggested_lr: float | None = Field(description="Where the smoothed loss fell fastest.")
    diverged_at: float | None = Field(description="The rate at which the loss blew up, if it did.")
    note: str = Field(description="How the suggestion was chosen, in one sentence.")
    seconds: float


class SanityIn(BaseModel):
    """A spec and the checks to run on it."""

    model_config = ConfigDict(extra="forbid")

    spec: RunSpec
    checks: list[Check] = Field(
        default_factory=lambda: list(CHECKS), min_length=1, max_length=len(CHECKS)
    )


class SanityCheckOut(BaseModel):
    """One check's verdict, its explanation and what it measured."""

    check: Check
    verdict: Literal["ok", "suspicious", "failed", "skipped"]
    message: str
    value: float | None = Field(None, description="initial_loss: the untrained loss.")
    expected: float | None = Field(None, description="initial_loss: the loss expected.")
    samples: int | None = Field(None, description="Training samples the check used.")
    steps: int | None = Field(None, description="overfit_small: steps taken.")
    seconds: float | None = None
    final_loss: float | None = Field(None, description="overfit_small: loss at the end.")
    final_accuracy: float | None = Field(None, description="overfit_small: train accuracy.")


class SanityOut(BaseModel):
    checks: list[SanityCheckOut]
