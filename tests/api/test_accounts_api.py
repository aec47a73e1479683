"""Accounts through a real server with PLAYGROUND_AUTH=on: each role against each endpoint,
tokens and their revocation, the login cookie and its rate limit, shared runs, websocket
rights, the per-user queue limit, and `serve` refusing to listen widely with accounts off."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.factories import spec_dict
from tests.server import Server, free_port

SERVER_ENV = {"PLAYGROUND_AUTH": "on", "PLAYGROUND_MAX_QUEUED_PER_USER": "3"}
ENDED = {"succeeded", "failed", "cancelled", "diverged"}
PASSWORD = "correct horse battery"


def cli(server: Server, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`playground ARGS --data-dir <the server's>`: the same database the server uses."""
    return subprocess.run(
        [sys.executable, "-m", "playground.cli", *args, "--data-dir", str(server.data_dir)],
        input=stdin, capture_output=True, text=True, timeout=120, env=os.environ.copy(),
        check=False,
    )  # fmt: skip


def new_token(server: Server, name: str) -> str:
    done = cli(server, "users", "token", name, "--name", "tests")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]  # alone on the last line


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    """teacher (admin), ann and bob (members): a token each."""
    for name, admin in (("teacher", True), ("ann", False), ("bob", False)):
        done = cli(server, "users", "add", name, *(["--admin"] if admin else []), stdin=PASSWORD)
        assert done.returncode == 0, done.stderr
    return {name: new_token(server, name) for name in ("teacher", "ann", "bob")}


def as_(server: Server, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, timeout=60, headers=headers)


def tiny(**training: Any) -> dict[str, Any]:
    return spec_dict(
        data={"dataset": "spiral", "n_samples": 100, "noise": 0.05, "seed": 0},
        training={"epochs": 2, "batch_size": 20, **training},
    )


def finished(client: httpx.Client, run_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
        if run["status"] in ENDED:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} did not end")


@pytest.fixture(scope="module")
def ann_run(server: Server, tokens: dict[str, str]) -> int:
    """A finished run of ann's (not shared)."""
    with as_(server, tokens["ann"]) as ann:
        created = ann.post("/api/runs", json=tiny())
        assert created.status_code == 201, created.text
        run_id = int(created.json()["id"])
        finished(ann, run_id)
        return run_id


# Who asks -> the expected status, per endpoint. "owner" is ann, whose run it is.
ROLES = ("teacher", "ann", "bob", None)
R = "{run}"
TABLE: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int, int]]] = [
    ("GET", f"/api/runs/{R}", None, (200, 200, 404, 401)),
    ("GET", f"/api/runs/{R}/metrics", None, (200, 200, 404, 401)),
    ("GET", f"/api/runs/{R}/snapshots", None, (200, 200, 404, 401)),
    ("GET", f"/api/runs/{R}/export?format=spec", None, (200, 200, 404, 401)),
    ("PATCH", f"/api/runs/{R}", {"notes": "mine"}, (200, 200, 404, 401)),
    ("POST", f"/api/runs/{R}/cancel", None, (200, 200, 404, 401)),
    ("POST", f"/api/runs/{R}/pause", None, (409, 409, 404, 401)),  # it has ended
    ("POST", f"/api/runs/{R}/inspect", {"view": "weights"}, (200, 200, 404, 401)),
    ("POST", f"/api/runs/{R}/ablate", {"run": False}, (200, 200, 404, 401)),
    ("POST", "/api/ensembles", {"runs": [R, R]}, (422, 422, 422, 401)),  # listed twice
    ("GET", "/api/runs", None, (200, 200, 200, 401)),
    ("GET", "/api/sweeps", None, (200, 200, 200, 401)),
    ("GET", "/api/catalog", None, (200, 200, 200, 401)),
    ("GET", "/api/system", None, (200, 200, 200, 401)),
    ("POST", "/api/datasets/preview", {"data": {"dataset": "spiral"}}, (200, 200, 200, 401)),
    ("POST", "/api/validate", "spec", (200, 200, 200, 401)),
    ("GET", "/api/health", None, (200, 200, 200, 200)),
    ("GET", "/api/auth/me", None, (200, 200, 200, 401)),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), TABLE, ids=lambda x: str(x))
def test_each_role_against_each_endpoint(
    server: Server, tokens: dict[str, str], ann_run: int,
    method: str, path: str, body: Any, expected: tuple[int, ...],
) -> None:  # fmt: skip
    url = path.replace(R, str(ann_run))
    payload = (
        tiny() if body == "spec" else json.loads(json.dumps(body).replace(f'"{R}"', str(ann_run)))
    )
    for role, want in zip(ROLES, expected, strict=True):
        with as_(server, tokens[role] if role else None) as client:
            got = client.request(method, url, json=payload)
        assert got.status_code == want, (role, got.status_code, got.text[:300])
    if expected[2] == 404:  # what bob may not see reads as if it did not exist
        with as_(server, tokens["bob"]) as bob:
            assert "not" in bob.request(method, url, json=payload).json()["detail"]


def test_every_api_route_but_health_and_auth_needs_a_user(server: Server) -> None:
    """Read from the OpenAPI document, so a route added later is checked too."""
    with httpx.Client(base_url=server.url, timeout=60) as anonymous:
        paths = anonymous.get("/openapi.json").json()["paths"]
        checked = 0
        for path, operations in paths.items():
            if path == "/api/health" or path.startswith("/api/auth/"):
                continue
            url = re.sub(r"\{[^}]+\}", "1", path)
            for method in operations:
                got = anonymous.request(method.upper(), url, json={})
                assert got.status_code == 401, (method, path, got.status_code)
                checked += 1
        assert checked > 20


def test_listings_hold_only_what_each_user_may_see(
    server: Server, tokens: dict[str, str], ann_run: int
) -> None:
    def ids(role: str) -> set[int]:
        with as_(server, tokens[role]) as c:
            return {r["id"] for r in c.get("/api/runs", params={"limit": 500}).json()["items"]}

    assert ann_run in ids("ann")
    assert ann_run in ids("teacher")
    assert ann_run not in ids("bob")
    with as_(server, tokens["ann"]) as ann:
        assert ann.get(f"/api/runs/{ann_run}").json()["owner_id"] is not None


def test_a_member_cannot_touch_anothers_sweep(server: Server, tokens: dict[str, str]) -> None:
    body = {"base": tiny(), "grid": {"training.optimizer.lr": [0.05, 0.01]}}
    with as_(server, tokens["ann"]) as ann, as_(server, tokens["bob"]) as bob:
        created = ann.post("/api/sweeps", json=body)
        assert created.status_code == 201, created.text
        sweep_id = created.json()["id"]
        for method, path in (("GET", ""), ("POST", "/cancel"), ("DELETE", "")):
            got = bob.request(method, f"/api/sweeps/{sweep_id}{path}")
            assert got.status_code == 404, (method, path, got.text)
        assert sweep_id not in {s["id"] for s in bob.get("/api/sweeps").json()}
        assert sweep_id in {s["id"] for s in ann.get("/api/sweeps").json()}
        with as_(server, tokens["teacher"]) as teacher:
            assert teacher.get(f"/api/sweeps/{sweep_id}").status_code == 200
        url = f"{server.ws_url}/api/sweeps/{sweep_id}/stream"
        for token, code in ((None, 4401), (tokens["bob"], 4404)):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            closed, _ = asyncio.run(asyncio.wait_for(_close_code(url, headers), 60))
            assert closed == code
        assert ann.delete(f"/api/sweeps/{sweep_id}").status_code == 204


def test_a_shared_run_is_read_only_to_others(server: Server, tokens: dict[str, str]) -> None:
    with as_(server, tokens["ann"]) as ann, as_(server, tokens["bob"]) as bob:
        run_id = ann.post("/api/runs", json=tiny()).json()["id"]
        finished(ann, run_id)
        assert bob.get(f"/api/runs/{run_id}").status_code == 404
        shared = ann.patch(f"/api/runs/{run_id}", json={"shared": True})
        assert shared.status_code == 200
        assert shared.json()["shared"] is True

        assert bob.get(f"/api/runs/{run_id}").status_code == 200
        assert bob.get(f"/api/runs/{run_id}/export?format=spec").status_code == 200
        assert bob.patch(f"/api/runs/{run_id}", json={"name": "mine now"}).status_code == 404
        assert bob.patch(f"/api/runs/{run_id}", json={"shared": False}).status_code == 404
        assert bob.post(f"/api/runs/{run_id}/cancel").status_code == 404
        assert bob.delete(f"/api/runs/{run_id}").status_code == 404
        # A rerun is bob's own new run; ann's is untouched.
        again = bob.post(f"/api/runs/{run_id}/rerun")
        assert again.status_code == 201, again.text
        mine = again.json()["id"]
        assert bob.patch(f"/api/runs/{mine}", json={"name": "bob's copy"}).status_code == 200
        assert ann.get(f"/api/runs/{mine}").status_code == 404
        assert ann.get(f"/api/runs/{run_id}").json()["name"] != "mine now"
        finished(bob, mine)
        # And as a transfer source: bob may start from ann's shared weights.
        spec = tiny()
        spec["model"]["layers"][0]["from_run"] = {"run": run_id, "layer": "model.layers[0]"}
        visible = bob.post("/api/validate", json=spec)
        assert visible.status_code == 200, visible.text
        ann.patch(f"/api/runs/{run_id}", json={"shared": False})
        hidden = bob.post("/api/validate", json=spec)
        assert hidden.status_code == 422
        assert hidden.json()["detail"][0]["msg"] == f"no run {run_id}"


def test_a_revoked_token_stops_working(server: Server, tokens: dict[str, str]) -> None:
    token = new_token(server, "bob")
    with as_(server, token) as bob:
        assert bob.get("/api/auth/me").json() == {"name": "bob", "role": "member", "auth": "on"}
    listed = cli(server, "users", "list")
    token_id = listed.stdout.strip().splitlines()
    ids = [line.split()[1] for line in token_id if line.strip().startswith("│") and "bob" in line]
    newest = max(int(i) for i in ids if i.isdigit())
    done = cli(server, "users", "revoke", str(newest))
    assert done.returncode == 0, done.stderr
    with as_(server, token) as bob:
        assert bob.get("/api/auth/me").status_code == 401
        assert bob.get("/api/runs").status_code == 401
    with as_(server, "pgt_not-a-token") as nobody:
        assert nobody.get("/api/runs").status_code == 401
    with as_(server, tokens["bob"]) as bob:  # bob's other token still works
        assert bob.get("/api/runs").status_code == 200


def test_login_sets_a_strict_http_only_cookie_and_logout_ends_it(
    server: Server, tokens: dict[str, str]
) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert browser.get("/api/auth/me").status_code == 401
        got = browser.post("/api/auth/login", json={"name": "ann", "password": PASSWORD})
        assert got.status_code == 200, got.text
        assert got.json() == {"user": {"name": "ann", "role": "member", "auth": "on"}}
        cookie = got.headers["set-cookie"]
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert cookie.startswith("playground_session=")
        assert {"httponly", "path", "samesite"} <= flags
        assert "samesite=strict" in cookie.lower()
        assert "secure" not in flags  # plain http; over https the cookie is Secure
        assert browser.get("/api/auth/me").json()["name"] == "ann"
        assert browser.get("/api/runs").status_code == 200
        secret = browser.cookies["playground_session"]
        assert browser.post("/api/auth/logout").status_code == 204
    with httpx.Client(base_url=server.url, timeout=60) as stale:
        stale.cookies.set("playground_session", secret)
        assert stale.get("/api/runs").status_code == 401


def test_failed_logins_are_rate_limited_per_name(server: Server, tokens: dict[str, str]) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as guesser:
        for i in range(5):
            wrong = guesser.post("/api/auth/login", json={"name": "teacher", "password": f"x{i}"})
            assert wrong.status_code == 401
            assert wrong.json()["detail"] == "wrong user name or password"
        limited = guesser.post("/api/auth/login", json={"name": "teacher", "password": PASSWORD})
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        unknown = guesser.post("/api/auth/login", json={"name": "nobody", "password": "x"})
        assert unknown.status_code == 401  # the same answer as a wrong password
        # Another name is not held back by the first one's failures.
        ok = guesser.post("/api/auth/login", json={"name": "bob", "password": PASSWORD})
        assert ok.status_code == 200


async def _close_code(url: str, headers: dict[str, str]) -> tuple[int | None, list[Any]]:
    got: list[Any] = []
    async with websockets.connect(url, additional_headers=headers) as ws:
        try:
            async for raw in ws:
                got.extend(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
    return ws.close_code, got


def test_websocket_streams_check_the_same_rights(
    server: Server, tokens: dict[str, str], ann_run: int
) -> None:
    url = f"{server.ws_url}/api/runs/{ann_run}/stream"

    def code(headers: dict[str, str], at: str = url) -> tuple[int | None, list[Any]]:
        return asyncio.run(asyncio.wait_for(_close_code(at, headers), 60))

    assert code({})[0] == 4401
    assert code({"Authorization": f"Bearer {tokens['bob']}"})[0] == 4404
    closed, messages = code({"Authorization": f"Bearer {tokens['ann']}"})
    assert closed == 1000
    assert any(m["type"] == "result" for m in messages)
    closed, messages = code({}, f"{url}?token={tokens['teacher']}")
    assert closed == 1000
    assert messages


def test_the_events_stream_carries_only_the_users_runs(
    server: Server, tokens: dict[str, str]
) -> None:
    async def watch() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        headers = {"Authorization": f"Bearer {tokens['bob']}"}
        async with websockets.connect(
            f"{server.ws_url}/api/events", additional_headers=headers
        ) as ws:
            await asyncio.sleep(0.5)  # subscribed before the runs are made
            await asyncio.to_thread(make_runs)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(
                m["run_id"] == made["bob"] and m.get("status") in ENDED for m in seen
            ):
                try:
                    seen.extend(json.loads(await asyncio.wait_for(ws.recv(), 5)))
                except TimeoutError:
                    continue
        return seen

    made: dict[str, int] = {}

    def make_runs() -> None:
        for name in ("ann", "bob"):
            with as_(server, tokens[name]) as c:
                made[name] = c.post("/api/runs", json=tiny()).json()["id"]

    seen = asyncio.run(watch())
    ids = {m["run_id"] for m in seen}
    assert made["bob"] in ids
    assert made["ann"] not in ids


def test_a_member_over_the_queue_limit_gets_429(server: Server, tokens: dict[str, str]) -> None:
    body = {"base": tiny(), "grid": {"training.optimizer.lr": [0.1, 0.05, 0.02, 0.01]}}
    with as_(server, tokens["bob"]) as bob:
        refused = bob.post("/api/sweeps", json=body)  # four trials; three may wait
        assert refused.status_code == 429, refused.text
        assert "max_queued_per_user" in refused.json()["detail"]
    with as_(server, tokens["teacher"]) as teacher:  # admins are not limited
        sweep = teacher.post("/api/sweeps", json=body)
        assert sweep.status_code == 201
        assert teacher.post(f"/api/sweeps/{sweep.json()['id']}/cancel").status_code == 200


def test_serve_refuses_to_listen_widely_with_accounts_off(tmp_path: Path) -> None:
    env = {**os.environ, "PLAYGROUND_AUTH": "off"}
    cmd = [sys.executable, "-m", "playground.cli", "serve", "--host", "0.0.0.0",
           "--port", str(free_port()), "--data-dir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "PLAYGROUND_AUTH=on" in message
    assert "PLAYGROUND_AUTH=off-i-know" in message
