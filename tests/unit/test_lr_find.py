"""The learning-rate finder on real presets: an exponential ramp, a sane suggestion, an
early stop when the loss blows up."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from playground.ml.datasets import DataContext, load
from playground.ml.errors import SpecError
from playground.ml.lr_find import check_range, lr_find, lr_ramp, suggest
from playground.ml.spec import RunSpec
from tests.factories import make_spec

EXAMPLES = Path(__file__).parents[2] / "examples"


def preset(name: str) -> RunSpec:
    return RunSpec.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


def test_ramp_is_exponential_from_min_to_max() -> None:
    lrs = lr_ramp(1e-6, 1.0, 200)
    assert len(lrs) == 200
    assert lrs[0] == pytest.approx(1e-6)
    assert lrs[-1] == pytest.approx(1.0)
    ratios = [b / a for a, b in itertools.pairwise(lrs)]
    assert max(ratios) == pytest.approx(min(ratios))  # one constant factor per step
    assert ratios[0] == pytest.approx(10 ** (6 / 199))


@pytest.mark.parametrize("name", ["optimizer_adam_spiral", "mlp_spiral"])
def test_spiral_suggestion_is_in_a_sane_range(name: str) -> None:
    spec = preset(name)
    result = lr_find(spec, load(spec.data, DataContext()), min_lr=1e-6, max_lr=1.0, steps=200)
    lrs = result["lrs"]
    assert lrs == pytest.approx(lr_ramp(1e-6, 1.0, 200)[: len(lrs)])  # the ramp it ran
    assert len(result["losses"]) == len(result["raw_losses"]) == len(lrs)
    assert 1e-3 <= result["suggested_lr"] <= 1.0
    assert result["suggested_lr"] in lrs
    assert "fell fastest" in result["note"]


def test_divergence_stops_early() -> None:
    # Plain SGD up to lr 10 on a spiral MLP: the loss blows up well before the last step.
    spec = make_spec(training={"optimizer": {"type": "SGD", "lr": 0.1}})
    result = lr_find(spec, load(spec.data, DataContext()), min_lr=1e-3, max_lr=10.0, steps=300)
    assert result["diverged_at"] is not None
    assert len(result["lrs"]) < 300
    smoothed = result["losses"]
    assert smoothed[-1] > 4 * min(smoothed) or math.isnan(result["raw_losses"][-1])
    assert result["suggested_lr"] < result["diverged_at"]


def test_smoothing_is_a_bias_corrected_ema() -> None:
    spec = make_spec()
    result = lr_find(spec, load(spec.data, DataContext()), min_lr=1e-5, max_lr=1e-4, steps=10)
    raw, smoothed = result["raw_losses"], result["losses"]
    assert smoothed[0] == pytest.approx(raw[0])  # bias correction: not 2 % of it
    avg = 0.0
    for i, value in enumerate(raw):
        avg = 0.98 * avg + 0.02 * value
        assert smoothed[i] == pytest.approx(avg / (1 - 0.98 ** (i + 1)))


def test_suggestion_before_the_minimum_where_the_loss_falls_fastest() -> None:
    lrs = lr_ramp(1e-4, 1.0, 100)
    # Flat, then a fall steepest around i = 60, lowest at i = 80, then up.
    losses = [1.0 - 0.5 / (1 + math.exp(-(i - 60) / 4)) + max(0, i - 80) * 0.05 for i in range(100)]
    lr, note = suggest(lrs, losses)
    assert lr == pytest.approx(lrs[60], rel=0.1)
    assert "fell fastest" in note


def test_flat_loss_gives_a_clear_note() -> None:
    lr, note = suggest(lr_ramp(1e-4, 1.0, 100), [1.0 + 0.01 * i for i in range(100)])
    assert lr is None  # no rate worth offering
    assert "never fell" in note


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ((0.0, 1.0, 100), "min_lr"),
        ((1e-3, 11.0, 100), "max_lr"),
        ((1.0, 0.1, 100), "max_lr"),
        ((1e-3, 1.0, 9), "steps"),
        ((1e-3, 1.0, 1001), "steps"),
    ],
)
def test_bounds_name_the_argument(args: tuple[float, float, int], path: str) -> None:
    with pytest.raises(SpecError) as e:
        check_range(*args)
    assert [x.path for x in e.value.errors] == [path]
