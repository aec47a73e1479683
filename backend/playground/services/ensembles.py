"""Ensemble use case: check that the runs can be scored together, then score them in a
probe process (each member's test metrics and the ensemble's)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from playground.config import Settings
from playground.executors.probe_jobs import EnsembleJob, ensemble_job
from playground.ml.datasets import DataContext, describe
from playground.ml.ensemble import Method
from playground.ml.errors import ErrorItem, SpecError
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from playground.services.access import LOCAL_ADMIN, can_see
from playground.services.epochs import final_epoch
from playground.store.records import RunRecord
from playground.store.repo import RunStore
from playground.store.users import UserRecord

RunJob = Callable[..., Any]


@dataclass
class Ensembles:
    store: RunStore
    settings: Settings
    run_job: RunJob

    def score(
        self,
        *,
        runs: list[int],
        method: Method,
        epoch: int | Literal["last"] = "last",
        user: UserRecord = LOCAL_ADMIN,
    ) -> dict[str, Any]:
        """{"method", "members": [{run_id, epoch, test_accuracy, test_loss}], "ensemble",
        "n_test", "note"}; SpecError naming runs[i] for a run that does not fit (or that
        `user` may not see: it does not exist for them)."""
        records = [self._record(i, run_id, runs, user) for i, run_id in enumerate(runs)]
        self._check_data(records, method)
        epochs = [self._epoch(i, rec, epoch) for i, rec in enumerate(records)]
        root = self.settings.artifacts_dir()
        job = EnsembleJob(
            specs=tuple(json.dumps(r.spec) for r in records),
            snapshots=tuple(
                snapshot_path(root, r.id, e) for r, e in zip(records, epochs, strict=True)
            ),
            method=method,
        )
        result = self.run_job(ensemble_job, job)
        members = [
            {"run_id": r.id, "epoch": e, **m}
            for r, e, m in zip(records, epochs, result["members"], strict=True)
        ]
        return {**result, "method": method, "members": members}

    def _record(self, i: int, run_id: int, runs: list[int], user: UserRecord) -> RunRecord:
        if runs.index(run_id) != i:
            raise SpecError.at(("runs", i), f"run {run_id} is listed twice")
        rec = self.store.get_run(run_id)
        if rec is None or not can_see(user, rec):
            raise SpecError.at(("runs", i), f"run {run_id} does not exist")
        return rec

    def _check_data(self, records: list[RunRecord], method: Method) -> None:
        first = records[0]
        errors = [
            ErrorItem(
                ("runs", i),
                f"run {r.id} trains on other data than run {first.id} ({_difference(r, first)}): "
                "members must share one data spec, so that they share one test set",
            )
            for i, r in enumerate(records)
            if r.spec["data"] != first.spec["data"]
        ]
        if errors:
            raise SpecError(errors)
        info = describe(
            RunSpec.model_validate(first.spec).data, DataContext(self.settings.data_dir)
        )
        if info.n_test == 0:
            raise SpecError.at(
                ("runs", 0), "the runs' data has no test split (data.split.test = 0)"
            )
        if method == "vote" and info.target.task != "classification":
            raise SpecError.at(
                ("method",), "vote needs a classification task; use mean_prob for regression"
            )

    def _epoch(self, i: int, rec: RunRecord, wanted: int | Literal["last"]) -> int:
        epochs = [s.epoch for s in self.store.snapshots(rec.id)]
        if not epochs:
            raise SpecError.at(("runs", i), f"run {rec.id} has no snapshots yet: train it first")
        if wanted == "last":
            return final_epoch(rec, epochs)
        if wanted not in epochs:
            raise SpecError.at(("epoch",), f"run {rec.id} has no snapshot at epoch {wanted}")
        return wanted


def _difference(rec: RunRecord, first: RunRecord) -> str:
    """The first data field that differs: 'data.seed is 1, not 0'."""
    mine, theirs = rec.spec["data"], first.spec["data"]
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key) != theirs.get(key):
            return f"data.{key} is {json.dumps(mine.get(key))}, not {json.dumps(theirs.get(key))}"
    return "the data specs differ"
