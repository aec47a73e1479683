"""The service end to end on a local Ray: PLAYGROUND_EXECUTOR=ray, no RAY_ADDRESS, so the
server starts a Ray of its own (`workers` CPUs) and trains each run in a Ray actor."""

from __future__ import annotations

import httpx
import pytest

from playground.ml.snapshots import snapshot_path
from tests.factories import spec_dict
from tests.server import Server, collect, wait_status

pytest.importorskip("ray", reason="ray is not installed (pip install -e '.[ray]')")

SERVER_ENV = {"PLAYGROUND_EXECUTOR": "ray"}


def test_a_run_created_over_http_trains_on_ray_and_streams_to_success(
    server: Server, client: httpx.Client
) -> None:
    system = client.get("/api/system").json()
    assert system["engine"] == "ray"
    run_id = client.post("/api/runs", json=spec_dict(training={"epochs": 5})).json()["id"]
    messages = collect(server, run_id)

    kinds = [m["type"] for m in messages]
    assert "epoch" in kinds
    statuses = [m["status"] for m in messages if m["type"] == "status"]
    assert statuses[-1] == "succeeded", messages[-3:]
    epochs = [m["epoch"] for m in messages if m["type"] == "epoch"]
    assert epochs == list(range(6))
    run = client.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "succeeded"
    # The actor wrote the snapshots where the API serves them from.
    listed = client.get(f"/api/runs/{run_id}/snapshots").json()
    assert [s["epoch"] for s in listed][-1] == 5
    root = server.data_dir / "artifacts"
    assert all(snapshot_path(root, run_id, s["epoch"]).exists() for s in listed)


def test_a_running_run_is_cancelled_over_http_on_ray(server: Server, client: httpx.Client) -> None:
    """A long run is cancelled through HTTP while it trains in its actor."""
    spec = spec_dict(training={"epochs": 5000, "batch_size": 4})
    run_id = client.post("/api/runs", json=spec).json()["id"]
    wait_status(client, run_id, {"running"})
    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 200
    run = wait_status(client, run_id, {"cancelled", "failed", "succeeded"})
    assert run["status"] == "cancelled"
    pool = client.get("/api/system").json()["pool"]
    assert all(w["state"] in {"idle", "busy"} for w in pool)
