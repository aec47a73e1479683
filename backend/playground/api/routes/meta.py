"""Catalog, validation, health and system status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from playground.api.auth import CurrentUser
from playground.api.deps import RunsDep
from playground.api.schemas import CatalogOut, Health, SummaryOut, SystemOut
from playground.ml.registry import catalog
from playground.ml.spec import RunSpec

router = APIRouter(prefix="/api", tags=["meta"])
public = APIRouter(prefix="/api", tags=["meta"])  # answered without a login
_CATALOG = catalog()  # a pure function of the code: computed once


@router.post("/validate")
def validate_spec(spec: RunSpec, runs: RunsDep, user: CurrentUser) -> SummaryOut:
    """Per-layer output shape, parameters and FLOPs, or 422 naming the bad field."""
    return SummaryOut.model_validate(runs.check(spec, user).as_dict())


@router.get("/catalog", response_model=CatalogOut, response_model_exclude_unset=True)
def get_catalog() -> dict[str, Any]:
    """Every layer, activation, loss, optimizer, schedule, init and data set with its fields."""
    return _CATALOG


@public.get("/health")
def health() -> Health:
    return Health(status="ok")


@router.get("/system")
def system(runs: RunsDep) -> SystemOut:
    """Devices, workers busy/idle, queue length."""
    status = runs.system()
    return SystemOut.model_validate(
        {**status.executor, "snapshots": status.snapshots, "snapshot_bytes": status.snapshot_bytes}
    )
