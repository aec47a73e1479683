"""record_test reads accuracy off the confusion matrix: the same numbers as split_metrics."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from playground.ml.datasets import Split
from playground.ml.hooks import RunResult
from playground.ml.losses import BCEWithLogitsLoss, CrossEntropyLoss
from playground.ml.metrics import record_test, split_metrics, to_floats
from playground.ml.objective import Objective
from playground.ml.types import TargetInfo


@pytest.mark.parametrize(
    ("loss", "target", "x_shape", "y_shape", "width"),
    [
        (CrossEntropyLoss(), TargetInfo("classification", n_classes=3), (50, 4), (50,), 3),
        (
            CrossEntropyLoss(),
            TargetInfo("classification", n_classes=3, steps=5),
            (50, 5, 4),
            (50, 5),
            3,
        ),
        (BCEWithLogitsLoss(), TargetInfo("classification", n_classes=2), (50, 4), (50,), 1),
    ],
)
def test_test_metrics_equal_split_metrics(
    loss: object, target: TargetInfo, x_shape: tuple[int, ...], y_shape: tuple[int, ...], width: int
) -> None:
    g = torch.Generator().manual_seed(0)
    model = nn.Linear(4, width)
    x = torch.randn(*x_shape, generator=g)
    y = torch.randint(0, target.n_classes or 2, y_shape, generator=g)
    objective = Objective(loss, target, loss.build())  # type: ignore[attr-defined]
    result = RunResult("succeeded")
    record_test(result, model, objective, Split(x, y), target.n_classes or 2)
    with torch.no_grad():
        expected = to_floats(split_metrics(objective, model(x), y, ""))
    assert result.test == expected
    assert result.confusion is not None
    assert sum(map(sum, result.confusion)) == y.numel()
