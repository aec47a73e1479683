"""Run use cases: create, cancel, rerun, delete, list, read. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.config import Settings
from playground.executors.base import Executor
from playground.ml.datasets import DataSpec
from playground.ml.preview import preview as preview_data
from playground.ml.spec import RunSpec
from playground.ml.validate import Summary, validate
from playground.services.manager import RunManager
from playground.store.errors import RunNotFoundError
from playground.store.records import Page, Point, RunRecord
from playground.store.repo import RunStore
from playground.store.states import ACTIVE


@dataclass
class Runs:
    """The service the routes call; built once per app in the lifespan."""

    store: RunStore
    executor: Executor
    manager: RunManager
    settings: Settings

    def check(self, spec: RunSpec) -> Summary:
        """Shape inference and limits; raises SpecError with JSON paths."""
        return validate(spec, limits=self.settings.limits, ctx=self.settings.data_context())

    def preview(self, *, data: DataSpec) -> dict[str, Any]:
        """A sample of the data set to draw; raises SpecError with JSON paths, like check."""
        ctx, limits = self.settings.data_context(), self.settings.limits
        return preview_data(data, ctx, max_samples=limits.max_samples)

    def create(self, *, spec: RunSpec, tags: list[str] | None = None) -> RunRecord:
        """Validate, store as queued, hand to the executor (an invalid spec never reaches it)."""
        self.check(spec)
        resolved = spec.model_dump(mode="json")  # the full spec, defaults filled in
        rec = self.store.create_run(
            name=spec.name or f"{spec.data.dataset} run", spec=resolved,
            dataset=spec.data.dataset, seed=spec.training.seed, tags=tags or (),
        )  # fmt: skip
        self.manager.publish_status(rec)
        self.executor.submit(rec.id, spec.model_dump_json())
        return rec

    def get(self, run_id: int) -> RunRecord:
        rec = self.store.get_run(run_id)
        if rec is None:
            raise RunNotFoundError(run_id)
        return rec

    def cancel(self, *, run_id: int) -> RunRecord:
        """Ask the executor to stop the run; the status follows when the worker confirms."""
        rec = self.get(run_id)
        if rec.status in ACTIVE:
            self.executor.cancel(run_id)
        return rec

    def delete(self, *, run_id: int) -> None:
        """Cancel if active, then remove the run and everything stored for it."""
        rec = self.get(run_id)
        if rec.status in ACTIVE:
            self.executor.cancel(run_id)
        self.store.delete_run(run_id)
        self.manager.publish_deleted(run_id)

    def rerun(self, *, run_id: int, seed: int | None = None) -> RunRecord:
        """A new run with the same spec, optionally with another seed."""
        raw: dict[str, Any] = dict(self.get(run_id).spec)
        if seed is not None:
            raw["training"] = {**raw["training"], "seed": seed}
        return self.create(spec=RunSpec.model_validate(raw))

    def page(self, **filters: Any) -> Page:
        return self.store.list_runs(**filters)

    def metrics(self, *, run_id: int, **query: Any) -> dict[str, list[Point]]:
        self.get(run_id)
        return self.store.metrics(run_id, **query)

    def queue_position(self, run_id: int) -> int | None:
        return self.executor.queue_position(run_id)

    def recover(self) -> tuple[list[int], list[int]]:
        """At start: fail runs a previous process left running; re-queue the queued ones."""
        failed = self.store.fail_interrupted("interrupted by server restart")
        queued = self.store.queued_ids()
        for run_id in queued:
            rec = self.get(run_id)
            self.executor.submit(run_id, RunSpec.model_validate(rec.spec).model_dump_json())
        return failed, queued
