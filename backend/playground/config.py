"""The one Settings object (env prefix PLAYGROUND_), built once and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from playground.ml.datasets import DataContext
from playground.ml.limits import Limits


class Settings(BaseSettings):
    """Deployment settings; nested values via double underscores (PLAYGROUND_LIMITS__MAX_EPOCHS)."""

    model_config = SettingsConfigDict(
        env_prefix="PLAYGROUND_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    data_dir: Path = Field(
        Path("data"), description="Data sets (mnist/, uploads/) and the database."
    )
    limits: Limits = Field(default_factory=Limits, description="Per-run size limits.")

    def data_context(self) -> DataContext:
        return DataContext(data_dir=self.data_dir)
