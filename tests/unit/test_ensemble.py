"""ml/ensemble against hand-made members whose outputs are fixed: the ensemble's numbers
are computed here another way (counting votes, averaging softmaxes)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import Tensor, nn

from playground.ml.datasets import DataContext, load
from playground.ml.ensemble import ensemble
from tests.factories import make_spec

SPEC = make_spec()  # spiral, 200 samples: 40 test samples, 2 classes
DATA = load(SPEC.data, DataContext())
Y = DATA.test.y


class Fixed(nn.Module):
    """Returns the same (N, K) logits for the test split, whatever the input."""

    def __init__(self, logits: Tensor) -> None:
        super().__init__()
        self.logits = logits

    def forward(self, x: Tensor) -> Tensor:
        assert x.shape[0] == self.logits.shape[0]
        return self.logits


def confident(correct: Tensor, margin: float = 2.0) -> Tensor:
    """(N, 2) logits that pick the true class where `correct`, the other class elsewhere."""
    predicted = torch.where(correct, Y, 1 - Y)
    return nn.functional.one_hot(predicted, 2).float() * margin


def test_vote_is_the_majority_and_members_score_alone() -> None:
    gen = torch.Generator().manual_seed(0)
    right = [torch.rand(len(Y), generator=gen) < p for p in (0.7, 0.6, 0.65)]
    members = [(SPEC, Fixed(confident(r))) for r in right]
    out = ensemble(members, DATA, "vote")
    assert [m["test_accuracy"] for m in out["members"]] == pytest.approx(
        [float(r.float().mean()) for r in right]
    )
    majority = (torch.stack(right).sum(0) >= 2).double().mean()
    assert out["ensemble"]["test_accuracy"] == pytest.approx(float(majority))
    assert out["ensemble"]["test_loss"] is None
    assert out["n_test"] == len(Y) == 40


def test_a_tied_vote_goes_to_the_surer_member() -> None:
    right, wrong = torch.ones(len(Y), dtype=torch.bool), torch.zeros(len(Y), dtype=torch.bool)
    sure, unsure = Fixed(confident(right, 5.0)), Fixed(confident(wrong, 0.5))
    out = ensemble([(SPEC, unsure), (SPEC, sure)], DATA, "vote")
    assert out["ensemble"]["test_accuracy"] == 1.0


def test_mean_prob_averages_softmaxes() -> None:
    gen = torch.Generator().manual_seed(1)
    logits = [torch.randn(len(Y), 2, generator=gen) for _ in range(3)]
    out = ensemble([(SPEC, Fixed(z)) for z in logits], DATA, "mean_prob")
    probs = torch.stack([z.softmax(-1) for z in logits]).mean(0)
    assert out["ensemble"]["test_accuracy"] == pytest.approx(
        float((probs.argmax(-1) == Y).double().mean())
    )
    nll = -sum(math.log(float(probs[i, Y[i]])) for i in range(len(Y))) / len(Y)
    assert out["ensemble"]["test_loss"] == pytest.approx(nll, rel=1e-5)
    ce = [float(nn.functional.cross_entropy(z, Y)) for z in logits]
    assert [m["test_loss"] for m in out["members"]] == pytest.approx(ce, rel=1e-5)


def test_regression_averages_the_outputs() -> None:
    spec = make_spec(
        data={"dataset": "plane", "n_samples": 100},
        model={"layers": [{"type": "Linear", "out_features": 1}]},
    )
    data = load(spec.data, DataContext())
    y = data.test.y  # (N, 1)
    gen = torch.Generator().manual_seed(2)
    outs = [y + torch.randn(y.shape, generator=gen) * s for s in (0.5, 1.0)]
    out = ensemble([(spec, Fixed(o)) for o in outs], data, "mean_prob")
    mean = (outs[0] + outs[1]) / 2
    assert out["ensemble"]["test_accuracy"] is None
    assert out["ensemble"]["test_loss"] == pytest.approx(float((mean - y).square().mean()))
    assert [m["test_loss"] for m in out["members"]] == pytest.approx(
        [float((o - y).square().mean()) for o in outs]
    )
