"""/api/datasets: a sample of a data set to draw before training."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from playground.api.auth import CurrentUser
from playground.api.deps import RunsDep
from playground.api.schemas import PreviewOut
from playground.ml.datasets import DataSpec

router = APIRouter(prefix="/api/datasets", tags=["datasets"])


@router.post("/preview", response_model=PreviewOut)
def preview(
    data: Annotated[DataSpec, Body(embed=True)], runs: RunsDep, user: CurrentUser
) -> dict[str, Any]:
    """Task, split sizes and a small sample of the set (points, images, series, rows, text).

    The body is `{"data": {...}}`, the run spec's own `data` section, so errors name the
    same paths as in a run spec ("data.noise").
    """
    return runs.preview(data=data, user=user)
