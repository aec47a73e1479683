"""Runs.create for layers that start from a stored run: the checks against the source run
and its snapshot, "last" stored as a number, and the job the worker gets."""

from __future__ import annotations

from typing import Any

import pytest
from torch import nn

from playground.ml.errors import SpecError
from playground.ml.hooks import Hooks
from playground.ml.snapshots import save_snapshot, snapshot_path
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.transfer import Job
from playground.store.records import SnapshotRecord
from tests.factories import make_spec
from tests.services.conftest import Service


def trained_source(service: Service) -> int:
    """A stored run with snapshots on disk and in the store, as a worker leaves them."""
    spec = make_spec(training={"epochs": 2})
    run_id = service.runs.create(spec=spec).id
    root = service.runs.settings.artifacts_dir()
    saved: list[SnapshotRecord] = []

    class Saver(Hooks):
        def on_snapshot(self, epoch: int, model: nn.Module) -> None:
            saved.append(
                SnapshotRecord(epoch, save_snapshot(model, snapshot_path(root, run_id, epoch)))
            )

    assert train(spec, Saver()).status == "succeeded"
    service.runs.store.append(run_id, snapshots=saved)
    return run_id


def target(run: int, out: int = 8, **origin: Any) -> RunSpec:
    return make_spec(
        model={
            "layers": [
                {
                    "type": "Linear",
                    "out_features": out,
                    "freeze": True,
                    "from_run": {"run": run, "layer": "model.layers[0]", **origin},
                },
                {"type": "Linear", "out_features": 2},
            ]
        }
    )


def test_last_is_stored_as_a_number_and_the_worker_gets_the_file(service: Service) -> None:
    source = trained_source(service)
    run = service.runs.create(spec=target(source))
    stored = service.runs.get(run.id).spec["model"]["layers"][0]
    assert stored["from_run"] == {"run": source, "layer": "model.layers[0]", "epoch": 2}
    assert stored["freeze"] is True
    _, sent = service.executor.submitted[-1]
    job = Job.model_validate_json(sent)
    assert job.spec.model_dump(mode="json") == service.runs.get(run.id).spec
    (copy,) = job.transfers
    # Built from the ids only; the source layer sits in a (Linear, Tanh) pair.
    root = service.runs.settings.artifacts_dir()
    assert copy.file == str(snapshot_path(root, source, 2))
    assert (copy.target, copy.source) == ("0.", "0.0.")


def test_an_unknown_run_is_named_at_its_path(service: Service) -> None:
    with pytest.raises(SpecError) as raised:
        service.runs.create(spec=target(999))
    err = raised.value.errors[0]
    assert (err.path, err.msg) == ("model.layers[0].from_run.run", "no run 999")
    assert service.runs.page().items == []


def test_a_missing_epoch_and_a_shape_mismatch_are_refused(service: Service) -> None:
    source = trained_source(service)
    submitted = len(service.executor.submitted)
    with pytest.raises(SpecError) as raised:
        service.runs.check(target(source, epoch=5))
    assert raised.value.errors[0].path == "model.layers[0].from_run.epoch"
    assert "no snapshot at epoch 5" in raised.value.errors[0].msg
    with pytest.raises(SpecError) as raised:
        service.runs.create(spec=target(source, out=3))
    err = raised.value.errors[0]
    assert err.path == "model.layers[0].from_run"
    assert "weight 3x2" in err.msg
    assert "weight 8x2" in err.msg
    assert len(service.executor.submitted) == submitted


def test_a_run_without_snapshots_cannot_be_a_source(service: Service) -> None:
    queued = service.runs.create(spec=make_spec()).id
    with pytest.raises(SpecError, match="has no saved weights"):
        service.runs.check(target(queued))
