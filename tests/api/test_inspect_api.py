"""Inspect views through a real server (probe processes, stored snapshots) and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from playground.executors.probes import Probe, compute
from playground.ml.datasets import DataContext
from playground.ml.snapshots import snapshot_path
from tests.factories import spec_dict
from tests.server import Server, wait_status

CNN = {
    "data": {"dataset": "digits"},
    "model": {
        "layers": [
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1,
             "activation": "ReLU"},
            {"type": "MaxPool2d", "kernel_size": 2},
            {"type": "Flatten"},
            {"type": "Linear", "out_features": 10},
        ]
    },
    "training": {"epochs": 3, "batch_size": 64, "optimizer": {"type": "Adam", "lr": 0.01}},
}  # fmt: skip


@pytest.fixture(scope="module")
def runs(server: Server) -> dict[str, int]:
    """A trained spiral MLP and a trained digits CNN."""
    with server.client() as client:
        ids = {
            "mlp": client.post("/api/runs", json=spec_dict(training={"epochs": 10})).json()["id"],
            "cnn": client.post("/api/runs", json=CNN).json()["id"],
        }
        for run_id in ids.values():
            wait_status(client, run_id, {"succeeded"})
    return ids


def inspect(client: httpx.Client, run_id: int, **body: Any) -> httpx.Response:
    return client.post(f"/api/runs/{run_id}/inspect", json=body)


def in_process(server: Server, client: httpx.Client, run_id: int, epoch: int, **body: Any) -> Any:
    """The same view computed here, from the stored spec and snapshot file."""
    spec = client.get(f"/api/runs/{run_id}").json()["spec"]
    path = snapshot_path(server.data_dir / "artifacts", run_id, epoch)
    probe = Probe(json.dumps(spec), path, {**body, "epoch": epoch})
    return compute(probe, DataContext(data_dir=server.data_dir))


def test_neurons_of_the_last_and_the_first_snapshot(
    server: Server, client: httpx.Client, runs: dict[str, int]
) -> None:
    last = inspect(client, runs["mlp"], view="neurons")
    assert last.status_code == 200, last.text
    body = last.json()
    assert (body["run_id"], body["epoch"], body["view"]) == (runs["mlp"], 10, "neurons")
    assert [layer["layer"] for layer in body["layers"]] == ["model.layers[0]", "model.layers[1]"]
    assert [len(layer["units"]) for layer in body["layers"]] == [8, 2]
    # What the server computed is what the stored snapshot gives here.
    here = in_process(server, client, runs["mlp"], 10, view="neurons")
    assert body["layers"] == here["layers"]
    first = inspect(client, runs["mlp"], view="neurons", epoch=0).json()
    assert first["epoch"] == 0
    assert first["layers"][0]["units"] != body["layers"][0]["units"]  # training moved them


def test_cnn_views_and_an_adversarial_flip(client: httpx.Client, runs: dict[str, int]) -> None:
    run_id = runs["cnn"]
    filters = inspect(client, run_id, view="filters").json()
    assert filters["shape"][:2] == [4, 1]
    maps = inspect(client, run_id, view="feature_maps", index=3).json()
    assert [len(layer["channels"]) for layer in maps["layers"]] == [4, 4]
    saliency = inspect(client, run_id, view="saliency", index=3).json()
    assert saliency["saliency"]["shape"] == [1, 8, 8]
    # A growing eps lowers the probability of the class it had, until the prediction flips.
    steps = [
        inspect(client, run_id, view="adversarial", index=3, eps=eps).json()
        for eps in (0.05, 0.5, 3.0)
    ]
    before = steps[0]["before"]["predicted"]
    kept = [s["after"]["probabilities"][before] for s in steps]
    assert kept == sorted(kept, reverse=True)
    assert steps[-1]["after"]["predicted"] != before
    rf = inspect(client, run_id, view="receptive_field").json()
    assert [row["size"] for row in rf["layers"]] == [[3, 3], [4, 4]]


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        ({"view": "x-ray"}, "view", "unknown view"),
        ({"view": "filters"}, "view", "Conv"),
        ({"view": "saliency", "index": 10_000}, "index", "out of range"),
        ({"view": "neurons", "epoch": 999}, "epoch", "no snapshot at epoch 999"),
        ({"view": "predict", "inputs": [[1, 2, 3]]}, "inputs[0]", ""),
        ({"view": "adversarial", "eps": -1}, "eps", ""),
    ],
)
def test_requests_that_do_not_fit_get_422_naming_the_field(
    client: httpx.Client, runs: dict[str, int], body: dict[str, Any], path: str, words: str
) -> None:
    r = client.post(f"/api/runs/{runs['mlp']}/inspect", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"][0]
    assert detail["path"] == path
    assert words in detail["msg"]


def test_unknown_runs_and_runs_without_snapshots(client: httpx.Client) -> None:
    assert inspect(client, 99_999, view="weights").status_code == 404
    queued = client.post(
        "/api/runs", json=spec_dict(training={"epochs": 10_000, "batch_size": 4})
    ).json()
    client.post(f"/api/runs/{queued['id']}/cancel")
    wait_status(client, queued["id"], {"cancelled"})
    r = inspect(client, queued["id"], view="weights")
    # Cancelled at once: either no snapshot yet (422) or the first ones (200).
    assert r.status_code in (200, 422), r.text


def test_catalog_lists_the_views(client: httpx.Client) -> None:
    views = {v["type"]: v for v in client.get("/api/catalog").json()["views"]}
    assert {"neurons", "filters", "saliency", "adversarial", "gradcheck", "predict"} <= set(views)
    assert any(p["name"] == "eps" for p in views["adversarial"]["params"])


def test_the_command_line_computes_the_same_view(
    server: Server, client: httpx.Client, runs: dict[str, int]
) -> None:
    cmd = [sys.executable, "-m", "playground.cli", "inspect", str(runs["mlp"]), "weights",
           "--json", "--data-dir", str(server.data_dir)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == inspect(client, runs["mlp"], view="weights").json()
    bad = subprocess.run([*cmd[:5], "x-ray", *cmd[6:]], capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert bad.returncode == 2
    assert "unknown view" in bad.stderr


def test_views_run_apart_from_the_api(server: Server, client: httpx.Client) -> None:
    """The API answers while a view computes: views run in the probe processes."""
    assert Path(server.data_dir).is_dir()
    assert client.get("/api/health").json() == {"status": "ok"}
