"""Snapshots: one row per saved weights file of a run.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

Handwritten, and frozen: later schema changes get their own revision, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the snapshots table (deleted with its run)."""
    op.create_table(
        "snapshots",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "epoch"),
    )


def downgrade() -> None:
    op.drop_table("snapshots")
