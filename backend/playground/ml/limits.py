"""Size limits a deployment puts on specs; checked before anything is allocated."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from playground.ml.memory import parse_bytes

# An int of bytes, or a string like "4GB", "512MB", "1.5GiB" (as settings are written).
Bytes = Annotated[int, BeforeValidator(parse_bytes)]


class Limits(BaseModel):
    """Upper bounds for one run (Settings carries these; PLAYGROUND_LIMITS__MAX_EPOCHS=...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_layers: int = Field(200, ge=1, description="Layers, counting those inside blocks.")
    max_parameters: int = Field(20_000_000, ge=1, description="Trainable parameters.")
    max_flops_per_sample: int = Field(2_000_000_000, ge=1, description="Forward FLOPs per sample.")
    max_epochs: int = Field(10_000, ge=1, description="Epochs.")
    max_samples: int = Field(200_000, ge=1, description="Samples in all splits together.")
    max_steps: int = Field(2_000_000, ge=1, description="Optimizer steps (epochs x batches).")
    max_run_memory: Bytes | None = Field(
        None,
        ge=1,
        description="Estimated peak memory one run may need (bytes, or '4GB'); "
        "validation rejects specs over it. None: no limit (the server sets a share of the "
        "machine's memory per worker).",
    )
    max_seconds: float = Field(3600, gt=0, description="Wall time one run may train (seconds).")
    max_pause_seconds: float = Field(
        600, gt=0, description="How long a paused run holds its worker before it resumes."
    )
