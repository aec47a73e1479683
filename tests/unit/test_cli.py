"""The console script, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.factories import layers, linear, spec_dict

CLI = [sys.executable, "-m", "playground.cli"]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, raw: object) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(raw))
    return path


def test_train_json_prints_one_result_object(tmp_path: Path) -> None:
    proc = run_cli("train", write(tmp_path, spec_dict(training={"epochs": 5})), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "succeeded"
    assert result["epochs"] == 5
    assert set(result["test"]) == {"loss", "accuracy"}
    assert result["error"] is None
    assert [row["type"] for row in result["summary"]] == ["Linear", "Linear"]
    assert result["summary"][0]["output_shape"] == [8]


def test_train_device_option_replaces_the_specs_device(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_dict(training={"epochs": 1, "device": "cuda:7"}))
    proc = run_cli("train", spec, "--json", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["device"] == "cpu"
    proc = run_cli("train", spec, "--json", "--device", "tpu")
    assert proc.returncode == 1
    (error,) = json.loads(proc.stdout)["errors"]
    assert error["path"] == "training.device"


def test_train_json_regression_keys(tmp_path: Path) -> None:
    raw = spec_dict(data={"dataset": "plane", "n_samples": 100}, model=layers(linear(1)))
    result = json.loads(run_cli("train", write(tmp_path, raw), "--json").stdout)
    assert set(result["test"]) == {"loss", "mse", "mae", "r2"}


def test_train_json_reports_invalid_specs(tmp_path: Path) -> None:
    proc = run_cli("train", write(tmp_path, spec_dict(model=layers(linear(3)))), "--json")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["status"] == "failed"
    assert "model.layers[0] (Linear)" in result["error"]


def test_train_with_progress_prints_test_metrics(tmp_path: Path) -> None:
    proc = run_cli("train", write(tmp_path, spec_dict()))
    assert proc.returncode == 0, proc.stderr
    assert "succeeded after 3 epochs: test loss" in proc.stdout


def test_validate_prints_the_layer_table(tmp_path: Path) -> None:
    proc = run_cli("validate", write(tmp_path, spec_dict()))
    assert proc.returncode == 0, proc.stderr
    assert "Linear(8) + Tanh" in proc.stdout
    assert "total" in proc.stdout
    assert "42" in proc.stdout


def test_validate_errors_exit_2_with_paths(tmp_path: Path) -> None:
    raw = spec_dict(training={"optimizer": {"type": "SGD", "lr": -1}})
    proc = run_cli("validate", write(tmp_path, raw))
    assert proc.returncode == 2
    assert "training.optimizer.lr" in proc.stderr
    proc = run_cli("validate", write(tmp_path, raw), "--json")
    assert json.loads(proc.stdout)["errors"][0]["path"] == "training.optimizer.lr"


def test_validate_rejects_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    proc = run_cli("validate", path)
    assert proc.returncode == 2
    assert "not valid JSON" in proc.stderr


def test_data_dir_option_reaches_file_datasets(tmp_path: Path) -> None:
    (tmp_path / "uploads").mkdir()
    rows = ["a,b,label"] + [f"{i % 7},{(i * 3) % 5},{i % 2}" for i in range(60)]
    (tmp_path / "uploads" / "mine.csv").write_text("\n".join(rows) + "\n")
    raw = {"data": {"dataset": "csv", "file": "mine.csv"}, "model": layers(linear(2)),
           "training": {"epochs": 2}}  # fmt: skip
    proc = run_cli("train", write(tmp_path, raw), "--json", "--data-dir", tmp_path)
    assert json.loads(proc.stdout)["status"] == "succeeded", proc.stdout


def test_catalog_command_prints_json() -> None:
    proc = run_cli("catalog")
    assert proc.returncode == 0, proc.stderr
    cat = json.loads(proc.stdout)
    assert any(entry["type"] == "LSTM" for entry in cat["layers"])
