"""Inspect use case: pick the run's snapshot for a view request, have it computed elsewhere.

The API computes views in a ProbePool (processes apart from its event loop and from
training); the command line computes them in its own process. Both go through here, so a
request means the same thing, and fails the same way, from either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.config import Settings
from playground.executors.probes import Probe
from playground.ml.errors import SpecError
from playground.ml.inspect import parse_view
from playground.ml.snapshots import snapshot_path
from playground.store.errors import RunNotFoundError
from playground.store.repo import RunStore

Compute = Callable[[Probe], dict[str, Any]]


@dataclass
class Inspector:
    """Views of stored runs, by request."""

    store: RunStore
    settings: Settings
    compute: Compute

    def inspect(self, *, run_id: int, request: dict[str, Any]) -> dict[str, Any]:
        """{"run_id", "epoch", "view", ...the view's fields}; SpecError naming the field when
        the request does not fit (no such view, no snapshot at that epoch, bad index)."""
        rec = self.store.get_run(run_id)
        if rec is None:
            raise RunNotFoundError(run_id)
        view = parse_view(request)  # bad fields fail here, before any file is touched
        epoch = self._epoch(run_id, view.epoch)
        probe = Probe(
            spec_json=json.dumps(rec.spec),
            snapshot=snapshot_path(self.settings.artifacts_dir(), run_id, epoch),
            request={**request, "epoch": epoch},
        )
        return {"run_id": run_id, "epoch": epoch, **self.compute(probe)}

    def _epoch(self, run_id: int, wanted: int | str) -> int:
        """The snapshot epoch a request names ("last": the newest one)."""
        epochs = [s.epoch for s in self.store.snapshots(run_id)]
        if not epochs:
            raise SpecError.at(
                ("epoch",), "this run has no snapshots yet: views need trained weights"
            )
        if wanted == "last":
            return epochs[-1]
        if wanted not in epochs:
            raise SpecError.at(
                ("epoch",), f"no snapshot at epoch {wanted}; this run has {_listed(epochs)}"
            )
        return int(wanted)


def _listed(epochs: list[int]) -> str:
    shown = ", ".join(map(str, epochs[:12]))
    return f"epochs {shown}{', ...' if len(epochs) > 12 else ''} (latest {epochs[-1]})"
