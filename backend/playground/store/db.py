"""Engines and migrations: the only place that knows which database is behind the URL."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL

MIGRATIONS = Path(__file__).parent / "migrations"

# Applied to every new SQLite connection. WAL lets readers run beside the one writer;
# busy_timeout (ms) makes a second writer wait instead of failing; SQLite leaves foreign
# keys (and so ON DELETE CASCADE) off unless asked; NORMAL is durable enough under WAL.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def make_engine(url: str) -> Engine:
    """A synchronous engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, json_serializer=dump_json)
    _make_parent_dir(parsed)
    engine = create_engine(parsed, json_serializer=dump_json)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def dump_json(value: Any) -> str:
    """JSON column text, with NaN and infinities as null on every backend.

    PostgreSQL's json type rejects the NaN and Infinity tokens Python writes (SQLite stores
    them), and null is what the API sends for a non-finite number anyway. orjson writes
    them as null itself and is several times faster than json: every boundary grid and
    status event of every run is a JSON column (a 64-trial sweep stores ~22 MB of grids).
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # what orjson refuses (an int past 64 bits, say): the slow path
        return json.dumps(_finite(value), allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def snapshot_reads(engine: Engine) -> Engine:
    """`engine` for reads of several statements that must all see one snapshot.

    A SQLite read transaction already sees one snapshot (WAL). PostgreSQL's default, READ
    COMMITTED, takes a new snapshot per statement; REPEATABLE READ takes one per transaction,
    and a transaction that only reads never fails to serialize.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="REPEATABLE READ")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already)."""
    config = Config()  # built in code: never looks for an alembic.ini in the CWD
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _make_parent_dir(url: URL) -> None:
    """Create the folder of a file database; memory and URI databases have none to make."""
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Take BEGIN away from the sqlite3 module, which skips it before SELECT and DDL; our
    # own BEGIN (below) makes reads repeatable and migrations transactional.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")
