"""Jobs a probe process runs besides views: exporting a run, scoring an ensemble, and
checking and previewing an uploaded file.

Each is a module-level function job(arg, ctx) for ProbePool.run_job, with a frozen
dataclass argument that pickles cheaply (JSON text and paths, no tensors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from torch import nn

from playground.executors.probes import cached_data, cached_model
from playground.ml.datasets import DataContext, describe
from playground.ml.datasets.upload import UploadData
from playground.ml.datasets.upload_checks import Checked, check_csv, check_npz
from playground.ml.ensemble import Method, ensemble
from playground.ml.errors import SpecError
from playground.ml.export.bundle import bundle
from playground.ml.export.onnx import OnnxExportError, onnx_bytes
from playground.ml.export.preprocess import preprocessing
from playground.ml.export.pytorch import UnsupportedLayerError, model_source
from playground.ml.preview import preview
from playground.ml.spec import RunSpec

BuiltFormat = Literal["pytorch", "onnx", "zip"]


@dataclass(frozen=True)
class ExportJob:
    """Write one run's snapshot as model.py, ONNX or the whole zip."""

    run_id: int
    spec_json: str
    snapshot: Path
    epoch: int
    format: BuiltFormat


def export_job(job: ExportJob, ctx: DataContext) -> bytes:
    """The file's bytes; SpecError at ("format",) when the model cannot be written so."""
    spec = RunSpec.model_validate_json(job.spec_json)
    model = cached_model(job.spec_json, spec, job.snapshot, ctx)
    if job.format == "onnx":
        return _onnx(model, spec, ctx)
    data = cached_data(spec, ctx)
    try:
        source = model_source(
            model, preprocessing(spec, data, ctx), title=f"Run {job.run_id} of NN Playground"
        )
    except UnsupportedLayerError as e:
        raise SpecError.at(("format",), f"{e} (model.layers[{e.index}])") from e
    if job.format == "pytorch":
        return source.encode()
    try:
        onnx, onnx_error = _onnx(model, spec, ctx), None
    except SpecError as e:
        onnx, onnx_error = None, e.errors[0].msg
    return bundle(
        run_id=job.run_id, epoch=job.epoch,
        spec_json=json.dumps(json.loads(job.spec_json), indent=2).encode(),
        weights=job.snapshot.read_bytes(), model_py=source, onnx=onnx, onnx_error=onnx_error,
    )  # fmt: skip


def _onnx(model: nn.Module, spec: RunSpec, ctx: DataContext) -> bytes:
    try:
        return onnx_bytes(model, describe(spec.data, ctx).input)
    except OnnxExportError as e:
        raise SpecError.at(("format",), str(e)) from e


@dataclass(frozen=True)
class EnsembleJob:
    """Score the members (spec JSON and snapshot each) on their shared test split."""

    specs: tuple[str, ...]
    snapshots: tuple[Path, ...]
    method: Method


def ensemble_job(job: EnsembleJob, ctx: DataContext) -> dict[str, Any]:
    specs = [RunSpec.model_validate_json(s) for s in job.specs]
    members = [
        (spec, cached_model(text, spec, path, ctx, ("runs", i)))
        for i, (text, spec, path) in enumerate(zip(job.specs, specs, job.snapshots, strict=True))
    ]
    return ensemble(members, cached_data(specs[0], ctx), job.method)


@dataclass(frozen=True)
class UploadCheckJob:
    """Check a received upload file (CSV or NPZ) at `path` before it is kept."""

    kind: Literal["csv", "npz"]
    path: Path
    max_samples: int


def upload_check_job(job: UploadCheckJob, ctx: DataContext) -> Checked:
    """Parsing a whole CSV (or reading an NPZ's targets) costs memory and CPU in proportion
    to the file: done here, not in the API process."""
    check = check_csv if job.kind == "csv" else check_npz
    return check(job.path, max_samples=job.max_samples)


@dataclass(frozen=True)
class UploadPreviewJob:
    """A preview of an upload, as POST /api/datasets/preview draws one."""

    upload: int
    max_samples: int


def upload_preview_job(job: UploadPreviewJob, ctx: DataContext) -> dict[str, Any]:
    return preview(UploadData(upload=job.upload), ctx, max_samples=job.max_samples)
