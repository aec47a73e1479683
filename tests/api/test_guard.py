"""What other web pages can do to a server on the default settings: nothing (api/guard.py).

Each case is one request as a browser on a foreign page would send it (DNS rebinding Host,
a cross-site Origin, a text/plain form post), through a real server; and the same requests
from the app's own pages or from a command-line client, which must keep working.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from tests.factories import spec_dict
from tests.server import Server, wait_status

EVIL = "http://evil.example"


def long_run() -> dict[str, Any]:
    return spec_dict(training={"epochs": 10_000, "batch_size": 4})  # cancelled by the test


@pytest.fixture(scope="module")
def running(server: Server) -> int:
    """A run that trains until a test cancels it."""
    with server.client() as client:
        run_id: int = client.post("/api/runs", json=long_run()).json()["id"]
        wait_status(client, run_id, {"running"})
    return run_id


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:{port}", 200),
        ("localhost:{port}", 200),
        ("LocalHost", 200),  # names are case-insensitive; the port may be left out
        ("[::1]:{port}", 200),
        ("evil.example", 400),  # DNS rebinding: a page's own name pointed at this machine
        ("evil.example:{port}", 400),
        ("localhost.evil.example:{port}", 400),
        ("127.0.0.2:{port}", 400),  # an address this request did not arrive at
    ],
)
def test_host_header_must_name_this_server(
    server: Server, client: httpx.Client, host: str, status: int
) -> None:
    r = client.get("/api/runs", headers={"host": host.format(port=server.port)})
    assert r.status_code == status, r.text
    if status == 400:
        assert "PLAYGROUND_ALLOWED_HOSTS" in r.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "origin", "status"),
    [
        ("POST", "/api/validate", EVIL, 403),
        ("POST", "/api/validate", "null", 403),  # sandboxed frames and file:// pages
        (
            "POST",
            "/api/validate",
            "http://localhost:{port}",
            403,
        ),  # another origin: the Host is 127.0.0.1
        ("POST", "/api/validate", "http://127.0.0.1:{port}", 200),  # the app's own pages
        ("POST", "/api/validate", "https://127.0.0.1:{port}", 200),  # TLS ended by a proxy
        ("POST", "/api/validate", "http://127.0.0.1", 403),  # another port is another origin
        ("POST", "/api/validate", None, 200),  # command-line clients send no Origin
        ("PATCH", "/api/runs/1", EVIL, 403),
        ("DELETE", "/api/runs/999999", EVIL, 403),
        ("GET", "/api/runs", EVIL, 200),  # reading: without CORS the page cannot see the answer
    ],
)
def test_state_changes_need_the_servers_own_origin(
    server: Server, client: httpx.Client, method: str, path: str, origin: str | None, status: int
) -> None:
    headers = {} if origin is None else {"origin": origin.format(port=server.port)}
    body = spec_dict() if path == "/api/validate" else {"notes": "x"} if method == "PATCH" else None
    r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == status, r.text
    if status == 403:
        assert "PLAYGROUND_ALLOWED_ORIGINS" in r.json()["detail"]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"seed": 3}'),  # what a cross-site <form enctype="text/plain"> sends
        ("text/plain", b""),
        ("application/x-www-form-urlencoded", b"seed=3"),
        ("multipart/form-data; boundary=x", b"--x--\r\n"),
        (None, b'{"seed": 3}'),  # a body must say what it is
    ],
)
@pytest.mark.parametrize("action", ["cancel", "rerun", "pause"])
def test_cross_site_simple_posts_change_nothing(
    server: Server,
    client: httpx.Client,
    running: int,
    action: str,
    content_type: str | None,
    body: bytes,
) -> None:
    # No Origin either: what an old browser, or one that hides it, would send.
    before = client.get("/api/runs").json()["items"]
    headers = {} if content_type is None else {"content-type": content_type}
    r = client.post(f"/api/runs/{running}/{action}", content=body, headers=headers)
    assert r.status_code == 415, r.text
    assert "application/json" in r.json()["detail"]
    after = client.get("/api/runs").json()["items"]
    assert [(x["id"], x["status"]) for x in after] == [(x["id"], x["status"]) for x in before]
    assert client.get(f"/api/runs/{running}").json()["status"] == "running"


def test_json_and_bodiless_posts_still_work(
    server: Server, client: httpx.Client, running: int
) -> None:
    # The browser app: JSON bodies with its own Origin; bodiless POSTs with it too.
    own = {"origin": server.url}
    again = client.post(f"/api/runs/{running}/rerun", json={"seed": 3}, headers=own)
    assert again.status_code == 201, again.text
    assert client.post(f"/api/runs/{again.json()['id']}/cancel", headers=own).status_code == 200
    # A command-line client: curl -X POST, no Origin, no Content-Type, no body.
    assert client.post(f"/api/runs/{running}/cancel").status_code == 200
    assert wait_status(client, running, {"cancelled"})["status"] == "cancelled"


def ws_status(url: str, headers: dict[str, str], server: Server) -> int | list[Any]:
    """The handshake's refusal status, or the first frame when it was accepted. `url` may
    name any host: the connection goes to the server (as after DNS rebinding)."""

    async def go() -> int | list[Any]:
        try:
            async with websockets.connect(
                url, additional_headers=headers, host="127.0.0.1", port=server.port
            ) as ws:
                frame: list[Any] = json.loads(await asyncio.wait_for(ws.recv(), 30))
                return frame
        except InvalidStatus as e:
            return int(e.response.status_code)

    return asyncio.run(go())


@pytest.mark.parametrize("path", ["/api/runs/{run}/stream", "/api/events"])
@pytest.mark.parametrize(
    ("host", "origin", "refused"),
    [
        ("127.0.0.1", EVIL, 403),
        ("127.0.0.1", "null", 403),
        ("evil.example", "http://evil.example:{port}", 400),  # DNS rebinding
    ],
)
def test_websockets_from_foreign_pages_are_refused(
    server: Server, client: httpx.Client, path: str, host: str, origin: str, refused: int
) -> None:
    run = client.post("/api/runs", json=spec_dict(training={"epochs": 1})).json()["id"]
    url = f"ws://{host}:{server.port}{path.format(run=run)}"
    assert ws_status(url, {"origin": origin.format(port=server.port)}, server) == refused


def test_websockets_from_the_apps_own_pages_are_served(
    server: Server, client: httpx.Client
) -> None:
    run = client.post("/api/runs", json=spec_dict(training={"epochs": 1})).json()["id"]
    wait_status(client, run, {"succeeded"})
    url = f"{server.ws_url}/api/runs/{run}/stream"
    for headers in ({"origin": server.url}, {}):  # the browser app; a script
        frame = ws_status(url, headers, server)
        assert isinstance(frame, list)
        assert frame[0]["run_id"] == run


def test_no_cors_headers_by_default(server: Server, client: httpx.Client) -> None:
    r = client.options(
        "/api/runs",
        headers={"origin": EVIL, "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type"},
    )  # fmt: skip
    assert "access-control-allow-origin" not in r.headers
    assert (
        "access-control-allow-origin"
        not in client.get("/api/runs", headers={"origin": EVIL}).headers
    )
