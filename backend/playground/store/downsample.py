"""Fewer points, same extremes: the lowest, highest and last point of each bucket.

A chart of a long series must still show a loss spike and the curve's true range, and end
on the series' real last point. Buckets are runs of consecutive pieces (a summary block of
store/blocks.py, or one raw point), so the answer needs only each piece's first, last,
lowest and highest point, which the blocks store.
"""

from __future__ import annotations

from collections.abc import Sequence

from playground.store.records import Point

# One piece of a series: (first, last, lowest, highest); lowest and highest are None when
# every value in it is NaN. A raw point p is (p, p, p, p), or (p, p, None, None) for a NaN.
Piece = tuple[Point, Point, Point | None, Point | None]


def buckets_for(max_points: int) -> int:
    """How many buckets fit in max_points: the first point, then <= 3 points per bucket."""
    return max(1, (max_points - 1) // 3)


def extremes(pieces: Sequence[Piece], max_points: int) -> list[Point]:
    """At most max_points points in step order: the first point, then for each of
    buckets_for(max_points) runs of pieces its lowest, highest and last point (the last
    bucket's last is the series' last point, exact). NaN values show only as a first or
    last point; pieces must be in step order."""
    if max_points < 3:
        raise ValueError(f"max_points must be at least 3, got {max_points}")
    if not pieces:
        return []
    first = pieces[0][0]
    out = [first]
    count = len(pieces)
    buckets = min(count, buckets_for(max_points))
    for b in range(buckets):
        group = pieces[b * count // buckets : (b + 1) * count // buckets]
        lows = [p[2] for p in group if p[2] is not None]
        highs = [p[3] for p in group if p[3] is not None]
        chosen = [group[-1][1]]
        if lows:  # min by value, then by step: the earliest of equal values
            chosen.append(min(lows, key=lambda p: (p[2], p[0])))
        if highs:
            chosen.append(min(highs, key=lambda p: (-p[2], p[0])))
        for point in sorted(chosen, key=lambda p: p[0]):
            if point[0] != out[-1][0]:  # one point per step: min, max and last may coincide
                out.append(point)
    last = pieces[-1][1]
    out[-1] = last  # exact, even where an equal-step min or max came first
    if len(out) > max_points:  # only for max_points 3: first, the farther extreme, last
        middle = max(out[1:-1], key=lambda p: abs(p[2] - (first[2] + last[2]) / 2))
        out = [first, middle, last]
    return out
