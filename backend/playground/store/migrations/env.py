"""Alembic environment: migrates on the connection that `db.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from playground.store.db import make_engine
from playground.store.models import Base


def run(connection: Connection) -> None:
    """Run the pending revisions inside the caller's transaction."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Use the passed connection, or (from the alembic CLI) the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own:
        run(own)
    engine.dispose()


main()
