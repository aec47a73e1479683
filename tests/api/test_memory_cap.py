"""The worker's OS memory cap through a real server: a run the estimate lets through (the
per-run limit is set high here) but that needs more than the cap fails "out of memory",
and the server and its worker go on serving."""

from __future__ import annotations

import httpx

from tests.factories import spec_dict
from tests.server import wait_status

SERVER_ENV = {
    "PLAYGROUND_LIMITS__MAX_RUN_MEMORY": "100GB",  # as if the estimate had missed the run
    "PLAYGROUND_WORKER_MEMORY_CAP": "400MB",
}

# The first step holds two 16,000 x 4096 float32 tensors (~520 MB) and their gradients.
BIG = {
    "data": {"dataset": "spiral", "n_samples": 20_000, "split": {"val": 0.1, "test": 0.1}},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 4096, "activation": "ReLU"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 1, "batch_size": "full", "optimizer": {"type": "SGD", "lr": 0.01}},
}


def test_a_run_past_the_worker_cap_fails_out_of_memory_and_the_server_goes_on(
    client: httpx.Client,
) -> None:
    big = client.post("/api/runs", json=BIG)
    assert big.status_code == 201, big.text
    failed = wait_status(client, big.json()["id"], {"failed", "succeeded"})
    assert failed["status"] == "failed"
    assert failed["error"] == "out of memory (the run needed more than the worker's 400.0 MB)"
    assert client.get("/api/health").json() == {"status": "ok"}
    small = client.post("/api/runs", json=spec_dict())
    assert wait_status(client, small.json()["id"], {"failed", "succeeded"})["status"] == (
        "succeeded"
    )
