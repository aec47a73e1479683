"""Reading metric series back, fast enough for runs with a million rows.

Downsampled reads (max_points) take each series' size from its summary blocks
(store/blocks.py): a series of at most max_points points comes back whole; a longer one is
cut into buckets that keep their lowest, highest and last points (store/downsample.py),
read from the blocks when there are at least as many blocks as buckets (every long series
of a big run), else from its raw rows (a few thousand at most).

Rows come straight from the DBAPI cursor: step, epoch and value are ints and floats that
need no type processing, and building a SQLAlchemy Row (or a NamedTuple) per point costs
more than the query itself: about 1.8 us a point against SQLite's 1.7 us on the dev box.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Executable, select

from playground.store.blocks import read_blocks, series_sizes
from playground.store.downsample import buckets_for, extremes, piece_of
from playground.store.models import Metric
from playground.store.records import MetricRecord, Point, series_key


def read_series(
    conn: Connection,
    run_id: int,
    *,
    names: Iterable[str] | None,
    split: str | None,
    max_points: int | None,
) -> dict[str, list[Point]]:
    """Each (split, name) series of a run in step order; with max_points, each longer series
    downsampled to at most max_points points (first and last exact, extremes kept)."""
    if max_points is not None:
        return {
            series_key(s, n): _read_downsampled(conn, run_id, s, n, size, blocks, max_points)
            for s, n, size, blocks in series_sizes(conn, run_id, names, split)
        }
    keys = select(Metric.split, Metric.name).where(Metric.run_id == run_id).distinct()
    if names is not None:
        keys = keys.where(Metric.name.in_(list(names)))
    if split is not None:
        keys = keys.where(Metric.split == split)
    # One query per series, not one for all: the split and name strings then come back
    # once per series instead of once per point.
    return {
        series_key(s, n): _read_one(conn, run_id, s, n) for s, n in sorted(conn.execute(keys).all())
    }


def read_downsampled(
    conn: Connection,
    run_id: int,
    limits: Callable[[list[tuple[str, str, int]]], Mapping[tuple[str, str], int]],
) -> dict[tuple[str, str], list[Point]]:
    """The series `limits` names (given every (split, name, points) of the run), each
    downsampled to its own limit."""
    sizes = series_sizes(conn, run_id, None, None)
    wanted = limits([(s, n, size) for s, n, size, _ in sizes])
    if any(limit < 3 for limit in wanted.values()):
        raise ValueError("max_points must be at least 3")
    return {
        (s, n): _read_downsampled(conn, run_id, s, n, size, blocks, wanted[(s, n)])
        for s, n, size, blocks in sizes
        if (s, n) in wanted
    }


IN_CHUNK = 500  # steps per IN (...) list: far below every backend's limit on parameters


def read_after(conn: Connection, run_id: int, seq: int) -> list[MetricRecord]:
    """Metrics of the batches after `seq`, in seq order."""
    query = (
        select(Metric.seq, Metric.step, Metric.epoch, Metric.split, Metric.name, Metric.value)
        .where(Metric.run_id == run_id, Metric.seq > seq)
        .order_by(Metric.seq, Metric.id)
    )
    records = list(map(MetricRecord._make, _driver_rows(conn, query)))
    if all(r.value is not None for r in records):
        return records
    return [r if r.value is not None else r._replace(value=math.nan) for r in records]


def read_at(
    conn: Connection,
    run_id: int,
    steps: Mapping[tuple[str, str], Collection[int]],
    *,
    after: int,
    upto: int,
) -> list[MetricRecord]:
    """Rows of each series at the given steps with after < seq <= upto, in seq order."""
    rows: list[Any] = []
    for (split, name), wanted in steps.items():
        ordered = sorted(wanted)
        for lo in range(0, len(ordered), IN_CHUNK):
            # The seq range is checked here, not in SQL: given one, SQLite walks the run's
            # seq index instead of seeking each step in ix_metrics_run_id_name_split_step.
            query = select(Metric.seq, Metric.id, Metric.step, Metric.epoch, Metric.value).where(
                Metric.run_id == run_id,
                Metric.name == name,
                Metric.split == split,
                Metric.step.in_(ordered[lo : lo + IN_CHUNK]),
            )
            rows += [
                (q, i, s, e, split, name, v)
                for q, i, s, e, v in _driver_rows(conn, query)
                if after < q <= upto
            ]
    rows.sort(key=lambda r: (r[0], r[1]))  # seq, then id: the order the batch was stored in
    return [
        MetricRecord(q, s, e, split, name, math.nan if v is None else v)
        for q, _, s, e, split, name, v in rows
    ]


def read_batches(conn: Connection, run_id: int, seqs: Collection[int]) -> list[MetricRecord]:
    """Every metric of the batches with these seqs, in seq order (ix_metrics_run_id_seq)."""
    ordered = sorted(seqs)
    records: list[MetricRecord] = []
    for lo in range(0, len(ordered), IN_CHUNK):
        query = (
            select(Metric.seq, Metric.step, Metric.epoch, Metric.split, Metric.name, Metric.value)
            .where(Metric.run_id == run_id, Metric.seq.in_(ordered[lo : lo + IN_CHUNK]))
            .order_by(Metric.seq, Metric.id)
        )
        records += map(MetricRecord._make, _driver_rows(conn, query))
    return [r if r.value is not None else r._replace(value=math.nan) for r in records]


def _read_downsampled(
    conn: Connection, run_id: int, split: str, name: str, size: int, blocks: int, limit: int
) -> list[Point]:
    if size <= limit:
        return _read_one(conn, run_id, split, name)
    if blocks >= buckets_for(limit):
        return extremes(read_blocks(conn, run_id, split, name), limit)
    return extremes([piece_of(p) for p in _read_one(conn, run_id, split, name)], limit)


def _read_one(conn: Connection, run_id: int, split: str, name: str) -> list[Point]:
    # Served by ix_metrics_run_id_name_split_step in order (rowid is its hidden last
    # column), so SQLite needs no sort.
    query = (
        select(Metric.step, Metric.epoch, Metric.value)
        .where(Metric.run_id == run_id, Metric.name == name, Metric.split == split)
        .order_by(Metric.step, Metric.id)
    )
    return _as_points(_driver_rows(conn, query))


def _driver_rows(conn: Connection, query: Executable) -> list[Any]:
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())  # plain tuples; see the module docstring
    finally:
        result.close()


def _as_points(rows: list[Any]) -> list[Point]:
    """The driver's (step, epoch, value) tuples as they are, NULL values back to NaN."""
    if any(r[2] is None for r in rows):  # SQLite stores a NaN as NULL
        return [(s, e, math.nan if v is None else v) for s, e, v in rows]
    return rows
