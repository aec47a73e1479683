"""Objective's read-outs where they take shortcuts: they must give what torch gives."""

from __future__ import annotations

import torch

from playground.ml.losses import CrossEntropyLoss
from playground.ml.objective import Objective, argmax_of_two
from playground.ml.types import TargetInfo

NAN, INF = float("nan"), float("inf")


def test_argmax_of_two_is_argmax_with_ties_nans_and_infinities() -> None:
    torch.manual_seed(0)
    x = torch.randn(500, 2)
    x[::5, 1] = x[::5, 0]  # ties: the first index
    odd = [[NAN, 1.0], [1.0, NAN], [NAN, NAN], [INF, NAN], [-INF, INF], [INF, INF], [0.0, -0.0]]
    x[: len(odd)] = torch.tensor(odd)
    assert torch.equal(argmax_of_two(x), x.argmax(-1))
    # Any layout: a group's outputs come as a transposed view (Stack.evaluate).
    y = torch.randn(8, 2, 30).transpose(1, 2)
    assert torch.equal(argmax_of_two(y), y.argmax(-1))


def test_softmax_read_out_is_torchs_softmax_over_the_last_dimension() -> None:
    objective = Objective(
        CrossEntropyLoss(),
        TargetInfo(task="classification", n_classes=3),
        CrossEntropyLoss().build(),
    )
    out = torch.randn(4, 3, 50).transpose(1, 2) * 10
    torch.testing.assert_close(objective.read_out(out), out.softmax(-1), atol=1e-6, rtol=1e-5)
    assert torch.equal(objective.predict(out), out.argmax(-1))
