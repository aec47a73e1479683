"""Sweeps and ablations through a real server: real workers train every trial."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import httpx
import websockets

from playground.api.wire import SWEEP_STREAM
from tests.factories import spec_dict
from tests.server import Server, wait_status

LR = "training.optimizer.lr"
WIDTH = "model.layers[0].out_features"
ENDED = {"succeeded", "failed", "cancelled", "diverged"}


def tiny(**training: Any) -> dict[str, Any]:
    return spec_dict(
        data={"dataset": "spiral", "n_samples": 100, "noise": 0.05, "seed": 0},
        training={"epochs": 2, "batch_size": 20, **training},
    )


def wait_sweep(client: httpx.Client, sweep_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sweep: dict[str, Any] = client.get(f"/api/sweeps/{sweep_id}").json()
        if sweep["status"] not in ("queued", "running"):
            return sweep
        time.sleep(0.1)
    raise AssertionError(f"sweep {sweep_id} did not end: {sweep['counts']}")


def stream(server: Server, sweep_id: int, timeout: float = 120) -> list[dict[str, Any]]:
    """Every message of a sweep's stream until it closes; each frame checked on the way."""

    async def go() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        async with websockets.connect(f"{server.ws_url}/api/sweeps/{sweep_id}/stream") as ws:
            async for raw in ws:
                frame = json.loads(raw)
                SWEEP_STREAM.validate_python(frame)
                out.extend(frame)
        return out

    return asyncio.run(asyncio.wait_for(go(), timeout))


def test_a_sweep_trains_every_trial_and_streams_it(server: Server) -> None:
    with server.client() as client:
        body = {"name": "lr x width", "base": tiny(), "grid": {LR: [0.05, 0.01], WIDTH: [4, 8]}}
        created = client.post("/api/sweeps", json=body)
        assert created.status_code == 201, created.text
        sweep = created.json()
        assert (sweep["kind"], sweep["params"], len(sweep["trials"])) == ("sweep", [LR, WIDTH], 4)
        ids = [t["run_id"] for t in sweep["trials"]]

        live = stream(server, sweep["id"])  # connected while it trains: closes at the end

        done = wait_sweep(client, sweep["id"])
        assert done["status"] == "succeeded"
        assert done["counts"] == {"succeeded": 4}
        for trial in done["trials"]:
            assert trial["epoch"] == 2
            assert {"train_loss", "val_loss", "val_accuracy", "test_accuracy"} <= set(
                trial["final"]
            )
        best = max(done["trials"], key=lambda t: (t["final"]["val_accuracy"], -t["run_id"]))
        assert done["best"] == {"run_id": best["run_id"], "value": best["final"]["val_accuracy"]}
        # Trials are ordinary runs, listed by sweep.
        listed = client.get("/api/runs", params={"sweep_id": sweep["id"]}).json()["items"]
        assert sorted(r["id"] for r in listed) == ids
        run = client.get(f"/api/runs/{ids[1]}").json()
        assert run["sweep_id"] == sweep["id"]
        assert run["trial"] == {"params": {LR: 0.05, WIDTH: 8}, "index": 1, "replicate": 0}
        assert run["spec"]["model"]["layers"][0]["out_features"] == 8
        assert [s["id"] for s in client.get("/api/sweeps").json()][:1] == [sweep["id"]]

    assert live[0]["type"] == "sweep"
    assert live[0]["sweep"]["id"] == sweep["id"]
    trial = [m for m in live[1:] if m["run_id"] == ids[0]]
    kinds = [m["message"]["type"] for m in trial]
    assert "epoch" in kinds
    assert "step" not in kinds
    assert "boundary" in kinds
    # Every trial's end: in the first message for those that ended before the viewer came.
    ended = {t["run_id"] for t in live[0]["sweep"]["trials"] if t["status"] == "succeeded"}
    ended |= {m["run_id"] for m in live[1:] if m["message"].get("status") == "succeeded"}
    assert ended == set(ids)
    # A late viewer gets the stored curves (epochs 0..2) and newest grid, then the close.
    late = stream(server, sweep["id"])
    assert late[0]["sweep"]["status"] == "succeeded"
    epochs = [m["message"]["epoch"] for m in late if m.get("run_id") == ids[0]
              and m["message"]["type"] == "epoch"]  # fmt: skip
    assert epochs == [0, 1, 2]
    grids = [m for m in late if m.get("run_id") == ids[0] and m["message"]["type"] == "boundary"]
    assert len(grids) == 1


def test_one_invalid_trial_rejects_the_sweep_and_stores_nothing(server: Server) -> None:
    with server.client() as client:
        runs_before = len(client.get("/api/runs", params={"limit": 500}).json()["items"])
        sweeps_before = client.get("/api/sweeps").json()
        body = {"base": tiny(), "grid": {WIDTH: [8, 4, 2, 0]}}
        refused = client.post("/api/sweeps", json=body)
        assert refused.status_code == 422
        [error] = refused.json()["detail"]
        assert error["loc"] == ["trials", 3, "model", "layers", 0, "out_features"]
        assert error["path"] == "trials[3].model.layers[0].out_features"
        assert "model.layers[0].out_features=0" in error["msg"]
        # Too many trials: the setting's limit (256), counted before anything is expanded.
        random = {"training.l2": {"uniform": [0, 0.1]}, "n": 17}
        huge = client.post("/api/sweeps", json={"base": tiny(), "grid": {LR: [0.1] * 16},
                                                 "random": random})  # fmt: skip
        assert huge.status_code == 422
        assert huge.json()["detail"][0]["loc"] == ["trials"]
        assert "272 trials" in huge.json()["detail"][0]["msg"]
        bad_path = client.post("/api/sweeps", json={"base": tiny(), "grid": {"model..x": [1]}})
        assert bad_path.json()["detail"][0]["loc"] == ["grid", "model..x"]
        assert len(client.get("/api/runs", params={"limit": 500}).json()["items"]) == runs_before
        assert client.get("/api/sweeps").json() == sweeps_before


def test_cancel_stops_every_trial_and_delete_removes_the_runs(server: Server) -> None:
    with server.client() as client:
        base = tiny(epochs=2000, batch_size=4)
        sweep = client.post("/api/sweeps", json={"base": base, "grid": {LR: [0.1, 0.01, 0.001]}})
        ids = [t["run_id"] for t in sweep.json()["trials"]]
        wait_status(client, ids[0], {"running"})  # one worker: the others wait in the queue

        cancelled = client.post(f"/api/sweeps/{sweep.json()['id']}/cancel")
        assert cancelled.status_code == 200
        done = wait_sweep(client, sweep.json()["id"], timeout=30)
        assert done["status"] == "cancelled"
        assert done["counts"] == {"cancelled": 3}

        assert client.delete(f"/api/sweeps/{done['id']}").status_code == 204
        assert client.get(f"/api/sweeps/{done['id']}").status_code == 404
        assert all(client.get(f"/api/runs/{i}").status_code == 404 for i in ids)
        assert client.post(f"/api/sweeps/{done['id']}/cancel").status_code == 404
        assert client.delete("/api/sweeps/999999").status_code == 404
    assert _close_code(server, 999999) == 4404
    assert _close_code(server, 2**64) == 4404


def _close_code(server: Server, sweep_id: int) -> int | None:
    async def go() -> int | None:
        async with websockets.connect(f"{server.ws_url}/api/sweeps/{sweep_id}/stream") as ws:
            with contextlib.suppress(websockets.ConnectionClosed):
                await ws.recv()
            return ws.close_code

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_ablate_a_run(server: Server) -> None:
    spec = tiny(l2=0.01, scheduler={"type": "StepLR", "step_size": 1})
    spec["model"] = {"layers": [
        {"type": "Linear", "out_features": 8, "activation": "ReLU"},
        {"type": "BatchNorm1d"}, {"type": "Dropout", "p": 0.1},
        {"type": "Linear", "out_features": 2},
    ]}  # fmt: skip
    with server.client() as client:
        base = client.post("/api/runs", json=spec).json()
        proposed = client.post(f"/api/runs/{base['id']}/ablate", json={"run": False})
        assert proposed.status_code == 200
        labels = [p["label"] for p in proposed.json()["proposals"]]
        assert labels == [
            "no BatchNorm1d at model.layers[1]", "no Dropout at model.layers[2]",
            "no L2 penalty (l2 0.01 -> 0)", "constant learning rate (no StepLR)",
            "plain SGD instead of Adam",
        ]  # fmt: skip
        assert proposed.json()["sweep"] is None

        ran = client.post(f"/api/runs/{base['id']}/ablate")
        assert ran.status_code == 201
        sweep = ran.json()["sweep"]
        assert (sweep["kind"], sweep["base_run_id"], len(sweep["trials"])) == (
            "ablation", base["id"], 5,
        )  # fmt: skip
        done = wait_sweep(client, sweep["id"])
        assert done["counts"] == {"succeeded": 5}
        assert [t["params"] for t in done["trials"]] == [{"ablation": label} for label in labels]
        assert client.post("/api/runs/999999/ablate").status_code == 404
