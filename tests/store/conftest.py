"""A freshly migrated database per test, once on SQLite (a file) and once on PostgreSQL (a
database on the session's server): see tests/databases.py.

A test that only makes sense on one backend narrows it with
`@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)` and says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from playground.store import RunStore
from tests.databases import BACKENDS, migrated_engine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with migrated_engine(request.param, request.config, tmp_path) as engine:
        yield engine


@pytest.fixture
def store(engine: Engine) -> RunStore:
    return RunStore(engine)
