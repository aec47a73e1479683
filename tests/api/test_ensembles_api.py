"""Ensembles through a real server: three spiral MLPs that differ only in their training
seed, scored together in a probe process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from playground.ml.ensemble import NOTE
from tests.factories import spec_dict
from tests.server import Server, wait_status

DATA = {"dataset": "spiral", "n_samples": 400, "noise": 0.1, "seed": 0}


def member(training_seed: int, **data: Any) -> dict[str, Any]:
    return spec_dict(
        data={**DATA, **data},
        model={"layers": [
            {"type": "Linear", "out_features": 16, "activation": "Tanh"},
            {"type": "Linear", "out_features": 2},
        ]},
        training={"epochs": 15, "batch_size": 16, "seed": training_seed},
    )  # fmt: skip


@pytest.fixture(scope="module")
def runs(server: Server) -> list[int]:
    """Three members, then one run on other data (the last id)."""
    specs = [member(1), member(2), member(3), member(1, seed=5)]
    with server.client() as client:
        ids = [client.post("/api/runs", json=s).json()["id"] for s in specs]
        for run_id in ids:
            wait_status(client, run_id, {"succeeded"})
    return ids


def score(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/api/ensembles", json=body)


def test_mean_prob_beats_the_average_member(client: httpx.Client, runs: list[int]) -> None:
    r = score(client, runs=runs[:3], method="mean_prob")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["method"] == "mean_prob"
    assert body["n_test"] == 80
    assert body["note"] == NOTE
    members = body["members"]
    assert [m["run_id"] for m in members] == runs[:3]
    for m in members:  # each member's score is its own stored test accuracy
        stored = client.get(f"/api/runs/{m['run_id']}").json()["result"]["test"]
        assert m["test_accuracy"] == pytest.approx(stored["accuracy"], abs=1e-6)
        assert m["test_loss"] == pytest.approx(stored["loss"], rel=1e-4)
    mean_member = sum(m["test_accuracy"] for m in members) / 3
    assert body["ensemble"]["test_accuracy"] >= mean_member
    assert body["ensemble"]["test_loss"] > 0


def test_vote_against_mean_prob(client: httpx.Client, runs: list[int]) -> None:
    vote = score(client, runs=runs[:3], method="vote").json()
    mean = score(client, runs=runs[:3], method="mean_prob").json()
    assert vote["ensemble"]["test_loss"] is None  # votes have no probabilities to score
    assert vote["members"] == mean["members"]
    # Three voters on two classes: with 80 samples the accuracy is a multiple of 1/80.
    assert vote["ensemble"]["test_accuracy"] * 80 == pytest.approx(
        round(vote["ensemble"]["test_accuracy"] * 80)
    )
    assert vote["ensemble"]["test_accuracy"] >= min(m["test_accuracy"] for m in vote["members"])


def test_runs_that_do_not_fit_are_named(client: httpx.Client, runs: list[int]) -> None:
    other = score(client, runs=[runs[0], runs[1], runs[3]], method="mean_prob")
    assert other.status_code == 422
    (error,) = other.json()["detail"]
    assert error["path"] == "runs[2]"
    assert "data.seed is 5, not 0" in error["msg"]
    unknown = score(client, runs=[runs[0], 99999]).json()["detail"][0]
    assert (unknown["path"], unknown["msg"]) == ("runs[1]", "run 99999 does not exist")
    twice = score(client, runs=[runs[0], runs[0]]).json()["detail"][0]
    assert twice["path"] == "runs[1]"
    one = score(client, runs=[runs[0]])
    assert one.status_code == 422
    assert one.json()["detail"][0]["path"] == "runs"


def test_regression_runs_average_and_cannot_vote(server: Server, client: httpx.Client) -> None:
    plane = spec_dict(
        data={"dataset": "plane", "n_samples": 100},
        model={"layers": [{"type": "Linear", "out_features": 1}]},
        training={"epochs": 2},
    )
    ids = [client.post("/api/runs", json=plane).json()["id"] for _ in range(2)]
    for run_id in ids:
        wait_status(client, run_id, {"succeeded"})
    vote = score(client, runs=ids, method="vote")
    assert vote.status_code == 422
    assert vote.json()["detail"][0]["path"] == "method"
    mean = score(client, runs=ids, method="mean_prob").json()
    assert mean["ensemble"]["test_accuracy"] is None
    assert mean["ensemble"]["test_loss"] > 0
