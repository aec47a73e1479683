"""A throwaway PostgreSQL server for the store and service tests (see tests/databases.py).

The server comes from Debian's `postgresql` package (`make postgres` installs it): initdb
and pg_ctl in a temporary directory, as an unprivileged user when we are root (PostgreSQL
refuses to run as root), listening on a free port of 127.0.0.1 only. It starts once per
pytest session, on the first test that asks for it, and is stopped and deleted at the end.
Each test gets its own database, cloned from a migrated template (CREATE DATABASE ...
TEMPLATE), dropped afterwards.

When the server cannot start (no package, no driver) the PostgreSQL variants are skipped
with the reason; under CI (`CI=true`) that is a failure, since CI installs the package.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from playground.store import make_engine, migrate

if TYPE_CHECKING:
    import psycopg  # optional (the postgres extra); imported where it is used

SUPERUSER = "playground"  # the server's only role; trust auth, 127.0.0.1 only
TEMPLATE = "playground_template"  # migrated once; every test database is a copy
# Durability buys nothing for a server deleted after the run, and costs a sync per commit.
SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
INSTALL_HINT = "install Debian's postgresql package (`make postgres`)"
_SERVER = pytest.StashKey["PostgresServer | str"]()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def bin_dir() -> Path | None:
    """$PLAYGROUND_TEST_PG_BIN if set (a server installed elsewhere), else the newest of
    Debian's (/usr/lib/postgresql/<major>/bin); None if it has no initdb."""
    if chosen := os.environ.get("PLAYGROUND_TEST_PG_BIN"):
        return Path(chosen) if (Path(chosen) / "initdb").is_file() else None
    found = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    dirs = sorted((p.parent for p in found), key=lambda d: int(d.parent.name), reverse=True)
    return dirs[0] if dirs else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """initdb + pg_ctl in a temporary directory, owned by and run as an unprivileged user."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="playground-pg-"))  # data/, server.log
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = 0
        self._names = itertools.count(1)
        # CREATE and DROP DATABASE run on this thread, over its one connection (to the
        # `postgres` database), while tests run: the next test's database is made, and the
        # last one's dropped, in the background.
        self._admin = ThreadPoolExecutor(1, thread_name_prefix="postgres-admin")
        self._conn: psycopg.Connection[Any] | None = None
        self._next: Future[str] | None = None
        # As root, drop to the package's `postgres` user (else nobody); otherwise run as us.
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres" if _has_user("postgres") else "nobody"
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def start(self) -> PostgresServer:
        """initdb, then start on a free port (retrying if another process took it)."""
        import psycopg

        self._pg("initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust", "--no-locale",
                 "-E", "UTF8", "--no-sync", "--no-instructions")  # fmt: skip
        for _ in range(3):
            self.port = free_port()
            options = [f"-c listen_addresses=127.0.0.1 -p {self.port}",
                       f"-c unix_socket_directories={self.root}",
                       *(f"-c {s}" for s in SETTINGS)]  # fmt: skip
            started = self._pg("pg_ctl", "start", "-D", self.data, "-l", self.log, "-w",
                               "-t", "30", "-o", " ".join(options), check=False)  # fmt: skip
            if started.returncode == 0:
                self._conn = psycopg.connect(
                    host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                    autocommit=True,
                )  # fmt: skip
                self._make_template()
                self._next = self._admin.submit(self._create)
                return self
        raise RuntimeError(f"pg_ctl start failed: {self.log_tail()}")

    def stop(self) -> None:
        """Stop the server (fast: disconnects clients) and delete its directory."""
        self._admin.shutdown(wait=True, cancel_futures=True)
        if self._conn is not None:
            self._conn.close()
        if (self.data / "postmaster.pid").exists():
            self._pg("pg_ctl", "stop", "-D", self.data, "-m", "fast", "-w", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new migrated database (a copy of the template) for one test; its URL."""
        assert self._next is not None, "the server is not running"
        name = self._next.result()
        self._next = self._admin.submit(self._create)
        try:
            yield self.url(name)
        finally:
            # FORCE: a connection a failed test left open must not keep the database alive.
            self._admin.submit(self._execute, f"DROP DATABASE {name} WITH (FORCE)")

    def log_tail(self) -> str:
        return self.log.read_text()[-2000:] if self.log.exists() else "(no server log)"

    def _make_template(self) -> None:
        self._admin.submit(self._execute, f"CREATE DATABASE {TEMPLATE}").result()
        engine = make_engine(self.url(TEMPLATE))
        try:
            migrate(engine)
        finally:
            engine.dispose()  # CREATE DATABASE ... TEMPLATE needs it to have no sessions

    def _create(self) -> str:
        name = f"test_{next(self._names)}"
        # FILE_COPY: for a database this small, faster than the default WAL_LOG.
        self._execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
        return name

    def _execute(self, sql: str) -> None:
        assert self._conn is not None, "the server is not running"
        self._conn.execute(sql.encode())  # our own fixed statements; bytes: typed as a query

    def _pg(
        self, program: str, *args: str | Path, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / program), *map(str, args)]
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        # cwd: the server's user may not be allowed into ours.
        done = subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()}")
        return done


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _start() -> PostgresServer | str:
    """A running server, or why there is none."""
    try:
        import psycopg  # noqa: F401 - the driver the URL names
    except ImportError:
        return "the psycopg driver is missing: pip install -e '.[dev]'"
    directory = bin_dir()
    if directory is None:
        where = os.environ.get("PLAYGROUND_TEST_PG_BIN") or "/usr/lib/postgresql/*/bin"
        return f"no PostgreSQL server (no initdb in {where}): {INSTALL_HINT}"
    server = PostgresServer(directory)
    try:
        return server.start()
    except Exception as e:  # whatever failed (initdb, pg_ctl, connecting, migrating): say it
        server.stop()
        return f"could not start PostgreSQL from {directory}: {type(e).__name__}: {e}"


def server(config: pytest.Config) -> PostgresServer:
    """The session's server, started on first use and stopped when pytest ends; skips the
    test (fails it under CI) when there can be none."""
    started = config.stash.get(_SERVER, None)
    if started is None:
        started = config.stash[_SERVER] = _start()
        if isinstance(started, PostgresServer):
            config.add_cleanup(started.stop)
        elif not in_ci():
            config.pluginmanager.register(_Unavailable(started))
    if isinstance(started, str):
        if in_ci():
            pytest.fail(f"PostgreSQL tests cannot run in CI: {started}", pytrace=False)
        pytest.skip(f"PostgreSQL variant skipped: {started}")
    return started


class _Unavailable:
    """Says once, at the end of the summary, why the PostgreSQL variants were skipped."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.write_sep("=", "PostgreSQL variants skipped", yellow=True)
        terminalreporter.write_line(self.reason)
