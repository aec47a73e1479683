"""Shared route dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request

from playground.api.auth import CurrentUser
from playground.api.schemas import MessageBody
from playground.services.accounts import Accounts
from playground.services.ensembles import Ensembles
from playground.services.experiments import Experiments
from playground.services.exports import Exporter
from playground.services.inspect import Inspector
from playground.services.runs import Runs
from playground.services.sweeps import Sweeps
from playground.services.uploads import Uploads
from playground.store.records import RunRecord, SweepRecord, UploadRecord

# The service lookups below are `async def`: they only read app.state, and FastAPI runs a
# plain `def` dependency in the thread pool, a hop to another thread and back (about as
# much as the lookup itself on a busy server, and it adds up on every request).


async def _runs(request: Request) -> Runs:
    runs: Runs = request.app.state.runs
    return runs


RunsDep = Annotated[Runs, Depends(_runs)]


async def _inspector(request: Request) -> Inspector:
    inspector: Inspector = request.app.state.inspector
    return inspector


InspectorDep = Annotated[Inspector, Depends(_inspector)]


async def _experiments(request: Request) -> Experiments:
    experiments: Experiments = request.app.state.experiments
    return experiments


ExperimentsDep = Annotated[Experiments, Depends(_experiments)]


async def _exporter(request: Request) -> Exporter:
    exporter: Exporter = request.app.state.exporter
    return exporter


ExporterDep = Annotated[Exporter, Depends(_exporter)]


async def _ensembles(request: Request) -> Ensembles:
    ensembles: Ensembles = request.app.state.ensembles
    return ensembles


EnsemblesDep = Annotated[Ensembles, Depends(_ensembles)]


async def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


AccountsDep = Annotated[Accounts, Depends(_accounts)]


MAX_ID = 2**63 - 1  # the largest id the databases can store; larger ones are not ids


RunId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _run(runs: RunsDep, run_id: RunId, user: CurrentUser) -> RunRecord:
    """The run named in the path, or 404 (RunNotFoundError's handler) when there is none
    the user may see (their own, a shared one, or any for an admin)."""
    return runs.get(run_id, user)


def _own_run(runs: RunsDep, run_id: RunId, user: CurrentUser) -> RunRecord:
    """The run named in the path, or 404 when the user may not change it (a shared run is
    read-only to others)."""
    return runs.get(run_id, user, change=True)


RunDep = Annotated[RunRecord, Depends(_run)]
OwnRunDep = Annotated[RunRecord, Depends(_own_run)]
# Every route that takes RunDep says so in its decorator (`responses=NOT_FOUND`), so the
# OpenAPI document lists the 404 (tests/api checks every /{run_id} route does).
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": MessageBody, "description": "No run has this id."}
}
SWEEP_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": MessageBody, "description": "No sweep has this id."}
}


async def _sweeps(request: Request) -> Sweeps:
    sweeps: Sweeps = request.app.state.sweeps
    return sweeps


SweepsDep = Annotated[Sweeps, Depends(_sweeps)]


def _sweep(
    sweeps: SweepsDep, sweep_id: Annotated[int, Path(ge=1, le=MAX_ID)], user: CurrentUser
) -> SweepRecord:
    """The sweep named in the path, or 404 (SweepNotFoundError's handler) when there is
    none the user may see (their own, or any for an admin)."""
    return sweeps.sweep(sweep_id, user)


SweepDep = Annotated[SweepRecord, Depends(_sweep)]


async def _uploads(request: Request) -> Uploads:
    uploads: Uploads = request.app.state.uploads
    return uploads


UploadsDep = Annotated[Uploads, Depends(_uploads)]


def _upload(
    uploads: UploadsDep, upload_id: Annotated[int, Path(ge=1, le=MAX_ID)], user: CurrentUser
) -> UploadRecord:
    """The upload named in the path, or 404 (UploadNotFoundError's handler) when there is
    none the user may see (their own, or any for an admin)."""
    return uploads.get(upload_id, user)


UploadDep = Annotated[UploadRecord, Depends(_upload)]
UPLOAD_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": MessageBody, "description": "No upload has this id."}
}
