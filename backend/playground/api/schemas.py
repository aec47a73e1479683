"""Request and response bodies of the REST API: the wire contract, typed once.

Every route declares one of these (or a service dataclass) as its return type, so the
OpenAPI document describes every response, and the frontend's types are generated from it
(`make types`; `make test` fails when frontend/src/api/schema.gen.ts is stale).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from playground.services.runs import RunView
from playground.store.records import Point

Task = Literal["classification", "regression"]
Shape = list[int]


class RunPage(BaseModel):
    items: list[RunView]
    next_cursor: str | None


NO_NUL = r"^[^\x00]*$"  # PostgreSQL's text cannot hold NUL; refused on every backend alike
Tag = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=NO_NUL)
]


class RunPatch(BaseModel):
    """Fields a user may change after creation."""

    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_NUL),
        ]
        | None
    ) = None
    tags: list[Tag] | None = Field(None, max_length=32)
    shared: StrictBool | None = Field(
        None, description="Let other users read this run (view, stream, export, rerun)."
    )
    notes: str | None = Field(None, max_length=10_000, pattern=NO_NUL)


class Rerun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: JSON true is not the seed 1, nor "7" the seed 7.
    seed: StrictInt | None = Field(
        None, ge=0, le=2**32 - 1, description="A new seed (default: same)."
    )


class Ablate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run: bool = Field(True, description="false: only propose the trials; true: run them.")


class MetricsOut(BaseModel):
    """Series keyed 'split/name' ('val/loss', 'layer/0.grad_norm'): [[step, epoch, value]]."""

    run_id: int
    series: dict[str, list[Point]]


class SampleCounts(BaseModel):
    train: int
    val: int
    test: int


class LayerRow(BaseModel):
    """One layer of the validated model (Residual blocks list their inner layers too)."""

    path: str = Field(description='"model.layers[2]", or "model.layers[2].layers[0]" inside.')
    type: str
    label: str
    depth: int
    input_shape: Shape
    output_shape: Shape
    params: int
    flops: int


class SummaryOut(BaseModel):
    """The product's model.summary(): per-layer shapes, parameters and FLOPs."""

    input_shape: Shape
    output_shape: Shape
    task: Task
    classes: int | None
    outputs: int | None
    samples: SampleCounts
    params: int
    flops: int
    steps_per_epoch: int
    memory_bytes: int | None = Field(
        None, description="Estimated peak memory of a run (bytes); absent for older runs."
    )
    memory: dict[str, int] | None = Field(
        None,
        description="The estimate's parts in bytes: weights (with gradients and optimizer "
        "state), activations (one batch), data, evaluation, process (the worker itself).",
    )
    layers: list[LayerRow]


JsonSchema = dict[str, Any]


class Param(BaseModel):
    """One field of a spec class: its JSON Schema (type, bounds, default...) and form hints."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: str
    required: bool
    description: str | None = None
    default: Any = None
    title: str | None = None
    type: Literal["integer", "number", "boolean", "string", "array", "object", "null"] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusiveMinimum: float | None = None  # noqa: N815 - JSON Schema's own names
    exclusiveMaximum: float | None = None  # noqa: N815
    enum: list[str | int | float | bool | None] | None = None
    pattern: str | None = None
    items: JsonSchema | None = None
    prefixItems: list[JsonSchema] | None = None  # noqa: N815
    minItems: int | None = None  # noqa: N815
    maxItems: int | None = None  # noqa: N815
    anyOf: list[JsonSchema] | None = None  # noqa: N815
    ref: str | None = Field(None, alias="$ref")
    nullable: bool | None = Field(None, description="Hint: the field may be null.")
    choices: str | None = Field(None, description="Hint: a catalog key to pick entries from.")
    object: str | None = Field(None, description="Hint: a key of the catalog's `objects`.")


class CatalogEntry(BaseModel):
    """A layer, activation, loss, optimizer, schedule or init the engine knows."""

    type: str
    description: str
    category: str | None
    params: list[Param]


class DatasetEntry(BaseModel):
    id: str
    title: str
    description: str
    task: Literal["classification", "regression", "auto"]
    kind: Literal["2d", "tabular", "image", "sequence", "text", "file"]
    params: list[Param]


class ViewEntry(CatalogEntry):
    """An inspect view: its fields, and which models it fits."""

    fits: str


class CatalogOut(BaseModel):
    """Everything a UI needs to build its forms, generated from the spec classes."""

    layers: list[CatalogEntry]
    activations: list[CatalogEntry]
    losses: list[CatalogEntry]
    optimizers: list[CatalogEntry]
    schedulers: list[CatalogEntry]
    inits: list[CatalogEntry]
    datasets: list[DatasetEntry]
    training: list[Param] = Field(description="TrainingSpec's fields.")
    views: list[ViewEntry] = Field(description="Views inside a run: POST /api/runs/{id}/inspect.")
    objects: dict[str, list[Param]] = Field(description="Fields of the nested spec objects.")


class Health(BaseModel):
    status: Literal["ok"]


class WorkerOut(BaseModel):
    pid: int | None
    device: str
    state: Literal["starting", "idle", "busy", "broken"]
    run_id: int | None = Field(description="The first of run_ids; null when idle.")
    run_ids: list[int] = Field(
        description="The runs this worker trains: one, or a sweep group's unfinished trials."
    )
    boot_seconds: float | None


class SystemOut(BaseModel):
    """Workers busy/idle, queue length, devices."""

    engine: Literal["local", "ray"]
    workers: int
    busy: int
    idle: int
    starting: int
    queued: int
    devices: list[str]
    pool: list[WorkerOut]
    snapshots: int = Field(description="Weight snapshot files kept for all runs.")
    snapshot_bytes: int


class SnapshotOut(BaseModel):
    """A run's weights saved after one epoch (safetensors, on the server)."""

    epoch: int
    bytes: int


class _PreviewBase(BaseModel):
    task: Task
    input_shape: Shape
    classes: int | None
    class_names: list[str] | None
    samples: SampleCounts


class PointsPreview(_PreviewBase):
    """2-D sets: points as [x, y, label] in raw plane units."""

    kind: Literal["2d"]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    train: list[tuple[float, float, float]]
    test: list[tuple[float, float, float]]


class PreviewImage(BaseModel):
    label: int
    data: str = Field(description="base64 of C*H*W uint8 values, row-major.")


class ImagesPreview(_PreviewBase):
    kind: Literal["image"]
    shape: Shape = Field(description="(C, H, W)")
    images: list[PreviewImage]


class PreviewSeries(BaseModel):
    values: list[float] = Field(description="The first input feature at each step.")
    target: float | list[float]


class SeriesPreview(_PreviewBase):
    kind: Literal["sequence"]
    series: list[PreviewSeries]


class TablePreview(_PreviewBase):
    kind: Literal["tabular"]
    columns: list[str]
    rows: list[list[float | str]]


class PreviewText(BaseModel):
    text: str
    label: int | str


class TextPreview(_PreviewBase):
    kind: Literal["text"]
    texts: list[PreviewText]


PreviewOut = Annotated[
    PointsPreview | ImagesPreview | SeriesPreview | TablePreview | TextPreview,
    Field(discriminator="kind"),
]


class InspectOut(BaseModel):
    """One view of a run at one snapshot; the other fields depend on the view (see the
    view's description in the catalog)."""

    model_config = ConfigDict(extra="allow")

    run_id: int
    epoch: int = Field(description="The snapshot the view was computed from.")
    view: str


class ErrorItem(BaseModel):
    """One problem with a request: where (a JSON path into the body) and why."""

    loc: list[str | int]
    path: str = Field(description='"model.layers[2].kernel_size"; "" for the whole body.')
    msg: str
    type: str


class MessageBody(BaseModel):
    """What 404, 409 and 413 carry: a message for a person."""

    detail: str


class ErrorBody(BaseModel):
    """What every 422 carries (404, 409 and 413 carry a MessageBody)."""

    detail: list[ErrorItem]


class EnsembleIn(BaseModel):
    """Runs to score together on their shared test split."""

    model_config = ConfigDict(extra="forbid")

    runs: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        min_length=2, max_length=16, description="Ids of runs trained on the same data spec."
    )
    method: Literal["mean_prob", "vote"] = Field(
        "mean_prob",
        description="mean_prob: average the class probabilities (or regression outputs); "
        "vote: each member's predicted class, the majority wins.",
    )
    epoch: int | Literal["last"] = Field(
        "last", description="The snapshot of each member: 'last' or an epoch all of them kept."
    )


class EnsembleMember(BaseModel):
    run_id: int
    epoch: int = Field(description="The snapshot scored.")
    test_accuracy: float | None = Field(description="None for regression.")
    test_loss: float = Field(description="The member's own loss on the test split.")


class EnsembleScore(BaseModel):
    test_accuracy: float | None = Field(description="None for regression.")
    test_loss: float | None = Field(
        description="mean_prob: cross-entropy of the averaged probabilities (for regression "
        "the members' loss of the averaged outputs); vote: None."
    )


class EnsembleOut(BaseModel):
    method: Literal["mean_prob", "vote"]
    members: list[EnsembleMember]
    ensemble: EnsembleScore
    n_test: int = Field(description="Test samples every member and the ensemble were scored on.")
    note: str = Field(description="Why ensembles usually beat their members, in one line.")


class LoginIn(BaseModel):
    """A browser login."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)


class UserOut(BaseModel):
    """Who is logged in, and whether this server has accounts at all (`auth`)."""

    name: str
    role: Literal["admin", "member"]
    auth: Literal["on", "off"]


class LoginOut(BaseModel):
    user: UserOut


class UploadOut(BaseModel):
    """An uploaded data file: use it as {"dataset": "upload", "upload": id} in a run spec."""

    id: int
    name: str = Field(description="The file's name as sent (or the name given); only shown.")
    kind: Literal["csv", "npz", "idx"]
    bytes: int = Field(description="Size on disk (an IDX set is stored uncompressed).")
    shapes: dict[str, list[int]] = Field(
        description='{"x": [N, ...], "y": [N]}; an IDX set adds "x_test" (its t10k images).'
    )
    task: Task = Field(description="What 'auto' makes of the targets (the last CSV column).")
    columns: list[str] | None = Field(description="A CSV's header; null otherwise.")
    created_at: datetime
    preview: PreviewOut | None = Field(
        None, description="A sample to draw, as POST /api/datasets/preview gives it."
    )
