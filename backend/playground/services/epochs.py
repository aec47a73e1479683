"""Which snapshot "last" means for exports and ensembles: the weights the run ended with."""

from __future__ import annotations

from playground.store.records import RunRecord


def final_epoch(rec: RunRecord, epochs: list[int]) -> int:
    """The restored best epoch when early stopping restored one (the test metrics come from
    those weights), else the newest snapshot. `epochs`: the run's snapshots, ascending."""
    stop = (rec.spec.get("training") or {}).get("early_stopping") or {}
    best = (rec.result or {}).get("best_epoch")
    if stop.get("restore_best", True) and stop and best in epochs:
        return int(best)
    return epochs[-1]
