"""One real server per test module (uvicorn, worker processes, a SQLite file); a module that
needs more training workers says so with SERVER_WORKERS = N, one that needs other
settings with SERVER_ENV = {"PLAYGROUND_...": "..."}, and one whose server keeps its
runs in PostgreSQL (a database on the session's throwaway server, tests/pg.py) with
SERVER_DATABASE = "postgresql"."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.databases import server_env
from tests.server import Server


def _backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request.module, "SERVER_DATABASE", "sqlite"))


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    workers = getattr(request.module, "SERVER_WORKERS", 1)
    env = getattr(request.module, "SERVER_ENV", None) or {}
    with server_env(_backend(request), request.config) as database:
        srv = Server(tmp_path_factory.mktemp("srv"), workers=workers, env={**database, **env})
        try:
            yield srv.start()
        finally:
            srv.stop()  # before the database is dropped


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c
