"""The one Settings object (env prefix PLAYGROUND_), built once and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
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
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/playground.db."
    )
    workers: int = Field(1, ge=1, le=64, description="CPU worker processes (GPUs: one each).")
    probe_processes: int = Field(
        1, ge=1, le=16, description="Processes that compute inspect views (one torch thread each)."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1024, le=100_000_000, description="Largest request body."
    )
    frontend_dir: Path = Field(Path("frontend/dist"), description="Built browser app served at /.")
    limits: Limits = Field(default_factory=Limits, description="Per-run size limits.")
    max_trials_per_sweep: int = Field(
        256, ge=1, le=10_000, description="Trials one sweep may have (grid x random x seeds)."
    )

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return url

    def data_context(self) -> DataContext:
        return DataContext(data_dir=self.data_dir)

    def artifacts_dir(self) -> Path:
        """Where runs' snapshots are kept (ml.snapshots names the files inside)."""
        return self.data_dir / "artifacts"

    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'playground.db'}"
