"""Upload size limit, quota and body timeout through a real server with small limits."""

from __future__ import annotations

import contextlib
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.server import Server
from tests.upload_files import csv_bytes

LIMIT = 200_000
SERVER_ENV = {
    "PLAYGROUND_MAX_UPLOAD_BYTES": str(LIMIT),
    "PLAYGROUND_UPLOAD_QUOTA_BYTES": "300000",
    "PLAYGROUND_UPLOAD_TIMEOUT": "2",
}


def big_csv(size: int) -> bytes:
    rows = csv_bytes(size // 20)
    return rows[:size] if len(rows) > size else rows


def test_oversize_upload_gets_413_before_the_body_is_read(
    server: Server, client: httpx.Client
) -> None:
    body = csv_bytes(200_000)  # ~4 MB
    assert len(body) > 10 * LIMIT
    r = client.post("/api/uploads", files=[("file", ("big.csv", body, "text/csv"))])
    assert r.status_code == 413
    assert str(LIMIT) in r.json()["detail"]
    assert not list((server.data_dir / "uploads").glob("*"))


def test_chunked_oversize_upload_is_cut_off_at_the_limit(server: Server) -> None:
    """No Content-Length: the body is counted as it arrives and refused past the limit."""
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    sent = 0

    def chunks():  # type: ignore[no-untyped-def]
        nonlocal sent
        yield head
        for _ in range(200):  # up to 10 MB, far past the limit
            sent += 50_000
            yield b"1,2,3\n" * 8333 + b"12\n"
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with httpx.Client(base_url=server.url, timeout=30) as c:
        try:
            r = c.post("/api/uploads", content=chunks(), headers=headers)
            assert r.status_code == 413
        except httpx.HTTPError:
            pass  # the server may close the connection while the client still sends
    assert sent < 10_000_000
    assert not list((server.data_dir / "uploads").glob("*"))


def test_quota_counts_every_upload(client: httpx.Client) -> None:
    first = client.post("/api/uploads", files=[("file", ("a.csv", big_csv(150_000), "text/csv"))])
    assert first.status_code == 201, first.text
    second = client.post("/api/uploads", files=[("file", ("b.csv", big_csv(170_000), "text/csv"))])
    assert second.status_code == 413
    assert "300000 bytes in all" in second.json()["detail"]
    assert client.delete(f"/api/uploads/{first.json()['id']}").status_code == 204
    again = client.post("/api/uploads", files=[("file", ("b.csv", big_csv(170_000), "text/csv"))])
    assert again.status_code == 201, again.text


def test_slow_upload_hits_the_body_timeout(server: Server) -> None:
    """A client that trickles its body is answered 408 after PLAYGROUND_UPLOAD_TIMEOUT."""
    host, port = "127.0.0.1", server.port
    with socket.create_connection((host, port), timeout=15) as s:
        s.sendall(
            f"POST /api/uploads HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n"
            "--x\r\n".encode()
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer:
            with contextlib.suppress(OSError):
                s.sendall(b"a")  # one byte a second: far too slow
            s.settimeout(1)
            try:
                data = s.recv(4096)
            except TimeoutError:
                continue
            if not data:
                break
            answer += data
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert 1.5 < elapsed < 8


def test_two_uploads_at_once_cannot_both_take_the_last_bytes(
    server: Server, client: httpx.Client
) -> None:
    for up in client.get("/api/uploads").json():
        client.delete(f"/api/uploads/{up['id']}")
    body = big_csv(170_000)  # two of them exceed the 300000-byte quota

    def send(i: int) -> int:
        with server.client() as c:
            files = [("file", (f"race{i}.csv", body, "text/csv"))]
            return c.post("/api/uploads", files=files).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(send, range(2)))
    assert codes == [201, 413]
    assert len(client.get("/api/uploads").json()) == 1
