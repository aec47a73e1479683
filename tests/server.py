"""A real `playground serve` process on 127.0.0.1 for tests, plus small client helpers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import websockets


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """Starts the app in its own process (real uvicorn, real workers, real SQLite file)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        workers: int = 1,
        port: int | None = None,
        frontend_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir, self.workers = data_dir, workers
        self.env = env or {}  # extra PLAYGROUND_* settings for this server
        # The built browser app to serve at /; None serves none (the "API is running" page),
        # whether or not frontend/dist exists in the working directory.
        self.frontend_dir = frontend_dir if frontend_dir is not None else data_dir / "no-frontend"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def start(self, wait_workers: bool = True) -> Server:
        env = {
            **os.environ,
            "PLAYGROUND_WORKERS": str(self.workers),
            "PLAYGROUND_FRONTEND_DIR": str(self.frontend_dir),
            **self.env,
        }
        cmd = [sys.executable, "-m", "playground.cli", "serve", "--port", str(self.port),
               "--data-dir", str(self.data_dir)]  # fmt: skip
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        # A calm machine boots the server and its workers in a few seconds; a loaded one (two
        # cores shared with other work) has taken 30-60 s per worker: wait for that too.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                system = httpx.get(f"{self.url}/api/system", timeout=2).json()
                if not wait_workers or system["idle"] + system["busy"] == system["workers"]:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def worker_pids(self) -> list[int]:
        pool = httpx.get(f"{self.url}/api/system").json()["pool"]
        return [w["pid"] for w in pool if w["pid"]]


@contextmanager
def running(data_dir: Path, **kw: Any) -> Iterator[Server]:
    server = Server(data_dir, **kw).start()
    try:
        yield server
    finally:
        server.stop()


def collect(server: Server, run_id: int, *, from_seq: int = 0, limit: int | None = None,
            timeout: float = 120) -> list[dict[str, Any]]:  # fmt: skip
    """Every message of a run's stream until it closes (or `limit` messages)."""

    async def go() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        url = f"{server.ws_url}/api/runs/{run_id}/stream?from_seq={from_seq}"
        async with websockets.connect(url) as ws:
            async for raw in ws:
                out.extend(json.loads(raw))
                if limit is not None and len(out) >= limit:
                    break
        return out

    return asyncio.run(asyncio.wait_for(go(), timeout))


def wait_status(
    client: httpx.Client, run_id: int, statuses: set[str], timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
        if run["status"] in statuses:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not reach {statuses}: {run['status']}")
