"""Executor events cross a process boundary pickled: they must arrive as they left."""

from __future__ import annotations

import pickle
from multiprocessing.reduction import ForkingPickler

from playground.executors.events import Progress, SnapshotSaved
from playground.ml.hooks import BoundaryGrid, EpochReport, LayerStats, StepReport


def test_progress_arrives_as_it_was_sent() -> None:
    layers = [LayerStats(0, "Linear", 0.5, 1.25, 1e-3), LayerStats(2, "Linear", None, 2.0, None)]
    epoch = EpochReport(3, 90, {"train_loss": 0.4, "val_accuracy": 0.75, "lr": 0.03}, layers, 1.5)
    grid = BoundaryGrid(3, (-6.0, 6.0), (-5.0, 5.0), 50, 2, 0.0, 1.0, "AAEC")
    sent = Progress(7, [StepReport(88, 3, 0.41), StepReport(90, 3, 0.39)], [epoch], [grid],
                    [SnapshotSaved(3, 1296)])  # fmt: skip
    got = pickle.loads(bytes(ForkingPickler.dumps(sent)))  # as a worker's pipe carries it
    assert got == sent
    assert isinstance(got.steps[0], StepReport)
    assert isinstance(got.epochs[0].layers[1], LayerStats)
    assert isinstance(got.grids[0], BoundaryGrid)
    assert got.grids[0].x_range == (-6.0, 6.0)
    assert pickle.loads(pickle.dumps(Progress(1))) == Progress(1)
