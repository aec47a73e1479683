"""Fewer points, same extremes: the lowest, highest and last point of each bucket.

A chart of a long series must still show a loss spike and the curve's true range, and end
on the series' real last point. Buckets are runs of consecutive pieces (a summary block of
store/blocks.py, or one raw point), so the answer needs only each piece's first, last,
lowest and highest point, which the blocks store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from playground.store.blocks import FS, LS, MAXE, MAXS, MAXV, MINE, MINS, MINV
from playground.store.records import Point

# One piece of a series, in the layout of a stored block (blocks.FIELDS: n, then step,
# epoch, value of its first, last, lowest and highest point; lowest and highest are None
# when every value in it is NaN): the driver's rows are used as they come, with no
# per-block object built. A raw point is a piece of one (`piece_of`).
Piece = Sequence[Any]


def piece_of(point: Point) -> Piece:
    """One raw point (step, epoch, value) as a piece; a NaN or NULL value has no min or max."""
    s, e, v = point
    if v is None or v != v:
        return (1, s, e, v, s, e, v, None, None, None, None, None, None)
    return (1, s, e, v, s, e, v, s, e, v, s, e, v)


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
    first = _point(pieces[0], FS)
    out = [first]
    count = len(pieces)
    buckets = min(count, buckets_for(max_points))
    for b in range(buckets):
        group = pieces[b * count // buckets : (b + 1) * count // buckets]
        chosen = [_point(group[-1], LS)]
        lows = [p for p in group if p[MINV] is not None]
        if lows:  # min by value, then by step: the earliest of equal values
            low = min(lows, key=lambda p: (p[MINV], p[MINS]))
            chosen.append((low[MINS], low[MINE], low[MINV]))
            high = min(lows, key=lambda p: (-p[MAXV], p[MAXS]))  # max is None only with min
            chosen.append((high[MAXS], high[MAXE], high[MAXV]))
        for point in sorted(chosen, key=lambda p: p[0]):
            if point[0] != out[-1][0]:  # one point per step: min, max and last may coincide
                out.append(point)
    last = _point(pieces[-1], LS)
    out[-1] = last  # exact, even where an equal-step min or max came first
    if len(out) > max_points:  # only for max_points 3: first, the farther extreme, last
        middle = max(out[1:-1], key=lambda p: abs(p[2] - (first[2] + last[2]) / 2))
        out = [first, middle, last]
    return out


def _point(piece: Piece, at: int) -> Point:
    """The (step, epoch, value) at column `at` of a piece; NULL back to NaN."""
    value = piece[at + 2]
    return (piece[at], piece[at + 1], math.nan if value is None else value)
