"""LTTB against series whose right answer is known."""

from __future__ import annotations

import math

import pytest

from playground.store.downsample import lttb


def test_hand_worked_example() -> None:
    # One bucket (points 1..3) between first and last: the peak makes the largest triangle.
    assert lttb([0, 1, 2, 3, 4], [0, 1, 5, 1, 0], 3) == [0, 2, 4]


@pytest.mark.parametrize("size", [0, 1, 2, 5, 10])
def test_fewer_points_than_max_are_all_kept(size: int) -> None:
    xs = list(range(size))
    assert lttb(xs, [x * x for x in xs], 10) == xs


def test_monotone_series_one_point_per_bucket() -> None:
    xs = list(range(1000))
    kept = lttb(xs, [math.sqrt(x) for x in xs], 50)
    assert len(kept) == 50
    assert (kept[0], kept[-1]) == (0, 999)
    assert kept == sorted(set(kept))
    # Every bucket of ~20.8 points contributes exactly one point.
    buckets = [1 + b * 998 // 48 for b in range(49)]
    for b, index in enumerate(kept[1:-1]):
        assert buckets[b] <= index < buckets[b + 1]


@pytest.mark.parametrize("height", [100.0, -100.0])
def test_spike_survives(height: float) -> None:
    ys = [math.sin(x / 500) for x in range(10_000)]
    ys[4321] = height
    kept = lttb(list(range(10_000)), ys, 20)
    assert 4321 in kept
    assert len(kept) == 20


def test_uneven_steps() -> None:
    xs = [x * x for x in range(300)]  # x spacing grows
    ys = [1.0] * 300
    ys[150] = 9.0
    kept = lttb(xs, ys, 10)
    assert 150 in kept
    assert (kept[0], kept[-1]) == (0, 299)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        lttb([0, 1, 2, 3], [0, 1, 2, 3], 2)
    with pytest.raises(ValueError, match="ys has"):
        lttb([0, 1], [0], 3)
