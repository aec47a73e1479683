"""Pause, step and resume through a real server; the stream tells viewers."""

from __future__ import annotations

import time
from typing import Any

import httpx

from playground.api.wire import STREAM
from tests.factories import spec_dict
from tests.server import Server, collect, wait_status


def _epochs(client: httpx.Client, run_id: int) -> int:
    return int(client.get(f"/api/runs/{run_id}").json()["epochs_done"])


def _wait(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_pause_step_resume_through_the_api(server: Server) -> None:
    with server.client() as client:
        spec = spec_dict(training={"epochs": 2000, "batch_size": 4})
        run_id = client.post("/api/runs", json=spec).json()["id"]
        wait_status(client, run_id, {"running"})
        _wait(lambda: _epochs(client, run_id) >= 1)

        assert client.post(f"/api/runs/{run_id}/pause").status_code == 200
        time.sleep(1.0)  # it holds before its next step, and stays there
        held = _epochs(client, run_id)
        time.sleep(1.0)
        assert _epochs(client, run_id) == held
        assert client.post(f"/api/runs/{run_id}/step").status_code == 200
        _wait(lambda: _epochs(client, run_id) == held + 1)
        time.sleep(0.5)
        assert _epochs(client, run_id) == held + 1  # one epoch, then paused again
        assert client.post(f"/api/runs/{run_id}/resume").status_code == 200
        _wait(lambda: _epochs(client, run_id) >= held + 3)
        client.post(f"/api/runs/{run_id}/cancel")
        wait_status(client, run_id, {"cancelled"})

        messages = collect(server, run_id)
        STREAM.validate_python(messages)
        paused = [(m["paused"], m["epoch"]) for m in messages if m["type"] == "paused"]
        assert paused[:4] == [(True, held), (False, held), (True, held + 1), (False, held + 1)]
        # A finished run cannot be paused: 409 with the reason.
        refused = client.post(f"/api/runs/{run_id}/pause")
        assert refused.status_code == 409
        assert "only a running run" in refused.json()["detail"]
