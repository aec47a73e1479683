"""Migrations build exactly the ORM's schema, and engines get the SQLite settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from playground.store import RunStatus, make_engine, migrate
from playground.store.models import STATUS_CHECK, Base

# The whole stored schema as rows, each backend from its own catalog.
SCHEMA = {
    "sqlite": "SELECT name, sql FROM sqlite_master ORDER BY name",
    "postgresql": """
        SELECT 'column', table_name || '.' || column_name,
               concat_ws(' ', data_type, character_maximum_length, is_nullable, column_default)
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'constraint', conname, pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ORDER BY 1, 2
    """,
}


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


# SQLite keeps the constraint's text as written; PostgreSQL rewrites it (status::text =
# ANY (ARRAY[...])), so there the next test checks its name and values instead.
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_status_check_matches_models(engine: Engine) -> None:
    checks = inspect(engine).get_check_constraints("runs")
    assert [(c["name"], c["sqltext"]) for c in checks] == [("ck_runs_status", STATUS_CHECK)]


def test_status_check_names_every_status(engine: Engine) -> None:
    [check] = inspect(engine).get_check_constraints("runs")
    assert check["name"] == "ck_runs_status"
    assert all(f"'{s.value}'" in check["sqltext"] for s in RunStatus)


def test_migrate_twice_is_a_no_op(engine: Engine) -> None:
    def schema() -> list[tuple[str, ...]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(SCHEMA[engine.dialect.name]))]

    before = schema()
    migrate(engine)
    assert schema() == before
    with engine.connect() as conn:
        assert (
            conn.scalar(text("SELECT version_num FROM alembic_version")) == "0007"
        )  # the newest revision


def test_sqlite_engine_settings(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "runs.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
        assert pragma == {
            "journal_mode": "wal",
            "busy_timeout": 5000,
            "foreign_keys": 1,
            "synchronous": 1,
        }
        assert path.parent.is_dir()
    finally:
        engine.dispose()


def test_migrations_are_transactional(engine: Engine) -> None:
    # With sqlite3's own BEGIN handling DDL would autocommit; ours wraps it in a transaction.
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
        conn.rollback()
    assert "scratch" not in inspect(engine).get_table_names()
