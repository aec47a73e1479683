"""Response and request bodies of the REST API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from playground.store.records import RunRecord


class RunOut(BaseModel):
    """A stored run as the API returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    status: str
    dataset: str
    spec: dict[str, Any]
    seed: int
    device: str | None
    tags: list[str]
    notes: str
    summary: dict[str, Any] | None
    result: dict[str, Any] | None
    error: str | None
    versions: dict[str, str] | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    epochs_done: int
    best_val_accuracy: float | None
    test_accuracy: float | None
    last_seq: int
    queue_position: int | None = Field(None, description="Place in the FIFO queue (0 = next).")

    @classmethod
    def of(cls, rec: RunRecord, queue_position: int | None = None) -> RunOut:
        return cls.model_validate(rec).model_copy(update={"queue_position": queue_position})


class RunPage(BaseModel):
    items: list[RunOut]
    next_cursor: str | None


class RunPatch(BaseModel):
    """Fields a user may change after creation."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    tags: list[str] | None = Field(None, max_length=32)
    notes: str | None = Field(None, max_length=10_000)


class Rerun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(None, ge=0, le=2**32 - 1, description="A new seed (default: same).")
