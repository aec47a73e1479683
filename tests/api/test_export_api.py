"""Export through a real server: the zip's model.py, run in a fresh Python with only torch
and safetensors, reproduces the run's test accuracy; ONNX (onnxruntime) agrees with it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import onnxruntime as ort
import pytest
import torch
from safetensors.torch import load_file, save_file

from playground.ml.datasets import DataContext, load
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from tests.server import Server, wait_status

MLP = {
    "data": {"dataset": "digits"},
    "model": {"layers": [
        {"type": "Flatten"},
        {"type": "Linear", "out_features": 32, "activation": "ReLU"},
        {"type": "Dropout", "p": 0.1},
        {"type": "Linear", "out_features": 10},
    ]},
    "training": {"epochs": 4, "batch_size": 64, "optimizer": {"type": "Adam", "lr": 0.01}},
}  # fmt: skip
CNN = {
    "data": {"dataset": "digits"},
    "model": {"layers": [
        {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1},
        {"type": "BatchNorm2d", "activation": "ReLU"},
        {"type": "MaxPool2d", "kernel_size": 2},
        {"type": "Residual", "layers": [
            {"type": "Conv2d", "out_channels": 8, "kernel_size": 3, "padding": 1},
        ], "activation": "ReLU"},
        {"type": "Flatten"},
        {"type": "Linear", "out_features": 10},
    ]},
    "training": {"epochs": 3, "batch_size": 64, "optimizer": {"type": "Adam", "lr": 0.01}},
}  # fmt: skip
# A 2-D set (features x2, xy: preprocess() standardises them) with early stopping that
# restores its best epoch: the export's "last" is the restored epoch, whose test accuracy
# the run reports.
EARLY = {
    "data": {"dataset": "spiral", "n_samples": 300, "noise": 0.2, "features": ["x", "y", "x2", "xy"]},
    "model": {"layers": [
        {"type": "Linear", "out_features": 32, "activation": "ReLU"},
        {"type": "Linear", "out_features": 2},
    ]},
    "training": {
        "epochs": 40, "batch_size": 8, "optimizer": {"type": "Adam", "lr": 0.05},
        "early_stopping": {"monitor": "val_loss", "patience": 3, "restore_best": True},
    },
}  # fmt: skip

# Runs in the unzipped folder, in a Python that has never imported the playground.
FRESH = """
import json, sys
import torch
from safetensors.torch import load_file, save_file
from model import load, preprocess
test = load_file("test.safetensors")
x = preprocess(test["x"])
with torch.no_grad():
    out = load("weights.safetensors")(x)
save_file({"x": x.contiguous(), "out": out.contiguous()}, "out.safetensors")
print(json.dumps({
    "accuracy": (out.argmax(-1) == test["y"]).float().mean().item(),
    "playground": any(m.startswith("playground") for m in sys.modules),
}))
"""


@pytest.fixture(scope="module")
def runs(server: Server) -> dict[str, dict[str, Any]]:
    with server.client() as client:
        ids = {
            name: client.post("/api/runs", json=s).json()["id"]
            for name, s in [("mlp", MLP), ("cnn", CNN), ("early", EARLY)]
        }
        return {name: wait_status(client, i, {"succeeded"}) for name, i in ids.items()}


def raw_test_split(spec: dict[str, Any], data_dir: Path) -> dict[str, torch.Tensor]:
    """The run's test split as the data set gives it before standardisation."""
    raw = RunSpec.model_validate(spec).data.model_copy(update={"normalize": False})
    test = load(raw, DataContext(data_dir=data_dir)).test
    return {"x": test.x.contiguous(), "y": test.y.contiguous()}


@pytest.mark.parametrize("name", ["mlp", "cnn", "early"])
def test_exported_zip_reproduces_the_test_accuracy(
    server: Server, client: httpx.Client, runs: dict[str, dict[str, Any]], name: str, tmp_path: Path
) -> None:
    run = runs[name]
    r = client.get(f"/api/runs/{run['id']}/export", params={"format": "zip"})
    assert r.status_code == 200, r.text
    last = run["result"]["best_epoch"] if name == "early" else run["epochs_done"]
    if name == "early":
        assert last < run["epochs_done"]  # it stopped early and restored an earlier epoch
    assert (
        r.headers["content-disposition"]
        == f'attachment; filename="run-{run["id"]}-epoch-{last}.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert sorted(z.namelist()) == sorted(
            ["spec.json", "weights.safetensors", "model.py", "model.onnx", "README.txt"]
        )
        z.extractall(tmp_path)
    assert json.loads((tmp_path / "spec.json").read_text()) == run["spec"]
    stored = snapshot_path(server.data_dir / "artifacts", run["id"], last)
    assert (tmp_path / "weights.safetensors").read_bytes() == stored.read_bytes()

    save_file(raw_test_split(run["spec"], server.data_dir), tmp_path / "test.safetensors")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", FRESH], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    fresh = json.loads(done.stdout)
    assert not fresh["playground"]
    assert fresh["accuracy"] == pytest.approx(run["result"]["test"]["accuracy"], abs=1e-6)
    assert fresh["accuracy"] > 0.5  # trained, not chance: the comparison means something

    # ONNX on the same preprocessed inputs: same classes, logits within 1e-4.
    torch_out = load_file(tmp_path / "out.safetensors")
    session = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    (onnx_out,) = session.run(None, {"input": torch_out["x"].numpy()})
    np.testing.assert_allclose(onnx_out, torch_out["out"].numpy(), atol=1e-4, rtol=0)
    assert (onnx_out.argmax(-1) == torch_out["out"].numpy().argmax(-1)).all()


def test_single_files_and_their_names(
    server: Server, client: httpx.Client, runs: dict[str, dict[str, Any]]
) -> None:
    run_id = runs["mlp"]["id"]
    url = f"/api/runs/{run_id}/export"
    spec = client.get(url, params={"format": "spec"})
    assert spec.json() == runs["mlp"]["spec"]
    assert spec.headers["content-disposition"] == f'attachment; filename="run-{run_id}-spec.json"'
    weights = client.get(url, params={"format": "safetensors", "epoch": 0})
    assert weights.status_code == 200
    assert weights.content == snapshot_path(server.data_dir / "artifacts", run_id, 0).read_bytes()
    assert f'filename="run-{run_id}-epoch-0.safetensors"' in weights.headers["content-disposition"]
    code = client.get(url, params={"format": "pytorch"})
    assert code.headers["content-type"].startswith("text/x-python")
    assert "def build_model() -> nn.Module:" in code.text
    assert "MEAN = torch.tensor(" in code.text  # digits are standardised
    onnx = client.get(url, params={"format": "onnx"})
    assert ort.InferenceSession(onnx.content).get_inputs()[0].name == "input"


def test_errors(client: httpx.Client, runs: dict[str, dict[str, Any]]) -> None:
    run_id = runs["mlp"]["id"]
    assert client.get("/api/runs/99999/export").status_code == 404
    missing = client.get(f"/api/runs/{run_id}/export", params={"epoch": 999})
    assert missing.status_code == 404
    assert "no snapshot at epoch 999" in missing.json()["detail"]
    bad = client.get(f"/api/runs/{run_id}/export", params={"format": "pickle"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "format"
