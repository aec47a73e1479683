"""Reject request bodies larger than Settings.max_body_bytes (413), or slower than
Settings.body_timeout (408), before the app parses them."""

from __future__ import annotations

import asyncio
import json
from typing import NamedTuple

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


class RouteLimits(NamedTuple):
    """A route's own body limits."""

    max_bytes: int
    timeout_s: float
    too_large: str = ""  # the 413's message; default "request body larger than N bytes"


class BodyLimit:
    """Pure ASGI middleware: checks Content-Length, counts chunked bodies as they arrive, and
    gives the whole body `timeout_s` seconds to arrive (a client that trickles it, slowloris,
    would otherwise hold a connection and a task for as long as it likes).

    Past a limit it answers itself and closes the connection; the app reading the body sees
    the client leave, and whatever it then tries to send is dropped.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        timeout_s: float = 30.0,
        routes: dict[str, RouteLimits] | None = None,
    ) -> None:
        """`routes`: path prefix -> the limits of routes that take larger or slower bodies
        than the rest (uploads)."""
        self.app, self.max_bytes, self.timeout_s = app, max_bytes, timeout_s
        self.routes = routes or {}

    def _limits(self, path: str) -> RouteLimits:
        for prefix, limits in self.routes.items():
            if path == prefix or path.startswith(prefix + "/"):
                return limits
        return RouteLimits(self.max_bytes, self.timeout_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes, timeout_s, too_large = self._limits(scope["path"])
        too_large = too_large or f"request body larger than {max_bytes} bytes"
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            await _answer(send, 413, too_large)
            return
        deadline = asyncio.get_running_loop().time() + timeout_s
        seen, body_done, answered, started = 0, False, False, False

        async def limited() -> Message:
            nonlocal seen, body_done, answered
            if answered:
                return DISCONNECT
            if body_done:  # later reads only wait for the client to leave: no limits
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                return await reject(408, f"the request body took longer than {timeout_s:g} s")
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                return await reject(413, too_large)
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def reject(status: int, reason: str) -> Message:
            nonlocal answered
            answered = True
            if not started:
                await _answer(send, status, reason)
            return DISCONNECT

        async def tracked(message: Message) -> None:
            nonlocal started
            if answered:  # the app's answer to a body it never got in full
                return
            started = True
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except Exception:
            if not answered:
                raise  # the app's own failure: the server's error handling reports it


async def _answer(send: Send, status: int, reason: str) -> None:
    """A JSON error that also closes the connection: the rest of the body is never read."""
    body = json.dumps({"detail": reason}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"connection", b"close"),
        (b"content-length", str(len(body)).encode()),
    ]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
