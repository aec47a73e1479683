"""One real server for the fuzzers, accounts on, with limits so small that any run the fuzzers
manage to start ends within seconds (thousands of requests must not queue real training)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.server import Server

FUZZ_ENV = {
    "PLAYGROUND_AUTH": "on",
    "PLAYGROUND_LIMITS__MAX_EPOCHS": "2",
    "PLAYGROUND_LIMITS__MAX_SAMPLES": "400",
    "PLAYGROUND_LIMITS__MAX_STEPS": "60",
    "PLAYGROUND_LIMITS__MAX_LAYERS": "24",
    "PLAYGROUND_LIMITS__MAX_SECONDS": "20",
    "PLAYGROUND_MAX_TRIALS_PER_SWEEP": "2",
}


@dataclass
class Fuzzed:
    server: Server
    token: str  # an admin's API token

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _cli(server: Server, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "playground.cli", *args, "--data-dir", str(server.data_dir)],
        input=stdin, capture_output=True, text=True, timeout=120, env=os.environ.copy(),
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    server = Server(tmp_path_factory.mktemp("fuzz"), env=FUZZ_ENV).start()
    try:
        _cli(server, "users", "add", "teacher", "--admin", stdin="correct horse battery")
        token = _cli(server, "users", "token", "teacher", "--name", "fuzz").strip().splitlines()[-1]
        yield Fuzzed(server, token)
    finally:
        server.stop()


def peak_rss_kib(pid: int) -> int:
    """VmHWM: the most resident memory the process has had (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1
