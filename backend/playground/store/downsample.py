"""Largest-triangle-three-buckets: fewer points, same shape (Steinarsson 2013)."""

from __future__ import annotations

from collections.abc import Sequence


def lttb(xs: Sequence[float], ys: Sequence[float], n: int) -> list[int]:
    """Indices of at most `n` points of (xs, ys) that keep its shape; first and last always.

    xs must be sorted. Between the first and last point, the points are split into n - 2
    buckets of (nearly) equal size, and each bucket keeps the point that makes the largest
    triangle with the point kept before it and the mean of the next bucket.
    """
    if len(xs) != len(ys):
        raise ValueError(f"xs has {len(xs)} points but ys has {len(ys)}")
    if n < 3:
        raise ValueError(f"n must be at least 3 (first, last and one bucket), got {n}")
    size = len(xs)
    if size <= n:
        return list(range(size))
    buckets = n - 2
    inner = size - 2  # points between the first and the last

    def start(b: int) -> int:  # first index of bucket b; integer maths, no rounding drift
        return 1 + b * inner // buckets

    kept = [0]
    for b in range(buckets):
        lo, hi = start(b), start(b + 1)
        nxt = start(b + 2) if b + 1 < buckets else size  # the last "bucket" is the last point
        avg_x, avg_y = _mean(xs, hi, nxt), _mean(ys, hi, nxt)
        kept.append(_largest_triangle(xs, ys, kept[-1], lo, hi, avg_x, avg_y))
    kept.append(size - 1)
    return kept


def _mean(values: Sequence[float], lo: int, hi: int) -> float:
    return sum(values[lo:hi]) / (hi - lo)


def _largest_triangle(
    xs: Sequence[float], ys: Sequence[float], a: int, lo: int, hi: int, cx: float, cy: float
) -> int:
    """The index in [lo, hi) whose triangle with point `a` and (cx, cy) is largest."""
    ax, ay = xs[a], ys[a]
    dx, dy = ax - cx, cy - ay
    best, pick = -1.0, lo
    for i in range(lo, hi):
        area = abs(dx * (ys[i] - ay) - (ax - xs[i]) * dy)  # twice the area; only order matters
        if area > best:
            best, pick = area, i
    return pick
