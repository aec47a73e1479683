"""The per-run memory limit through a real server: the estimate is shown by /api/validate,
and a spec over the limit gets a 422 that states it."""

from __future__ import annotations

import httpx

from tests.factories import spec_dict

SERVER_ENV = {"PLAYGROUND_LIMITS__MAX_RUN_MEMORY": "500MB"}

# ~2,050 floats per sample through the layers, at a batch of 4096: 34 MB, x3 for backward.
WIDE = {
    "data": {"dataset": "spiral", "n_samples": 20_000},
    "model": {
        "layers": [
            {"type": "Linear", "out_features": 1024, "activation": "ReLU"},
            {"type": "Linear", "out_features": 1024, "activation": "ReLU"},
            {"type": "Linear", "out_features": 2},
        ]
    },
    "training": {"epochs": 1, "batch_size": 4096, "optimizer": {"type": "Adam"}},
}


def test_validate_shows_the_estimate(client: httpx.Client) -> None:
    summary = client.post("/api/validate", json=spec_dict()).json()
    parts = summary["memory"]
    assert summary["memory_bytes"] == sum(parts.values())
    assert set(parts) == {"weights", "activations", "data", "evaluation", "process"}


def test_a_spec_over_the_limit_gets_422_stating_the_estimate(client: httpx.Client) -> None:
    for url in ("/api/runs", "/api/validate"):
        r = client.post(url, json=WIDE)
        assert r.status_code == 422, r.text
        error = r.json()["detail"][0]
        assert error["path"] == "training.batch_size"
        assert error["msg"].startswith("this run would need about 57")  # ~570 MB
        assert "activations for a batch of 4096" in error["msg"]
        assert "the limit per run is 500.0 MB" in error["msg"]
    assert client.get("/api/runs").json()["items"] == []  # nothing was stored


def test_the_same_model_fits_with_a_smaller_batch(client: httpx.Client) -> None:
    small_batch = {**WIDE, "training": {**WIDE["training"], "batch_size": 256}}
    assert client.post("/api/validate", json=small_batch).status_code == 200
