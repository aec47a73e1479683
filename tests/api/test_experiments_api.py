"""The learning-rate finder and sanity checks through a real server (the probe processes
compute them)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import layers, linear, spec_dict

PERCEPTRON = spec_dict(
    data={"dataset": "gaussian", "n_samples": 100},
    model=layers(linear(1, activation="Sign")),
    training={"batch_size": 1, "optimizer": {"type": "Perceptron", "lr": 0.1}},
)


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
        ("lr-find", {"spec": PERCEPTRON}, "spec.training.optimizer.type"),
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


def test_the_perceptron_gets_a_skipped_initial_loss_and_can_overfit(client: httpx.Client) -> None:
    checks = client.post("/api/sanity", json={"spec": PERCEPTRON}).json()["checks"]
    assert [c["verdict"] for c in checks] == ["skipped", "ok"]


def test_the_routes_are_in_the_openapi_document(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    ok = paths["/api/lr-find"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/LrFindOut")
    assert "/api/sanity" in paths
