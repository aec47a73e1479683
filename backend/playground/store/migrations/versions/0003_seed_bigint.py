"""runs.seed as BIGINT: seeds go up to 2**32 - 1, past PostgreSQL's INTEGER.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Handwritten, and frozen: later schema changes get their own revision, never an edit here.
SQLite's INTEGER already holds 64 bits, and the model keeps it there: nothing to do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Widen runs.seed to BIGINT (not on SQLite)."""
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "runs",
            "seed",
            type_=sa.BigInteger(),
            existing_type=sa.Integer(),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "runs",
            "seed",
            type_=sa.Integer(),
            existing_type=sa.BigInteger(),
            existing_nullable=False,
        )
