"""Regressions for the defects an audit found by fuzzing and fault tests (issue 10)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from playground.api.wire import STREAM
from tests.factories import spec_dict
from tests.server import Server, collect, wait_status


@pytest.mark.parametrize(
    "data",
    [
        {"dataset": "spiral", "n_samples": 200, "split": {"val": 0.2, "test": 0}},
        {"dataset": "digits", "split": {"val": 0.2, "test": 0}},
    ],
)
def test_a_run_without_a_test_split_trains(
    server: Server, client: httpx.Client, data: dict[str, Any]
) -> None:
    model = (
        {"layers": [{"type": "Flatten"}, {"type": "Linear", "out_features": 10}]}
        if data["dataset"] == "digits"
        else None
    )
    spec = spec_dict(data=data, training={"epochs": 2}, **({"model": model} if model else {}))
    preview = client.post("/api/datasets/preview", json={"data": data})
    assert preview.status_code == 200, preview.text
    assert preview.json()["samples"]["test"] == 0
    run_id = client.post("/api/runs", json=spec).json()["id"]
    run = wait_status(client, run_id, {"succeeded", "failed"})
    assert run["status"] == "succeeded", run["error"]
    assert run["result"]["test"] == {}
    STREAM.validate_python(collect(server, run_id))
    # A view of a sample from the empty split says so, at the field that chose it.
    r = client.post(f"/api/runs/{run_id}/inspect", json={"view": "activations", "split": "test"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["path"] == "split"
    ok = client.post(f"/api/runs/{run_id}/inspect", json={"view": "activations", "split": "val"})
    assert ok.status_code == 200, ok.text


def test_viewers_that_leave_during_replay_log_no_errors(
    server: Server, client: httpx.Client
) -> None:
    # Enough boundary grids that the replay takes several frames of FRAME_BYTES.
    spec = spec_dict(training={"epochs": 120, "boundary_every": 1})
    run_id = client.post("/api/runs", json=spec).json()["id"]
    wait_status(client, run_id, {"succeeded"})
    log_start = server.log.stat().st_size

    async def leave(after_frames: int, abort: bool) -> None:
        ws = await websockets.connect(f"{server.ws_url}/api/runs/{run_id}/stream")
        for _ in range(after_frames):
            await ws.recv()
        if abort:
            ws.transport.abort()  # gone without a close frame, as a closed laptop
        else:
            await ws.close()

    for after_frames in (0, 1):  # while the replay is read from the store, or being sent
        for abort in (True, False):
            for _ in range(5):
                asyncio.run(leave(after_frames, abort))
    assert len(collect(server, run_id)) > 120  # the server still streams the whole run
    log = server.log.read_bytes()[log_start:].decode()
    assert "Exception in ASGI application" not in log
    assert not re.search(r"^(ERROR|Traceback)", log, re.MULTILINE), log[-3000:]


def test_a_chunked_body_over_the_limit_gets_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield b'{"name": "'
        for _ in range(30):
            yield b"x" * 100_000
        yield b'"}'

    r = client.post("/api/runs", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json() == {"detail": "request body larger than 1000000 bytes"}
    assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize("seed", [False, True, "7", 7.0, -1])
def test_rerun_takes_only_an_integer_seed(client: httpx.Client, seed: object) -> None:
    run_id = client.post("/api/runs", json=spec_dict(training={"epochs": 1})).json()["id"]
    r = client.post(f"/api/runs/{run_id}/rerun", json={"seed": seed})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["path"] == "seed"


def test_routes_that_can_404_say_so_in_openapi(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    run_routes = [
        (path, method, op) for path, ops in paths.items() if "{run_id}" in path
        for method, op in ops.items()
    ]  # fmt: skip
    assert len(run_routes) >= 11
    for path, method, op in run_routes:
        assert "404" in op["responses"], f"{method.upper()} {path}"
        schema = op["responses"]["404"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/MessageBody"}
    missing = client.get("/api/runs/999999")  # and they do 404, with that body
    assert missing.status_code == 404
    assert "999999" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("dataset", "msg"),
    [
        ("spirl", "unknown data set 'spirl'; did you mean 'spiral'?"),
        ("MNIST", "unknown data set 'MNIST'; did you mean 'mnist'?"),
        ("imagenet", "unknown data set 'imagenet'; expected one of: circle, xor,"),
    ],
)
def test_an_unknown_data_set_is_named_at_data_dataset(
    client: httpx.Client, dataset: str, msg: str
) -> None:
    for url, body in (
        ("/api/runs", spec_dict(data={"dataset": dataset})),
        ("/api/validate", spec_dict(data={"dataset": dataset})),
        ("/api/datasets/preview", {"data": {"dataset": dataset}}),
    ):
        r = client.post(url, json=body)
        assert r.status_code == 422, r.text
        (item,) = r.json()["detail"]
        assert item["path"] == "data.dataset"
        assert item["msg"].startswith(msg), item["msg"]
