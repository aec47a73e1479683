"""The strict pydantic base every spec model derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """Unknown fields are errors, floats must be finite, instances are immutable."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)
