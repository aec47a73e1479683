"""Shared route dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from playground.services.inspect import Inspector
from playground.services.runs import Runs
from playground.services.sweeps import Sweeps
from playground.store.records import RunRecord, SweepRecord


def _runs(request: Request) -> Runs:
    runs: Runs = request.app.state.runs
    return runs


RunsDep = Annotated[Runs, Depends(_runs)]


def _inspector(request: Request) -> Inspector:
    inspector: Inspector = request.app.state.inspector
    return inspector


InspectorDep = Annotated[Inspector, Depends(_inspector)]


MAX_ID = 2**63 - 1  # the largest id the databases can store; larger ones are not ids


def _run(runs: RunsDep, run_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> RunRecord:
    """The run named in the path, or 404 (RunNotFoundError's handler)."""
    return runs.get(run_id)


RunDep = Annotated[RunRecord, Depends(_run)]


def _sweeps(request: Request) -> Sweeps:
    sweeps: Sweeps = request.app.state.sweeps
    return sweeps


SweepsDep = Annotated[Sweeps, Depends(_sweeps)]


def _sweep(sweeps: SweepsDep, sweep_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> SweepRecord:
    """The sweep named in the path, or 404 (SweepNotFoundError's handler)."""
    return sweeps.sweep(sweep_id)


SweepDep = Annotated[SweepRecord, Depends(_sweep)]
