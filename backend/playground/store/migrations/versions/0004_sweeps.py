"""Sweeps: a sweeps table, and runs.sweep_id and runs.trial for the runs that are trials.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Handwritten, and frozen: later schema changes get their own revision, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create sweeps; add the two nullable columns (and the index) to runs."""
    op.create_table(
        "sweeps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("base_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('sweep', 'ablation')", name=op.f("ck_sweeps_kind")),
        sa.ForeignKeyConstraint(
            ["base_run_id"], ["runs.id"], name="fk_sweeps_base_run_id_runs", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sweeps"),
        sqlite_autoincrement=True,
    )
    # SQLite adds a column with its REFERENCES clause in place (ALTER TABLE ... ADD COLUMN);
    # a separate ALTER for the constraint exists only elsewhere. Batch mode would rebuild
    # the runs table instead, copying every row. (No ON DELETE: SQLAlchemy reads an inline
    # clause's ON DELETE back as absent; the sweeps service deletes trials first.)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE runs ADD COLUMN sweep_id INTEGER "
            "CONSTRAINT fk_runs_sweep_id_sweeps REFERENCES sweeps (id)"
        )
    else:
        op.add_column("runs", sa.Column("sweep_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_runs_sweep_id_sweeps", "runs", "sweeps", ["sweep_id"], ["id"])
    op.add_column("runs", sa.Column("trial", sa.JSON(), nullable=True))
    op.create_index("ix_runs_sweep_id", "runs", ["sweep_id"])


def downgrade() -> None:
    op.drop_index("ix_runs_sweep_id", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("trial")
        if op.get_bind().dialect.name != "sqlite":
            batch.drop_constraint("fk_runs_sweep_id_sweeps", type_="foreignkey")
        batch.drop_column("sweep_id")
    op.drop_table("sweeps")
