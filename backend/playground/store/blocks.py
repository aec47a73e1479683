"""Summary rows of metric series (table metric_blocks), written with the metrics.

A block is BLOCK_STEPS consecutive steps of one series: its point count, its first and last
points, and its lowest and highest points (NaN skipped), each point with its step and epoch.
A 1,000-point curve of a 100,000-point series then reads ~1,600 block rows instead of
100,000 metric rows (store/series.py).

Blocks are keyed by step for the per-step series (split "step") and by epoch for the
others (one point per epoch), not by the point's position in its series: the key follows
from the row alone, so an append needs no read, and a block whose points come in several
batches (or out of order) is merged by one upsert whose merge rule is the one `add`
applies to a single point. 64: a dense series (the per-step loss) shrinks 64 times, while a
block is still a small slice of any curve worth downsampling (a 1,000-point chart of a
100,000-step series draws ~1.6 blocks per bucket). Keyed by step, a per-epoch series got
about one block per point, an upsert for nearly every metric row (as costly as the rows
themselves for a 64-trial sweep); keyed by epoch, one per 64.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from playground.store.models import Base, MetricBlock
from playground.store.records import MetricRow

BLOCK_STEPS = 64
BLOCKS = Base.metadata.tables["metric_blocks"]
KEY = ("run_id", "split", "name", "block")
# One block's values, in this order (the columns after the key): a list, updated in place.
FIELDS = (
    "n",
    "first_step", "first_epoch", "first_value",
    "last_step", "last_epoch", "last_value",
    "min_step", "min_epoch", "min_value",
    "max_step", "max_epoch", "max_value",
)  # fmt: skip
N, FS, FE, FV, LS, LE, LV, MINS, MINE, MINV, MAXS, MAXE, MAXV = range(len(FIELDS))
BlockKey = tuple[int, str, str, int]  # (run_id, split, name, block)


def block_of(split: str, step: int, epoch: int) -> int:
    """The block of a point of a series of `split` (see the module's doc)."""
    return (step if split == "step" else epoch) // BLOCK_STEPS


def new_block(step: int, epoch: int, value: float | None) -> list[Any]:
    """The block of one point; a NaN (or NULL) value has no min or max."""
    if value is None or value != value:  # NaN
        return [1, step, epoch, value, step, epoch, value, None, None, None, None, None, None]
    return [1, step, epoch, value, step, epoch, value, step, epoch, value, step, epoch, value]


def add(block: list[Any], step: int, epoch: int, value: float | None) -> None:
    """Merge one point into `block`: the same rule as the upsert's (see `upsert_blocks`)."""
    block[N] += 1
    if step < block[FS]:
        block[FS : FV + 1] = step, epoch, value
    if step >= block[LS]:  # of equal steps the later point wins, as in step, id order
        block[LS : LV + 1] = step, epoch, value
    if value is None or value != value:
        return
    low = block[MINV]
    if low is None or value < low or (value == low and step < block[MINS]):
        block[MINS : MINV + 1] = step, epoch, value
    high = block[MAXV]
    if high is None or value > high or (value == high and step < block[MAXS]):
        block[MAXS : MAXV + 1] = step, epoch, value


def summarize(rows: Iterable[tuple[int, MetricRow]]) -> dict[BlockKey, list[Any]]:
    """Blocks of (run_id, row) pairs, in the order given (arrival order)."""
    out: dict[BlockKey, list[Any]] = {}
    for run_id, r in rows:
        key = (run_id, r.split, r.name, block_of(r.split, r.step, r.epoch))
        block = out.get(key)
        if block is None:
            out[key] = new_block(r.step, r.epoch, r.value)
        else:
            add(block, r.step, r.epoch, r.value)
    return out


def upsert_blocks(conn: Connection, blocks: dict[BlockKey, list[Any]]) -> None:
    """Store `blocks`, merging each into the stored block of its key (one executemany)."""
    if not blocks:
        return
    if conn.dialect.name == "sqlite":
        # The driver's executemany of tuples, as for the metric rows: a 64-trial sweep
        # upserts ~24,000 blocks, and Core's per-row parameter handling cost more than
        # SQLite's work on them. NaN binds as NULL there, as through Core.
        conn.exec_driver_sql(_sqlite_upsert(), [(*key, *b) for key, b in blocks.items()])
        return
    params = [dict(zip(KEY + FIELDS, key + tuple(b), strict=True)) for key, b in blocks.items()]
    conn.execute(_upsert(conn.dialect.name), params)


@functools.cache
def _sqlite_upsert() -> str:
    """`_upsert("sqlite")` as SQL text whose positional parameters are KEY + FIELDS."""
    compiled = _upsert("sqlite").compile(dialect=sqlite.dialect())
    if tuple(compiled.positiontup or ()) != KEY + FIELDS:  # the tuples' order
        raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")
    return compiled.string


@functools.cache
def _upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE, merging as `add` does (SQLite and PostgreSQL spell
    it alike; SQLAlchemy has a construct per dialect). In the SET list every column name
    means the stored value, `excluded` the new one."""
    if dialect == "postgresql":
        ins: Any = postgresql.insert(BLOCKS)
    elif dialect == "sqlite":
        ins = sqlite.insert(BLOCKS)
    else:
        raise NotImplementedError(f"metric blocks need SQLite or PostgreSQL, not {dialect}")
    old, new = BLOCKS.c, ins.excluded
    earlier = new.first_step < old.first_step
    later = new.last_step >= old.last_step
    lower = or_(
        old.min_value.is_(None),
        new.min_value < old.min_value,
        and_(new.min_value == old.min_value, new.min_step < old.min_step),
    )
    higher = or_(
        old.max_value.is_(None),
        new.max_value > old.max_value,
        and_(new.max_value == old.max_value, new.max_step < old.max_step),
    )

    def pick(take_new: ColumnElement[bool], prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_{c}": case((take_new, new[f"{prefix}_{c}"]), else_=old[f"{prefix}_{c}"])
            for c in ("step", "epoch", "value")
        }

    values = {"n": old.n + new.n} | pick(earlier, "first") | pick(later, "last")
    values |= pick(lower, "min") | pick(higher, "max")
    return ins.on_conflict_do_update(index_elements=list(KEY), set_=values)  # type: ignore[no-any-return]


def read_blocks(conn: Connection, run_id: int, split: str, name: str) -> list[Sequence[Any]]:
    """One series' blocks in step order, as the driver's tuples of FIELDS."""
    query = (
        select(*(BLOCKS.c[f] for f in FIELDS))
        .where(BLOCKS.c.run_id == run_id, BLOCKS.c.split == split, BLOCKS.c.name == name)
        .order_by(BLOCKS.c.block)
    )
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())  # plain tuples: see store/series.py
    finally:
        result.close()


def series_sizes(
    conn: Connection, run_id: int, names: Iterable[str] | None, split: str | None
) -> list[tuple[str, str, int, int]]:
    """(split, name, points, blocks) of each series of a run, sorted by split and name."""
    query = (
        select(MetricBlock.split, MetricBlock.name, func.sum(MetricBlock.n), func.count())
        .where(MetricBlock.run_id == run_id)
        .group_by(MetricBlock.split, MetricBlock.name)
        .order_by(MetricBlock.split, MetricBlock.name)
    )
    if names is not None:
        query = query.where(MetricBlock.name.in_(list(names)))
    if split is not None:
        query = query.where(MetricBlock.split == split)
    return [(s, n, int(points), int(count)) for s, n, points, count in conn.execute(query)]
