"""The learning-rate finder and sanity checks through a real server (the probe processes
compute them) and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import layers, linear, spec_dict


def test_lr_find_returns_a_ramp_and_a_suggestion(client: httpx.Client) -> None:
    body = {"spec": spec_dict(), "min_lr": 1e-5, "max_lr": 1.0, "steps": 100}
    r = client.post("/api/lr-find", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert len(out["lrs"]) == len(out["losses"]) == len(out["raw_losses"]) <= 100
    assert out["lrs"][0] == pytest.approx(1e-5)
    assert out["lrs"] == sorted(out["lrs"])
    assert 1e-5 <= out["suggested_lr"] <= 1.0
    assert out["note"]


def test_sanity_gives_a_verdict_per_check(client: httpx.Client) -> None:
    r = client.post("/api/sanity", json={"spec": spec_dict()})
    assert r.status_code == 200, r.text
    checks = r.json()["checks"]
    assert [c["check"] for c in checks] == ["initial_loss", "overfit_small"]
    assert [c["verdict"] for c in checks] == ["ok", "ok"]
    tiny = spec_dict(training={"optimizer": {"type": "Adam", "lr": 1e-9}})
    r = client.post("/api/sanity", json={"spec": tiny, "checks": ["overfit_small"]})
    assert r.json()["checks"][0]["verdict"] == "failed"


@pytest.mark.parametrize(
    ("route", "body", "path"),
    [
        ("lr-find", {"spec": spec_dict(model=layers({"type": "Linear"}))},
         "spec.model.layers[0].out_features"),
        ("lr-find", {"spec": spec_dict(model=layers(linear(3)))}, "spec.model.layers[0]"),
        ("lr-find", {"spec": spec_dict(), "min_lr": 0}, "min_lr"),
        ("lr-find", {"spec": spec_dict(), "min_lr": 0.1, "max_lr": 0.01}, "max_lr"),
        ("lr-find", {"spec": spec_dict(), "steps": 5}, "steps"),
        ("lr-find", {"spec": spec_dict(), "max_lr": 11}, "max_lr"),
        ("sanity", {"spec": spec_dict(), "checks": ["nope"]}, "checks[0]"),
        ("sanity", {"spec": spec_dict(data={"dataset": "spiral", "n_samples": -1})},
         "spec.data.n_samples"),
    ],
)  # fmt: skip
def test_bad_requests_get_422_naming_the_field(
    client: httpx.Client, route: str, body: dict[str, Any], path: str
) -> None:
    r = client.post(f"/api/{route}", json=body)
    assert r.status_code == 422, r.text
    assert path in [d["path"] for d in r.json()["detail"]]


def test_the_routes_are_in_the_openapi_document(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    ok = paths["/api/lr-find"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/LrFindOut")
    assert "/api/sanity" in paths


def test_cli_lr_find(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec_dict()))
    cli = [sys.executable, "-m", "playground.cli", "lr-find", str(path)]
    proc = subprocess.run(
        [*cli, "--steps", "60", "--min-lr", "1e-4", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["lrs"]) <= 60
    assert out["suggested_lr"] is not None
    table = subprocess.run([*cli, "--steps", "60"], capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "suggested" in table.stdout.lower()
    bad = subprocess.run(
        [*cli, "--min-lr", "1", "--max-lr", "0.1"], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert "max_lr" in bad.stderr
