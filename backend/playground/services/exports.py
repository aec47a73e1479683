"""Export use case: a stored run as its spec, its weights, model.py, ONNX or one zip.

The spec and the weights file are served as they are; model.py, ONNX and the zip are
written in a probe process (they load the data set and build the model). File names come
from the run id and epoch only, never from text a user typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from playground.config import Settings
from playground.executors.probe_jobs import ExportJob, export_job
from playground.ml.snapshots import snapshot_path
from playground.services.epochs import final_epoch
from playground.store.errors import RunNotFoundError
from playground.store.records import RunRecord
from playground.store.repo import RunStore

Format = Literal["zip", "spec", "safetensors", "pytorch", "onnx"]
RunJob = Callable[..., Any]  # ProbePool.run_job, or a direct call in tests and the CLI

MEDIA = {
    "zip": "application/zip",
    "spec": "application/json",
    "safetensors": "application/octet-stream",
    "pytorch": "text/x-python; charset=utf-8",
    "onnx": "application/octet-stream",
}


class NoSnapshotError(LookupError):
    """The run has no snapshot (at the asked epoch): nothing to export."""


@dataclass(frozen=True)
class ExportFile:
    """One file to send: either `content` or a `path` to stream."""

    filename: str
    media_type: str
    content: bytes | None = None
    path: Path | None = None


@dataclass
class Exporter:
    store: RunStore
    settings: Settings
    run_job: RunJob

    def export(self, *, run_id: int, format: Format, epoch: int | Literal["last"]) -> ExportFile:
        """The run as `format`; NoSnapshotError unless a snapshot exists (except for spec)."""
        rec = self.store.get_run(run_id)
        if rec is None:
            raise RunNotFoundError(run_id)
        if format == "spec":
            body = json.dumps(rec.spec, indent=2).encode()
            return ExportFile(f"run-{run_id}-spec.json", MEDIA["spec"], content=body)
        chosen = self._epoch(rec, epoch)
        path = snapshot_path(self.settings.artifacts_dir(), run_id, chosen)
        stem = f"run-{run_id}-epoch-{chosen}"
        if not path.is_file():  # registered, but gone from the disk
            raise NoSnapshotError(f"the snapshot file of epoch {chosen} is missing")
        if format == "safetensors":
            return ExportFile(f"{stem}.safetensors", MEDIA[format], path=path)
        job = ExportJob(run_id, json.dumps(rec.spec), path, chosen, format)
        content: bytes = self.run_job(export_job, job)
        name = {"pytorch": "model.py", "onnx": "model.onnx", "zip": "zip"}[format]
        filename = f"{stem}.zip" if format == "zip" else f"{stem}-{name}"
        return ExportFile(filename, MEDIA[format], content=content)

    def _epoch(self, rec: RunRecord, wanted: int | Literal["last"]) -> int:
        run_id = rec.id
        epochs = [s.epoch for s in self.store.snapshots(run_id)]
        if not epochs:
            raise NoSnapshotError(
                f"run {run_id} has no snapshots yet: export needs trained weights"
            )
        if wanted == "last":
            return final_epoch(rec, epochs)
        if wanted not in epochs:
            raise NoSnapshotError(f"run {run_id} has no snapshot at epoch {wanted}")
        return wanted
