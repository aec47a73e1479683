"""Wire types the OpenAPI document has no place for: the websocket messages, and the
inspect request union (its route reads the body itself, to report errors at the view's own
fields). `install` adds them under components.schemas, so the frontend's types cover them.

Messages are rendered as plain dicts on the hot path (services/messages.py); these models
describe them, and `tests/api` checks that what a real run streams validates against them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field, TypeAdapter

from playground.api.schemas import ErrorBody, SummaryOut
from playground.ml.inspect import View
from playground.services.sweep_views import SweepView
from playground.store.states import RunStatus


class _Message(BaseModel):
    run_id: int
    seq: int = Field(description="Per run; a batch stored together shares one seq.")


class StatusMessage(_Message):
    type: Literal["status"]
    status: RunStatus
    error: str | None


class Plane(BaseModel):
    """2-D sets: points as [x, y, label] in raw input units."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    train: list[tuple[float, float, float]]
    test: list[tuple[float, float, float]]


class StartMessage(_Message):
    type: Literal["start"]
    summary: SummaryOut
    seed: int
    device: str
    versions: dict[str, str]
    log_every: int
    total_steps: int
    plane: Plane | None


class StepMessage(_Message):
    type: Literal["step"]
    step: int
    epoch: int
    loss: float | None = Field(description="Mean train loss since the last step message.")


class LayerStat(BaseModel):
    index: int = Field(description="Position in model.layers.")
    grad_norm: float | None
    weight_norm: float | None
    update_ratio: float | None


class EpochMessage(_Message):
    type: Literal["epoch"]
    epoch: int
    step: int
    seconds: float | None = Field(description="Since training started.")
    metrics: dict[str, float | None] = Field(
        description="train_loss, val_loss, train_accuracy, val_accuracy, lr, ... (null: NaN)."
    )
    layers: list[LayerStat]


class BoundaryMessage(_Message):
    type: Literal["boundary"]
    epoch: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int
    channels: int = Field(description="Class probabilities, or 1 for regression.")
    lo: float
    hi: float
    data: str = Field(description="base64 of resolution^2 * channels bytes, row-major (y, x, k).")


class SnapshotMessage(_Message):
    """The weights after `epoch` were saved: inspect views can now show that epoch."""

    type: Literal["snapshot"]
    epoch: int
    bytes: int


class PausedMessage(_Message):
    """The run holds before its next step (paused) or goes on (not paused)."""

    type: Literal["paused"]
    paused: bool
    epoch: int = Field(description="The last finished epoch.")


class ResultMessage(_Message):
    type: Literal["result"]
    status: RunStatus
    epochs: int
    steps: int
    seconds: float
    error: str | None
    best_epoch: int | None
    stopped_early: bool
    test: dict[str, float | None]
    confusion: list[list[int]] | None = None
    per_class_accuracy: list[float | None] | None = None
    summary: SummaryOut | None = None


StreamMessage = Annotated[
    StatusMessage
    | StartMessage
    | StepMessage
    | EpochMessage
    | BoundaryMessage
    | SnapshotMessage
    | PausedMessage
    | ResultMessage,
    Field(discriminator="type"),
]


class DeletedMessage(BaseModel):
    """WS /api/events: a run was deleted."""

    type: Literal["deleted"]
    run_id: int


RunEvent = Annotated[StatusMessage | DeletedMessage, Field(discriminator="type")]
"""A message of WS /api/events: a run's status changed, or it was deleted."""


class SweepIntroMessage(BaseModel):
    """WS /api/sweeps/{id}/stream: the first message, the sweep as GET returns it."""

    type: Literal["sweep"]
    sweep: SweepView


class TrialMessage(BaseModel):
    """WS /api/sweeps/{id}/stream: one trial's run message (epoch, boundary, status or
    result; a late viewer first gets each trial's stored epochs, at most 100, and newest
    boundary grid)."""

    type: Literal["trial"]
    run_id: int
    message: StreamMessage


SweepStreamMessage = Annotated[SweepIntroMessage | TrialMessage, Field(discriminator="type")]
"""A message of WS /api/sweeps/{id}/stream."""

STREAM = TypeAdapter(list[StreamMessage])  # a frame of WS /api/runs/{id}/stream
EVENTS = TypeAdapter(list[RunEvent])  # a frame of WS /api/events
SWEEP_STREAM = TypeAdapter(list[SweepStreamMessage])  # a frame of WS /api/sweeps/{id}/stream
SWEEP_VIEW = TypeAdapter(SweepView)
_NAMED: dict[str, Any] = {
    "StreamMessage": StreamMessage,
    "RunEvent": RunEvent,
    "SweepStreamMessage": SweepStreamMessage,
    "View": View,
    "ErrorBody": ErrorBody,  # FastAPI documents its own 422 shape; ours is this
}
VIEW_BODY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/View"}}}}


def install(app: FastAPI) -> None:
    """Add the types above to `app.openapi()` under components.schemas."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, kind in _NAMED.items():
            body = TypeAdapter(kind).json_schema(ref_template="#/components/schemas/{model}")
            for def_name, definition in body.pop("$defs", {}).items():
                components.setdefault(def_name, definition)
            components[name] = body
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
