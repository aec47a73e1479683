"""/api/runs: create, list, read, change, cancel, rerun, delete, metrics."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Response, status
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from playground.api.auth import CurrentUser
from playground.api.deps import (
    NOT_FOUND,
    ExporterDep,
    InspectorDep,
    OwnRunDep,
    RunDep,
    RunsDep,
)
from playground.api.schemas import (
    InspectOut,
    MessageBody,
    MetricsOut,
    Rerun,
    RunPage,
    RunPatch,
    SnapshotOut,
    Tag,
)
from playground.api.wire import VIEW_BODY
from playground.ml.spec import RunSpec
from playground.services.exports import Format
from playground.services.runs import RunView
from playground.store.states import RunStatus

router = APIRouter(prefix="/api/runs", tags=["runs"])
Sort = Literal["created_at", "name", "status", "test_accuracy", "best_val_accuracy"]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_run(
    spec: RunSpec,
    runs: RunsDep,
    user: CurrentUser,
    tags: Annotated[list[Tag] | None, Query(max_length=32)] = None,
) -> RunView:
    """Validate a spec (shapes, limits) and queue it for a worker (429 when you have
    PLAYGROUND_MAX_QUEUED_PER_USER runs waiting)."""
    # async, with the service call in the thread pool: a plain `def` route costs a second
    # hop there and back, to check the answer (FastAPI does that off the loop for it), and
    # this route is on the way to a new run's first metric.
    return await run_in_threadpool(lambda: runs.create(spec=spec, tags=tags, user=user))


@router.get("")
def list_runs(
    runs: RunsDep,
    user: CurrentUser,
    status: RunStatus | None = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    dataset: str | None = None,
    tag: str | None = None,
    sweep_id: Annotated[int | None, Query(ge=1, description="Only this sweep's trials.")] = None,
    sort: Sort = "created_at",
    descending: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: str | None = None,
) -> RunPage:
    """Your runs (an admin: everyone's), newest first by default; pass `next_cursor` back as
    `cursor` for the next page."""
    page = runs.page(
        user, status=status, name=name, dataset=dataset, tag=tag, sweep_id=sweep_id, sort=sort,
        descending=descending, limit=limit, cursor=cursor or None,  # "?cursor=": first page
    )  # fmt: skip
    return RunPage(items=page.items, next_cursor=page.next_cursor)


@router.get("/{run_id}", responses=NOT_FOUND)
def get_run(run: RunDep, runs: RunsDep) -> RunView:
    """One run: spec, status, times, device, seed, summary, result, error."""
    return runs.view(run)


@router.patch("/{run_id}", responses=NOT_FOUND)
def patch_run(run: OwnRunDep, patch: RunPatch, runs: RunsDep) -> RunView:
    """Rename, retag, annotate, or share (`shared`: other users may read it)."""
    return runs.update(
        run_id=run.id, name=patch.name, tags=patch.tags, notes=patch.notes, shared=patch.shared
    )


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
def delete_run(run: OwnRunDep, runs: RunsDep) -> Response:
    """Cancel if active, then delete with all its metrics."""
    runs.delete(run_id=run.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{run_id}/cancel", responses=NOT_FOUND)
def cancel_run(run: OwnRunDep, runs: RunsDep) -> RunView:
    """Stop a queued or running run (its status becomes 'cancelled' when the worker confirms)."""
    return runs.cancel(run_id=run.id)


@router.post("/{run_id}/pause", responses=NOT_FOUND)
def pause_run(run: OwnRunDep, runs: RunsDep) -> RunView:
    """Hold a running run before its next step; its worker keeps its state (409 unless it
    is running). It resumes by itself after PLAYGROUND_LIMITS__MAX_PAUSE_SECONDS."""
    return runs.hold(run_id=run.id, action="pause")


@router.post("/{run_id}/resume", responses=NOT_FOUND)
def resume_run(run: OwnRunDep, runs: RunsDep) -> RunView:
    """Let a paused run go on."""
    return runs.hold(run_id=run.id, action="resume")


@router.post("/{run_id}/step", responses=NOT_FOUND)
def step_run(run: OwnRunDep, runs: RunsDep) -> RunView:
    """Train to the end of the current epoch, then pause again."""
    return runs.hold(run_id=run.id, action="step")


@router.post("/{run_id}/rerun", status_code=status.HTTP_201_CREATED, responses=NOT_FOUND)
def rerun(run: RunDep, runs: RunsDep, user: CurrentUser, body: Rerun | None = None) -> RunView:
    """Queue the same spec again as your own run, optionally with a new seed."""
    return runs.rerun(run_id=run.id, seed=body.seed if body else None, user=user)


@router.get("/{run_id}/metrics", responses=NOT_FOUND)
def metrics(
    run: RunDep,
    runs: RunsDep,
    names: Annotated[list[str] | None, Query()] = None,
    split: str | None = None,
    max_points: Annotated[int | None, Query(ge=3, le=100_000)] = None,
) -> MetricsOut:
    """Series keyed 'split/name' as [[step, epoch, value], ...]; max_points downsamples each
    longer series (its first and last points, and the lowest, highest and last of each bucket)."""
    series = runs.metrics(run_id=run.id, names=names, split=split, max_points=max_points)
    return MetricsOut(run_id=run.id, series=series)


@router.get("/{run_id}/snapshots", responses=NOT_FOUND)
def snapshots(run: RunDep, runs: RunsDep) -> list[SnapshotOut]:
    """The epochs whose weights were kept (about 20 per run; first, last, restored best)."""
    return [SnapshotOut(epoch=f.epoch, bytes=f.bytes) for f in runs.snapshots(run_id=run.id)]


@router.post("/{run_id}/inspect", openapi_extra={"requestBody": VIEW_BODY}, responses=NOT_FOUND)
def inspect(
    run: RunDep, inspector: InspectorDep, body: Annotated[dict[str, Any], Body()]
) -> InspectOut:
    """One view inside the network at a snapshot ({"view": "neurons", "epoch": "last", ...});
    the views, their fields and what each fits are in GET /api/catalog under `views`."""
    return InspectOut.model_validate(inspector.inspect(run_id=run.id, request=body))


EXPORT_FILE = {
    200: {
        "description": "The file, as an attachment named after the run id and epoch.",
        "content": {
            "application/json": {"schema": {"type": "object", "description": "format=spec"}},
            **{t: {"schema": {"type": "string", "format": "binary"}} for t in (
                "application/zip", "application/octet-stream", "text/x-python"
            )},
        },
    },
    404: {"model": MessageBody, "description": "No such run, or no snapshot (at that epoch)."},
}  # fmt: skip


@router.get("/{run_id}/export", response_class=Response, responses=EXPORT_FILE)  # type: ignore[arg-type]
def export(
    run: RunDep,
    exporter: ExporterDep,
    format: Format = "zip",
    epoch: Annotated[int, Query(ge=0)] | Literal["last"] = "last",
) -> Response:
    """The run as a file: zip (spec.json, weights.safetensors, model.py, model.onnx,
    README.txt), spec, safetensors, pytorch (model.py) or onnx; `epoch`: a snapshot's."""
    out = exporter.export(run_id=run.id, format=format, epoch=epoch)
    headers = {"Content-Disposition": f'attachment; filename="{out.filename}"'}
    if out.path is not None:
        return FileResponse(out.path, media_type=out.media_type, headers=headers)
    return Response(out.content, media_type=out.media_type, headers=headers)
