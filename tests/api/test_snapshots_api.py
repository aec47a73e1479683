"""Snapshots through a real server: written by the worker, listed, loaded, deleted with the run."""

from __future__ import annotations

import httpx
import torch
from safetensors.torch import load_file

from playground.ml.snapshots import run_dir, snapshot_path
from tests.factories import spec_dict
from tests.server import Server, collect, wait_status


def test_a_run_keeps_its_weights_and_loses_them_with_the_run(
    server: Server, client: httpx.Client
) -> None:
    run_id = client.post("/api/runs", json=spec_dict(training={"epochs": 30})).json()["id"]
    messages = collect(server, run_id)
    listed = client.get(f"/api/runs/{run_id}/snapshots").json()

    epochs = [s["epoch"] for s in listed]
    assert epochs[0] == 0  # the untrained model
    assert epochs[-1] == 30  # the last epoch
    assert 10 <= len(epochs) <= 25  # about 20 per run
    # Every snapshot is announced on the stream, at an epoch that has a boundary grid.
    streamed = [m["epoch"] for m in messages if m["type"] == "snapshot"]
    grids = {m["epoch"] for m in messages if m["type"] == "boundary"}
    assert streamed == epochs
    assert set(epochs) <= grids
    root = server.data_dir / "artifacts"
    for s in listed:
        path = snapshot_path(root, run_id, s["epoch"])
        assert path.stat().st_size == s["bytes"]
    # The file is plain safetensors with the model's tensors (8x2 + 8, 2x8 + 2 = 42 values).
    last = load_file(snapshot_path(root, run_id, 30))
    assert sum(t.numel() for t in last.values()) == 42
    assert all(t.dtype == torch.float32 for t in last.values())

    system = client.get("/api/system").json()
    assert system["snapshots"] >= len(listed)
    assert system["snapshot_bytes"] >= sum(s["bytes"] for s in listed)

    assert client.delete(f"/api/runs/{run_id}").status_code == 204
    assert not run_dir(root, run_id).exists()
    assert client.get(f"/api/runs/{run_id}/snapshots").status_code == 404


def test_early_stopping_keeps_the_restored_best_epoch(client: httpx.Client) -> None:
    spec = spec_dict(
        data={"dataset": "spiral", "n_samples": 100, "noise": 0.5, "seed": 0},
        training={"epochs": 200, "early_stopping": {"patience": 3}},
    )
    run_id = client.post("/api/runs", json=spec).json()["id"]
    run = wait_status(client, run_id, {"succeeded"})
    best, stopped = run["result"]["best_epoch"], run["result"]["epochs"]
    assert run["result"]["stopped_early"]
    epochs = [s["epoch"] for s in client.get(f"/api/runs/{run_id}/snapshots").json()]
    assert best in epochs
    assert stopped in epochs
