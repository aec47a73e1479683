"""A freshly migrated database per test, on SQLite or on PostgreSQL.

Each backend migrates one template per pytest session and copies it for every test: a
SQLite file copied, a PostgreSQL database created from it on the session's server
(tests/pg.py). Migrating is the slow part; the migration tests check the copies.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from playground.store import make_engine, migrate
from tests import pg

BACKENDS = ["sqlite", "postgresql"]
_SQLITE_TEMPLATE = pytest.StashKey[Path]()


@contextmanager
def migrated_engine(backend: str, config: pytest.Config, folder: Path) -> Iterator[Engine]:
    """An engine on a new migrated database: a SQLite file under `folder`, or a database on
    the session's PostgreSQL server (which skips the test where there is none). Disposed
    of, and the PostgreSQL database dropped, afterwards."""
    if backend == "sqlite":
        path = folder / "db" / "runs.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(sqlite_template(config), path)
        url = f"sqlite:///{path}"
        with _engine(url) as engine:
            yield engine
        return
    with pg.server(config).database() as url, _engine(url) as engine:
        yield engine


def sqlite_template(config: pytest.Config) -> Path:
    """A migrated SQLite file, made once per session and deleted at its end."""
    path = config.stash.get(_SQLITE_TEMPLATE, None)
    if path is None:
        folder = Path(tempfile.mkdtemp(prefix="playground-sqlite-"))
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        path = folder / "template.sqlite"
        with _engine(f"sqlite:///{path}") as engine:
            migrate(engine)
        # Closing the last connection checkpoints the WAL into the file and deletes it.
        assert not path.with_name(f"{path.name}-wal").exists(), "the template's WAL is left"
        config.stash[_SQLITE_TEMPLATE] = path
    return path


@contextmanager
def server_env(backend: str, config: pytest.Config) -> Iterator[dict[str, str]]:
    """The settings that put a test server's database on `backend`: none for SQLite (the
    server makes its own file in its data directory), PLAYGROUND_DATABASE_URL of a new
    migrated database on the session's PostgreSQL server for PostgreSQL (which skips the
    test, or fails it under CI, where there is none). Dropped afterwards: stop the server
    first (DROP ... FORCE would cut its connections)."""
    if backend == "sqlite":
        yield {}
        return
    with pg.server(config).database() as url:
        yield {"PLAYGROUND_DATABASE_URL": url}


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
