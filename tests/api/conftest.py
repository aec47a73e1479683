"""One real server per test module (uvicorn, worker processes, a SQLite file); a module that
needs more training workers says so with SERVER_WORKERS = N, and one that needs other
settings with SERVER_ENV = {"PLAYGROUND_...": "..."}."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.server import Server


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Server]:
    workers = getattr(request.module, "SERVER_WORKERS", 1)
    env = getattr(request.module, "SERVER_ENV", None)
    srv = Server(tmp_path_factory.mktemp("srv"), workers=workers, env=env).start()
    yield srv
    srv.stop()


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c
