"""Metric blocks: summary rows of each series per 64 steps (64 epochs for a series with one
point an epoch), backfilled from the metrics.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Handwritten, and frozen: later schema changes get their own revision, never an edit here.
The backfill carries its own copy of the merge rule of store/blocks.py (a frozen migration
must not change when that module does); tests/store/test_blocks.py checks that the two
agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BLOCK_STEPS = 64
CHUNK = 5_000  # block rows per INSERT
COLUMNS = (
    "run_id", "split", "name", "block", "n",
    "first_step", "first_epoch", "first_value", "last_step", "last_epoch", "last_value",
    "min_step", "min_epoch", "min_value", "max_step", "max_epoch", "max_value",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "metric_blocks",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("split", sa.String(8), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("block", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("first_step", sa.Integer(), nullable=False),
        sa.Column("first_epoch", sa.Integer(), nullable=False),
        sa.Column("first_value", sa.Double(), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("last_epoch", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Double(), nullable=True),
        sa.Column("min_step", sa.Integer(), nullable=True),
        sa.Column("min_epoch", sa.Integer(), nullable=True),
        sa.Column("min_value", sa.Double(), nullable=True),
        sa.Column("max_step", sa.Integer(), nullable=True),
        sa.Column("max_epoch", sa.Integer(), nullable=True),
        sa.Column("max_value", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name="fk_metric_blocks_run_id_runs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "split", "name", "block", name="pk_metric_blocks"),
    )
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("metric_blocks")


def backfill(conn: sa.Connection) -> None:
    """Blocks of every stored series, one series at a time (a series' rows fit in memory;
    a whole database's may not)."""
    metrics = sa.table(
        "metrics", *(sa.column(c) for c in ("id", "run_id", "split", "name", "step", "epoch"))
    )
    metrics.append_column(sa.column("value", sa.Double()))
    blocks = sa.table("metric_blocks", *(sa.column(c) for c in COLUMNS))
    keys = sa.select(metrics.c.run_id, metrics.c.split, metrics.c.name).distinct()
    pending: list[dict[str, Any]] = []
    for run_id, split, name in conn.execute(keys).all():
        query = (
            sa.select(metrics.c.step, metrics.c.epoch, metrics.c.value)
            .where(metrics.c.run_id == run_id, metrics.c.split == split, metrics.c.name == name)
            .order_by(metrics.c.step, metrics.c.id)
        )
        for block, values in _blocks(conn.execute(query).all(), split):
            pending.append(dict(zip(COLUMNS, (run_id, split, name, block, *values), strict=True)))
        if len(pending) >= CHUNK:
            conn.execute(sa.insert(blocks), pending)
            pending = []
    if pending:
        conn.execute(sa.insert(blocks), pending)


def _blocks(rows: Sequence[Any], split: str) -> Iterator[tuple[int, list[Any]]]:
    """(block, [n, first..., last..., min..., max...]) of rows in (step, id) order: the first
    of equal steps is first, the last is last, and of equal values the earliest is kept."""
    current: list[Any] | None = None
    key = None
    for step, epoch, value in rows:
        block = (step if split == "step" else epoch) // BLOCK_STEPS  # as store/blocks.py
        nan = value is None or value != value
        if block != key:
            if current is not None:
                yield key, current  # type: ignore[misc]
            key = block
            point = [None] * 3 if nan else [step, epoch, value]
            current = [1, step, epoch, value, step, epoch, value, *point, *point]
            continue
        assert current is not None
        current[0] += 1
        current[4:7] = step, epoch, value  # rows come in step order: each is the newest last
        if nan:
            continue
        if current[9] is None or value < current[9]:
            current[7:10] = step, epoch, value
        if current[12] is None or value > current[12]:
            current[10:13] = step, epoch, value
    if current is not None:
        yield key, current  # type: ignore[misc]
