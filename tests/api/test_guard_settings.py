"""A server set up for a class: its own host name, a CORS origin, short client timeouts."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest
import websockets

from tests.factories import spec_dict
from tests.server import Server

TEACHER = "http://teacher.example:5173"  # a page on another site the server trusts
SERVER_ENV = {
    "PLAYGROUND_ALLOWED_HOSTS": "class.example, Lab-7.local",
    "PLAYGROUND_CORS_ORIGINS": TEACHER,
    "PLAYGROUND_HEADER_TIMEOUT": "1",
    "PLAYGROUND_BODY_TIMEOUT": "1",
}


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("class.example:{port}", 200),
        ("lab-7.local", 200),
        ("127.0.0.1:{port}", 200),  # the address the request arrived at: the health check
        ("localhost:{port}", 400),  # listing names replaces the default loopback names
        ("evil.example", 400),
    ],
)
def test_listed_host_names_are_answered(
    server: Server, client: httpx.Client, host: str, status: int
) -> None:
    r = client.get("/api/health", headers={"host": host.format(port=server.port)})
    assert r.status_code == status, r.text


def test_a_listed_cors_origin_may_call_the_api(server: Server, client: httpx.Client) -> None:
    preflight = client.options(
        "/api/validate",
        headers={"origin": TEACHER, "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == TEACHER
    r = client.post("/api/validate", json=spec_dict(), headers={"origin": TEACHER})
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == TEACHER
    other = client.post(
        "/api/validate", json=spec_dict(), headers={"origin": "http://evil.example"}
    )
    assert other.status_code == 403


def seconds_until_closed(server: Server, data: bytes) -> tuple[float, bytes]:
    """Send `data` and nothing more; how long until the server closes, and what it said."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
    return time.monotonic() - start, received


@pytest.mark.parametrize(
    "partial",
    [
        b"",  # connects and says nothing
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",  # headers a byte at a time
    ],
)
def test_headers_that_never_finish_are_timed_out(server: Server, partial: bytes) -> None:
    seconds, answer = seconds_until_closed(server, partial)
    assert 0.8 < seconds < 5, seconds  # PLAYGROUND_HEADER_TIMEOUT = 1
    assert answer == b""


def test_a_body_that_never_finishes_gets_408(server: Server) -> None:
    head = (
        b"POST /api/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"data": '
    )
    seconds, answer = seconds_until_closed(server, head)
    assert 0.8 < seconds < 5, seconds  # PLAYGROUND_BODY_TIMEOUT = 1
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"took longer than 1 s" in answer


def test_a_kept_alive_connection_that_idles_is_closed(server: Server) -> None:
    request = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    seconds, answer = seconds_until_closed(server, request)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert seconds < 8  # uvicorn's keep-alive timeout (5 s), or the header timeout


def test_prompt_clients_are_unaffected(server: Server, client: httpx.Client) -> None:
    for _ in range(3):  # one kept-alive connection, several requests
        assert client.post("/api/validate", json=spec_dict()).status_code == 200


def test_websockets_outlive_the_header_timeout(server: Server) -> None:
    async def idle_then_ping() -> float:
        async with websockets.connect(f"{server.ws_url}/api/events") as ws:
            await asyncio.sleep(2.5)  # PLAYGROUND_HEADER_TIMEOUT = 1
            latency: float = await asyncio.wait_for(await ws.ping(), 5)
            return latency

    assert asyncio.run(idle_then_ping()) < 5
