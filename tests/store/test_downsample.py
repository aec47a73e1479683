"""Bucketed extremes: at most max_points points, first and last exact, spikes kept."""

from __future__ import annotations

import math

import pytest

from playground.store.downsample import Piece, buckets_for, extremes, piece_of
from playground.store.records import Point


def raw(points: list[Point]) -> list[Piece]:
    return [piece_of(p) for p in points]


def test_short_series_keeps_every_point() -> None:
    points = [(i, 0, float(i)) for i in range(10)]
    assert extremes(raw(points), 100) == points


def test_spike_dip_and_ends_survive() -> None:
    points = [(i, i // 100, math.sin(i / 50)) for i in range(10_000)]
    points[4321] = (4321, 43, 99.0)
    points[777] = (777, 7, -99.0)
    out = extremes(raw(points), 100)
    assert len(out) <= 100
    assert {points[4321], points[777], points[0], points[-1]} <= set(out)
    assert out[0] == points[0]
    assert out[-1] == points[-1]
    assert [p[0] for p in out] == sorted({p[0] for p in out})


def test_blocks_give_the_same_extremes_as_their_points() -> None:
    points = [(i, 0, float((i * 7919) % 1000)) for i in range(6_400)]
    blocks: list[Piece] = []
    for lo in range(0, len(points), 64):
        part = points[lo : lo + 64]
        low = min(part, key=lambda p: (p[2], p[0]))
        high = min(part, key=lambda p: (-p[2], p[0]))
        blocks.append((len(part), *part[0], *part[-1], *low, *high))
    # 100 blocks in 33 buckets: the global extremes are among the kept points either way.
    from_blocks = extremes(blocks, 100)
    assert min(p[2] for p in from_blocks) == 0.0
    assert max(p[2] for p in from_blocks) == 999.0
    assert from_blocks[-1] == points[-1]


def test_nan_first_and_last_are_kept() -> None:
    points = [(i, 0, math.nan if i in (0, 999) else 1.0) for i in range(1_000)]
    out = extremes(raw(points), 10)
    assert len(out) <= 10
    assert math.isnan(out[0][2])
    assert math.isnan(out[-1][2])
    assert (out[0][0], out[-1][0]) == (0, 999)


def test_three_points_keep_the_farthest_extreme() -> None:
    points = [(i, 0, 0.0) for i in range(100)]
    points[50] = (50, 0, 7.0)
    assert extremes(raw(points), 3) == [points[0], points[50], points[-1]]
    assert buckets_for(1000) == 333


def test_too_few_points() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        extremes(raw([(0, 0, 1.0)]), 2)
