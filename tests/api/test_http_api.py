"""The service end to end: HTTP + websocket clients against a real server process."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from playground.api.wire import EVENTS, STREAM
from tests.factories import layers, linear, spec_dict
from tests.server import Server, collect, wait_status

SERVER_WORKERS = 2  # cancels and a killed worker need a second one


def small(epochs: int = 5, **training: Any) -> dict[str, Any]:
    return spec_dict(training={"epochs": epochs, **training})


def long_run() -> dict[str, Any]:
    return spec_dict(training={"epochs": 10_000, "batch_size": 4})  # minutes; always cancelled


def epochs_of(messages: list[dict[str, Any]]) -> list[int]:
    return [m["epoch"] for m in messages if m["type"] == "epoch"]


def test_events_socket_announces_status_changes(server: Server, client: httpx.Client) -> None:
    async def watch() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        async with websockets.connect(f"{server.ws_url}/api/events") as ws:
            run_id = client.post("/api/runs", json=small(epochs=1)).json()["id"]
            while not any(
                m.get("run_id") == run_id and m.get("status") == "succeeded" for m in seen
            ):
                frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                EVENTS.validate_python(frame)
                seen.extend(frame)
        return [m for m in seen if m["run_id"] == run_id]

    statuses = [m["status"] for m in asyncio.run(watch())]
    assert statuses == ["queued", "running", "succeeded"]


def test_posted_spec_trains_and_streams(server: Server, client: httpx.Client) -> None:
    created = client.post("/api/runs", json=small(epochs=8))
    assert created.status_code == 201
    run = created.json()
    assert run["status"] == "queued"
    assert run["spec"]["training"]["optimizer"]["type"] == "Adam"  # stored fully resolved
    msgs = collect(server, run["id"])
    statuses = [m["status"] for m in msgs if m["type"] == "status"]
    assert statuses == ["queued", "running", "succeeded"]
    assert epochs_of(msgs) == list(range(9))  # epoch 0 (untrained) .. 8, no gaps or repeats
    seqs = [m["seq"] for m in msgs]
    assert seqs == sorted(seqs)
    STREAM.validate_python(msgs)  # what the OpenAPI document promises is what is sent
    result = next(m for m in msgs if m["type"] == "result")
    assert set(result["test"]) == {"loss", "accuracy"}
    # The same series is stored: /metrics has exactly the streamed epoch values.
    series = client.get(f"/api/runs/{run['id']}/metrics").json()["series"]
    streamed = [m["metrics"]["val_loss"] for m in msgs if m["type"] == "epoch"]
    assert [p[2] for p in series["val/loss"]] == streamed
    steps = [m for m in msgs if m["type"] == "step"]
    assert [p[0] for p in series["step/loss"]] == [m["step"] for m in steps]
    stored = client.get(f"/api/runs/{run['id']}").json()
    assert stored["status"] == "succeeded"
    assert stored["epochs_done"] == 8
    assert stored["test_accuracy"] == result["test"]["accuracy"]
    assert stored["summary"]["params"] == 42


def test_late_and_reconnecting_viewers_see_everything_once(
    server: Server, client: httpx.Client
) -> None:
    run_id = client.post("/api/runs", json=small(epochs=30)).json()["id"]
    # A first viewer that leaves after a few messages, and reconnects from its last seq.
    first = collect(server, run_id, limit=5)
    resumed = collect(server, run_id, from_seq=max(m["seq"] for m in first))
    # A viewer that arrives later still gets the whole history.
    late = collect(server, run_id)
    full = [m for m in first if m["seq"] <= max(x["seq"] for x in first)]
    joined = full + resumed
    assert [json.dumps(m, sort_keys=True) for m in joined] == [
        json.dumps(m, sort_keys=True) for m in late
    ]
    assert epochs_of(late) == list(range(31))


def test_a_finished_run_streamed_from_its_end_closes_at_once(
    server: Server, client: httpx.Client
) -> None:
    run_id = client.post("/api/runs", json=small(epochs=2)).json()["id"]
    last = wait_status(client, run_id, {"succeeded"})["last_seq"]
    started = time.monotonic()
    assert collect(server, run_id, from_seq=last, timeout=10) == []
    assert time.monotonic() - started < 5


def test_unknown_run_streams_close_with_4404(server: Server) -> None:
    async def close_code(run_id: int) -> int | None:
        url = f"{server.ws_url}/api/runs/{run_id}/stream"
        async with websockets.connect(url) as ws:
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()
            return ws.close_code

    # Beyond 64 bits and merely absent: browsers see the code only after the handshake.
    for run_id in (2**70, 999_999):
        assert asyncio.run(asyncio.wait_for(close_code(run_id), 10)) == 4404


def test_twenty_runs_finish_and_two_cancel_quickly(server: Server, client: httpx.Client) -> None:
    ids = [client.post("/api/runs", json=small(epochs=3, seed=i)).json()["id"] for i in range(20)]
    longs = [client.post("/api/runs", json=long_run()).json()["id"] for _ in range(2)]
    for run_id in longs:
        wait_status(client, run_id, {"running"}, timeout=180)
        started = time.monotonic()
        client.post(f"/api/runs/{run_id}/cancel")
        assert wait_status(client, run_id, {"cancelled"}, timeout=10)["status"] == "cancelled"
        assert time.monotonic() - started < 3
    for run_id in ids:
        assert (
            wait_status(client, run_id, {"succeeded", "failed"}, timeout=180)["status"]
            == "succeeded"
        )


def test_killed_worker_fails_its_run_and_the_next_one_trains(
    server: Server, client: httpx.Client
) -> None:
    victim = client.post("/api/runs", json=long_run()).json()["id"]
    wait_status(client, victim, {"running"}, timeout=60)
    pool = client.get("/api/system").json()["pool"]
    pid = next(w["pid"] for w in pool if w["run_id"] == victim)
    os.kill(pid, signal.SIGKILL)
    failed = wait_status(client, victim, {"failed"}, timeout=30)
    assert "signal 9" in failed["error"] or "SIGKILL" in failed["error"]
    after = client.post("/api/runs", json=small(epochs=2)).json()["id"]
    assert wait_status(client, after, {"succeeded", "failed"}, timeout=120)["status"] == "succeeded"


@pytest.mark.parametrize(
    ("body", "path", "fragment"),
    [
        (spec_dict(model=layers(linear(3))), "model.layers[0]", "has 2 classes"),
        (spec_dict(training={"optimizer": {"type": "SGD", "lr": -1}}), "training.optimizer.lr", "greater than 0"),
        (spec_dict(model=layers({"type": "Conv9d"})), "model.layers[0]", "unknown type 'Conv9d'"),
        ({"model": layers(linear(2))}, "data", "Field required"),
        (spec_dict(data={"dataset": "csv", "file": "../../etc/passwd.csv"}), "data.file", "pattern"),
    ],
)  # fmt: skip
def test_invalid_specs_get_422_with_paths(
    client: httpx.Client, body: dict[str, Any], path: str, fragment: str
) -> None:
    for url in ("/api/runs", "/api/validate"):
        r = client.post(url, json=body)
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert detail[0]["path"] == path
        assert fragment in detail[0]["msg"]


def test_malformed_and_oversize_bodies(client: httpx.Client) -> None:
    r = client.post("/api/runs", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    big = json.dumps({"name": "x" * 2_000_000}).encode()
    assert (
        client.post(
            "/api/runs", content=big, headers={"content-type": "application/json"}
        ).status_code
        == 413
    )


def test_validate_returns_the_layer_table(client: httpx.Client) -> None:
    summary = client.post("/api/validate", json=small()).json()
    assert [row["output_shape"] for row in summary["layers"]] == [[8], [2]]
    assert summary["params"] == 42


def test_catalog_health_system(client: httpx.Client) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    cat = client.get("/api/catalog").json()
    assert any(e["type"] == "Conv2d" for e in cat["layers"])
    system = client.get("/api/system").json()
    assert system["workers"] == 2
    assert system["devices"] == ["cpu", "cpu"]


def test_openapi_docs_describe_the_api(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/runs", "/api/runs/{run_id}", "/api/validate", "/api/catalog"} <= set(
        schema["paths"]
    )
    components = schema["components"]["schemas"]
    run_view = components["RunView"]["properties"]
    assert {"id", "status", "spec", "queue_position", "test_accuracy"} <= set(run_view)
    # Every successful response has a declared schema, and the websocket messages are there.
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            ok = op["responses"].get("200") or op["responses"].get("201")
            if ok is None:
                continue
            body = ok.get("content", {}).get("application/json", {}).get("schema", {})
            assert (
                "$ref" in body
                or body.get("type") in {"array", "object"}
                or "anyOf" in body
                or "oneOf" in body
            ), (method, path, body)
    assert {"StreamMessage", "RunEvent", "EpochMessage"} <= set(components)
    assert client.get("/docs").status_code == 200
    assert "The API is running" in client.get("/").text  # no frontend built yet


def test_bad_query_values_are_422_not_500(client: httpx.Client) -> None:
    # Found by fuzzing the OpenAPI schema (schemathesis): these used to be server errors.
    for url in ("/api/runs?status=nonsense", "/api/runs?status=", f"/api/runs/{2**70}",
                f"/api/runs/{2**70}/cancel", "/api/runs?limit=0", "/api/runs?cursor=garbage"):  # fmt: skip
        method = "POST" if url.endswith("cancel") else "GET"
        r = client.request(method, url)
        assert r.status_code == 422, (url, r.status_code, r.text)
    assert client.get("/api/runs", params={"status": "succeeded"}).status_code == 200


def test_unknown_runs_are_404(client: httpx.Client) -> None:
    for method, url in [("GET", "/api/runs/99999"), ("DELETE", "/api/runs/99999"),
                        ("POST", "/api/runs/99999/cancel"), ("GET", "/api/runs/99999/metrics")]:  # fmt: skip
        assert client.request(method, url).status_code == 404


def test_patch_rerun_delete_and_list(server: Server, client: httpx.Client) -> None:
    run_id = client.post("/api/runs", json=small(epochs=2), params={"tags": ["demo"]}).json()["id"]
    wait_status(client, run_id, {"succeeded"})
    patched = client.patch(
        f"/api/runs/{run_id}", json={"name": "renamed", "tags": ["a", "b"], "notes": "hi"}
    ).json()
    assert (patched["name"], patched["tags"], patched["notes"]) == ("renamed", ["a", "b"], "hi")
    assert client.patch(f"/api/runs/{run_id}", json={"colour": 1}).status_code == 422
    again = client.post(f"/api/runs/{run_id}/rerun", json={"seed": 5}).json()
    assert again["spec"]["training"]["seed"] == 5
    assert wait_status(client, again["id"], {"succeeded"})["status"] == "succeeded"
    page = client.get("/api/runs", params={"name": "renamed"}).json()
    assert [r["id"] for r in page["items"]] == [run_id]
    assert [r["id"] for r in client.get("/api/runs", params={"tag": "b"}).json()["items"]] == [
        run_id
    ]
    client.post("/api/runs", json=small(epochs=1))  # at least three runs: two pages of two
    first = client.get("/api/runs", params={"limit": 2}).json()
    assert first["next_cursor"]
    second = client.get("/api/runs", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    assert client.delete(f"/api/runs/{run_id}").status_code == 204
    assert client.get(f"/api/runs/{run_id}").status_code == 404
    assert client.get(f"/api/runs/{run_id}/metrics").status_code == 404


def test_restart_fails_running_and_resumes_queued(tmp_path: Path) -> None:
    srv = Server(tmp_path / "restart", workers=1).start()
    try:
        check_restart_recovery(srv)
    finally:
        srv.stop()


def check_restart_recovery(srv: Server) -> None:
    """Kill the server while every worker trains a run and one more run waits; started
    again, it ends the interrupted runs with the reason, keeps their history, trains the
    waiting one, and the old workers have exited. Leaves `srv` running."""
    with srv.client() as c:
        running = [c.post("/api/runs", json=long_run()).json()["id"] for _ in range(srv.workers)]
        queued = c.post("/api/runs", json=small(epochs=2)).json()["id"]
        for run_id in running:
            wait_status(c, run_id, {"running"}, timeout=60)
        # Their first epochs are stored (the writer thread batches them) before the crash.
        for run_id in running:
            _until(lambda r=run_id: "val/loss" in c.get(f"/api/runs/{r}/metrics").json()["series"])
    old_workers = srv.worker_pids()
    srv.stop(signal.SIGKILL)  # a crash: nothing gets to clean up
    srv.start()
    with srv.client() as c:
        for run_id in running:
            interrupted = c.get(f"/api/runs/{run_id}").json()
            assert interrupted["status"] == "failed"
            assert interrupted["error"] == "interrupted by server restart"
            # The stored history of the interrupted run survived the crash.
            assert c.get(f"/api/runs/{run_id}/metrics").json()["series"]["val/loss"]
        assert wait_status(c, queued, {"succeeded", "failed"})["status"] == "succeeded"
    # Workers of the killed server see their pipe close and exit by themselves.
    assert _all_exit(old_workers, within=15), "orphaned worker processes"


def _until(done: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _all_exit(pids: list[int], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.2)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped: its parent was killed) counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_names_and_tags_the_store_cannot_keep_are_422_not_500(client: httpx.Client) -> None:
    # Found by running the store on PostgreSQL: these reached the store and came back as 500s.
    run_id = client.post("/api/runs", json=small(epochs=1)).json()["id"]
    for body, path in [({"name": "   "}, "name"), ({"name": "a\x00b"}, "name"),
                       ({"tags": ["ok", " "]}, "tags[1]"), ({"notes": "x\x00"}, "notes")]:  # fmt: skip
        r = client.patch(f"/api/runs/{run_id}", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"][0]["path"] == path
    assert client.post("/api/runs", json=small(epochs=1), params={"tags": [""]}).status_code == 422
    bad_name = client.post("/api/runs", json={**small(epochs=1), "name": "x\x00"})
    assert bad_name.status_code == 422
    assert bad_name.json()["detail"][0]["path"] == "name"
    blank = client.post("/api/runs", json={**small(epochs=1), "name": "   "})
    assert blank.status_code == 201
    assert blank.json()["name"] == "spiral run"  # blank: named after its data set
    renamed = client.patch(f"/api/runs/{run_id}", json={"name": "  kept  "}).json()
    assert renamed["name"] == "kept"


def test_a_spec_nested_too_deep_is_a_422_at_model(client: httpx.Client) -> None:
    layer: dict[str, Any] = {"type": "Linear", "out_features": 2}
    for _ in range(300):
        layer = {"type": "Residual", "layers": [layer]}
    r = client.post(
        "/api/validate", json={"data": {"dataset": "xor"}, "model": {"layers": [layer]}}
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["path"] == "model"
    deep = (
        '{"data": {"dataset": "xor"}, "model": {"layers": [' + "[" * 100_000 + "]" * 100_000 + "]}}"
    )
    r = client.post("/api/validate", content=deep, headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)  # refused as a body, never a 500


def test_a_late_viewer_of_a_long_run_gets_a_bounded_replay_then_the_live_tail(
    server: Server, client: httpx.Client
) -> None:
    # A step-loss report every step: a few thousand rows of history in a few seconds.
    spec = spec_dict(training={"epochs": 5000, "batch_size": 4, "log_every": 1})
    run_id = client.post("/api/runs", json=spec).json()["id"]
    wait_status(client, run_id, {"running"})
    run = f"/api/runs/{run_id}"
    deadline = time.monotonic() + 120
    while client.get(run).json()["epochs_done"] < 250:
        assert time.monotonic() < deadline, "the run trains too slowly"
        time.sleep(0.1)
    # Paused, the history is fixed while the viewer connects: its replay ends at held_seq.
    assert client.post(f"{run}/pause").status_code == 200
    held_seq = 0
    while (now := client.get(run).json())["last_seq"] != held_seq:
        held_seq = now["last_seq"]
        time.sleep(1.0)
    stored_steps = len(
        client.get(f"{run}/metrics", params={"split": "step"}).json()["series"]["step/loss"]
    )

    async def watch() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        async with websockets.connect(f"{server.ws_url}{run}/stream", max_size=None) as ws:
            while not out or out[-1]["seq"] < held_seq:
                out.extend(json.loads(await asyncio.wait_for(ws.recv(), 60)))
            assert client.post(f"{run}/resume").status_code == 200
            while max(epochs_of(out)) < now["epochs_done"] + 5:
                out.extend(json.loads(await asyncio.wait_for(ws.recv(), 60)))
            assert client.post(f"{run}/cancel").status_code == 200
            async for raw in ws:
                out.extend(json.loads(raw))
        return out

    msgs = asyncio.run(watch())
    STREAM.validate_python(msgs)
    seqs = sorted({m["seq"] for m in msgs})
    assert [m["seq"] for m in msgs] == sorted(m["seq"] for m in msgs)
    replayed_steps = [m["step"] for m in msgs if m["type"] == "step" and m["seq"] <= held_seq]
    assert stored_steps > 6_000
    # The history's 1,000-point curve, then the tail's rows (<= 2,000 rows in all).
    assert len(replayed_steps) <= 1_000 + 2_000
    steps = [m["step"] for m in msgs if m["type"] == "step"]
    assert steps == sorted(set(steps))
    assert epochs_of(msgs) == sorted(set(epochs_of(msgs)))
    # The newest stored batches and everything live come whole: no seq missing.
    assert set(range(held_seq - 10, seqs[-1] + 1)) <= set(seqs)
    assert msgs[-1]["type"] == "status"
    assert msgs[-1]["status"] == "cancelled"
