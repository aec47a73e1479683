"""The course's transfer recipe through a real server and real workers: train a base run,
then start a new run's layer from it, frozen; errors come back as 422s with their path."""

from __future__ import annotations

import httpx
import torch
from safetensors.torch import load_file

from playground.ml.snapshots import snapshot_path
from tests.factories import spec_dict
from tests.server import Server, wait_status


def from_base(base: int, out: int = 8, layer: str = "model.layers[0]") -> dict[str, object]:
    return spec_dict(
        model={
            "layers": [
                {
                    "type": "Linear",
                    "out_features": out,
                    "activation": "Tanh",
                    "freeze": True,
                    "from_run": {"run": base, "layer": layer, "epoch": "last"},
                },
                {"type": "Linear", "out_features": 2},
            ]
        },
        training={"epochs": 4},
    )


def test_a_frozen_layer_from_a_trained_run_keeps_its_weights(
    server: Server, client: httpx.Client
) -> None:
    base = client.post("/api/runs", json=spec_dict(training={"epochs": 3})).json()["id"]
    wait_status(client, base, {"succeeded"})
    reply = client.post("/api/runs", json=from_base(base))
    assert reply.status_code == 201, reply.text
    run = reply.json()
    assert run["spec"]["model"]["layers"][0]["from_run"]["epoch"] == 3  # "last", resolved
    done = wait_status(client, run["id"], {"succeeded"})
    root = server.data_dir / "artifacts"
    source = load_file(snapshot_path(root, base, 3))
    after = load_file(snapshot_path(root, run["id"], 4))
    assert torch.equal(after["0.0.weight"], source["0.0.weight"])  # frozen all along
    assert not torch.equal(after["1.weight"], source["1.weight"])  # the head trained on
    assert done["result"]["test"]["accuracy"] > 0


def test_transfer_errors_are_422s_naming_the_path(client: httpx.Client) -> None:
    reply = client.post("/api/runs", json=from_base(123456))
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert detail[0]["path"] == "model.layers[0].from_run.run"
    assert detail[0]["msg"] == "no run 123456"

    base = client.post("/api/runs", json=spec_dict(training={"epochs": 2})).json()["id"]
    wait_status(client, base, {"succeeded"})
    reply = client.post("/api/validate", json=from_base(base, out=5))
    assert reply.status_code == 422
    (item,) = reply.json()["detail"]
    assert item["path"] == "model.layers[0].from_run"
    assert "weight 5x2" in item["msg"]
    assert "weight 8x2" in item["msg"]
