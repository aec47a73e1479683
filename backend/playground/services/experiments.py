"""Experiment use cases: the learning-rate finder and the sanity checks, run on a fresh copy
of a spec's model before any real run. No HTTP here.

The API runs them in its ProbePool (never in its own process); the command line runs them
in its own process. Both go through here, so a request is checked the same way from either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.config import Settings
from playground.executors.probes import Task
from playground.ml import lr_find as finder
from playground.ml.errors import ErrorItem, SpecError
from playground.ml.sanity import CHECKS, Check
from playground.ml.spec import RunSpec
from playground.ml.validate import validate
from playground.services.access import LOCAL_ADMIN, check_upload_use
from playground.store.uploads import UploadStore
from playground.store.users import UserRecord

RunTask = Callable[[Task], dict[str, Any]]


@dataclass
class Experiments:
    """Short experiments on specs, computed by `run_task` (a probe pool, or in-process)."""

    settings: Settings
    run_task: RunTask
    uploads: UploadStore | None = None  # None: the command line (its user is the admin)

    def lr_find(
        self, *, spec: RunSpec, min_lr: float = 1e-6, max_lr: float = 1.0, steps: int = 200,
        user: UserRecord = LOCAL_ADMIN,
    ) -> dict[str, Any]:  # fmt: skip
        """{"lrs", "losses", "raw_losses", "suggested_lr", "diverged_at", "note", "seconds"};
        SpecError naming the field ("spec.model.layers[0]...", "max_lr") when it cannot run."""
        finder.check_range(min_lr, max_lr, steps)
        self._check(spec, user, extra=finder.check_spec)
        args = {"min_lr": min_lr, "max_lr": max_lr, "steps": steps}
        return self.run_task(Task("lr_find", spec.model_dump_json(), args))

    def sanity(
        self, *, spec: RunSpec, checks: list[Check] | None = None, user: UserRecord = LOCAL_ADMIN
    ) -> dict[str, Any]:
        """{"checks": [{"check", "verdict", "message", ...}]} in the order asked."""
        self._check(spec, user)
        wanted = list(dict.fromkeys(checks or CHECKS))  # each once, in the order given
        return self.run_task(Task("sanity", spec.model_dump_json(), {"checks": wanted}))

    def _check(
        self, spec: RunSpec, user: UserRecord, extra: Callable[[RunSpec], None] | None = None
    ) -> None:
        """Validate the spec (its upload, shapes, limits); errors are reported under "spec"."""
        try:
            check_upload_use(self.uploads, spec.data, user)
            validate(spec, limits=self.settings.limits, ctx=self.settings.data_context())
            if extra is not None:
                extra(spec)
        except SpecError as e:
            raise SpecError([ErrorItem(("spec", *x.loc), x.msg, x.type) for x in e.errors]) from e
