"""/api/sweeps: create, list, read, cancel, delete; and /api/runs/{id}/ablate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from playground.api.auth import CurrentUser
from playground.api.deps import NOT_FOUND, SWEEP_NOT_FOUND, RunDep, SweepDep, SweepsDep
from playground.api.schemas import Ablate
from playground.ml.sweep_paths import SweepRequest
from playground.services.sweep_views import SweepSummary, SweepView
from playground.services.sweeps import AblationView

router = APIRouter(tags=["sweeps"])


@router.post("/api/sweeps", status_code=status.HTTP_201_CREATED)
def create_sweep(request: SweepRequest, sweeps: SweepsDep, user: CurrentUser) -> SweepView:
    """Expand a sweep (grid x random samples x seeds), validate every trial, queue them all;
    one bad trial rejects the sweep with a 422 at ["trials", i, ...]."""
    return sweeps.create(request=request, user=user)


@router.get("/api/sweeps")
def list_sweeps(
    sweeps: SweepsDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[SweepSummary]:
    """Your newest sweeps (an admin: everyone's) first, with their trials counted by status."""
    return sweeps.listing(limit=limit, user=user)


@router.get("/api/sweeps/{sweep_id}", responses=SWEEP_NOT_FOUND)
def get_sweep(sweep: SweepDep, sweeps: SweepsDep) -> SweepView:
    """One sweep: status, every trial's params and final metrics, the best trial."""
    return sweeps.get(sweep_id=sweep.id)


@router.post("/api/sweeps/{sweep_id}/cancel", responses=SWEEP_NOT_FOUND)
def cancel_sweep(sweep: SweepDep, sweeps: SweepsDep) -> SweepView:
    """Stop every trial that has not ended."""
    return sweeps.cancel(sweep_id=sweep.id)


@router.delete(
    "/api/sweeps/{sweep_id}", status_code=status.HTTP_204_NO_CONTENT, responses=SWEEP_NOT_FOUND
)
def delete_sweep(sweep: SweepDep, sweeps: SweepsDep) -> Response:
    """Cancel the active trials, then delete the sweep with its runs."""
    sweeps.delete(sweep_id=sweep.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api/runs/{run_id}/ablate",
    tags=["runs"],
    responses={
        201: {"model": AblationView, "description": "The ablation sweep was created."},
        **NOT_FOUND,
    },
)
def ablate(
    run: RunDep,
    sweeps: SweepsDep,
    user: CurrentUser,
    response: Response,
    body: Ablate | None = None,
) -> AblationView:
    """One trial per removable or switchable component of the run (each Dropout, norm
    layer and Residual shortcut, each regulariser, the schedule, the optimizer, ...);
    `{"run": false}` only proposes them (200), else they run as a sweep (201)."""
    out = sweeps.ablate(run_id=run.id, run=body.run if body else True, user=user)
    response.status_code = status.HTTP_201_CREATED if out.sweep else status.HTTP_200_OK
    return out
