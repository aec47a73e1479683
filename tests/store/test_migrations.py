"""Migrations build exactly the ORM's schema, and engines get the SQLite settings."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from playground.store import make_engine, migrate
from playground.store.models import STATUS_CHECK, Base


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_status_check_matches_models(engine: Engine) -> None:
    checks = inspect(engine).get_check_constraints("runs")
    assert [(c["name"], c["sqltext"]) for c in checks] == [("ck_runs_status", STATUS_CHECK)]


def test_migrate_twice_is_a_no_op(engine: Engine) -> None:
    def schema() -> list[tuple[str, str]]:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(text("SELECT name, sql FROM sqlite_master ORDER BY name"))
            ]

    before = schema()
    migrate(engine)
    assert schema() == before
    with engine.connect() as conn:
        assert (
            conn.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
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
