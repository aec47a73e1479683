"""Uploads: data files accepted by POST /api/uploads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Handwritten, and frozen: later schema changes get their own revision, never an edit here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("shapes", sa.JSON(), nullable=False),
        sa.Column("task", sa.String(16), nullable=False),
        sa.Column("columns", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('csv', 'npz', 'idx')", name=op.f("ck_uploads_kind")),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_uploads_owner_id", "uploads", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_uploads_owner_id", table_name="uploads")
    op.drop_table("uploads")
