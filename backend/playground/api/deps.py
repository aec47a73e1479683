"""Shared route dependencies as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from playground.services.ensembles import Ensembles
from playground.services.exports import Exporter
from playground.services.inspect import Inspector
from playground.services.runs import Runs
from playground.store.records import RunRecord


def _runs(request: Request) -> Runs:
    runs: Runs = request.app.state.runs
    return runs


RunsDep = Annotated[Runs, Depends(_runs)]


def _inspector(request: Request) -> Inspector:
    inspector: Inspector = request.app.state.inspector
    return inspector


InspectorDep = Annotated[Inspector, Depends(_inspector)]


def _exporter(request: Request) -> Exporter:
    exporter: Exporter = request.app.state.exporter
    return exporter


ExporterDep = Annotated[Exporter, Depends(_exporter)]


def _ensembles(request: Request) -> Ensembles:
    ensembles: Ensembles = request.app.state.ensembles
    return ensembles


EnsemblesDep = Annotated[Ensembles, Depends(_ensembles)]


MAX_ID = 2**63 - 1  # the largest id the databases can store; larger ones are not ids


def _run(runs: RunsDep, run_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> RunRecord:
    """The run named in the path, or 404 (RunNotFoundError's handler)."""
    return runs.get(run_id)


RunDep = Annotated[RunRecord, Depends(_run)]
