"""Response and request bodies of the REST API."""

from __future__ import annotations

from dataclasses import dataclass, fields

from pydantic import BaseModel, ConfigDict, Field

from playground.store.records import RunRecord


@dataclass(frozen=True, slots=True)
class RunOut(RunRecord):
    """A stored run as the API returns it (the store's record), with its place in the queue."""

    queue_position: int | None = None  # 0 = next to start; None unless queued

    @classmethod
    def of(cls, rec: RunRecord, queue_position: int | None = None) -> RunOut:
        return cls(
            **{f.name: getattr(rec, f.name) for f in fields(rec)}, queue_position=queue_position
        )


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
