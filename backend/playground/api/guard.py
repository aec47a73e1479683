"""Host, Origin and Content-Type checks on every request: what keeps other web pages out.

A page on another site can make the browser send requests here; three checks stop it:

- **Host** (DNS rebinding): a page at evil.example whose name is made to point at this
  machine sends `Host: evil.example`. Only listed names pass (Settings.allowed_hosts, the name
  the server is bound to, and the IP address the request arrived at); others get 400.
- **Origin** (cross-site requests): browsers name the page's origin on every POST, PUT,
  PATCH and DELETE and on every websocket handshake. It must be the server's own (the same
  host and port as the Host header) or listed (Settings.allowed_origins, cors_origins);
  otherwise 403, and a websocket handshake is refused before it is accepted.
- **Content-Type**: a request that changes state and carries a body (or names a type) must
  send `application/json`. A cross-site form or `fetch(..., {mode: "no-cors"})` can only
  send text/plain, urlencoded or multipart bodies, so even a browser that left out Origin
  could not reach a route with one (415). Bodiless requests (/cancel, /pause, ...) need no
  Content-Type: browsers always send Origin with them, and command-line clients (curl -X
  POST) send neither, so they keep working.

Pure ASGI middleware (like body_limit.py): it answers before the app sees the request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from ipaddress import ip_address
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = "application/json"
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class Guard:
    """Refuses foreign Host headers (400), foreign Origins (403) and non-JSON bodies (415)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str],
        allowed_origins: Iterable[str] = (),
        body_types: dict[str, frozenset[str]] | None = None,
    ) -> None:
        """`body_types`: path prefix -> media types a route there accepts besides JSON (a
        multipart upload, say); those routes are still behind the Origin check."""
        self.app = app
        hosts = {h.lower() for h in allowed_hosts}
        self.any_host = "*" in hosts
        self.hosts = {_bare(h) for h in hosts - {"*"}}
        origins = {o.lower().rstrip("/") for o in allowed_origins}
        self.any_origin = "*" in origins
        self.origins = {_origin_key(o) for o in origins - {"*"}} - {None}
        self.body_types = body_types or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if not self._host_allowed(host, scope):
            reason = (
                f"this server does not answer to the host name '{host}'; "
                "add it to PLAYGROUND_ALLOWED_HOSTS to reach the server under that name"
            )
            await _refuse(scope, send, 400, reason)
            return
        websocket = scope["type"] == "websocket"
        if websocket or scope["method"] in UNSAFE:
            origin = headers.get("origin")
            if origin is not None and not self._origin_allowed(origin, host):
                reason = (
                    f"requests from pages at '{origin}' may not change anything here; "
                    "add that origin to PLAYGROUND_ALLOWED_ORIGINS to allow it"
                )
                await _refuse(scope, send, 403, reason)
                return
        if not websocket and scope["method"] in UNSAFE and not self._body_allowed(scope, headers):
            reason = f"send the request body as JSON (Content-Type: {JSON})"
            await _refuse(scope, send, 415, reason)
            return
        await self.app(scope, receive, send)

    def _host_allowed(self, host: str, scope: Scope) -> bool:
        if self.any_host:
            return True
        name = _bare(host)
        if name in self.hosts:
            return True
        # The IP address this connection arrived at is ours: a page that uses it as its
        # host is served by this server (a rebinding page always uses a name).
        server = scope.get("server")
        if server is None or not _is_ip(name):
            return False
        return name == _bare_ip(str(server[0]))

    def _origin_allowed(self, origin: str, host: str) -> bool:
        if self.any_origin:
            return True
        key = _origin_key(origin)
        if key is None:  # "null" (sandboxed frames, file://) or not an origin at all
            return False
        if key in self.origins:
            return True
        # The server's own origin: the Host header's host and port. The scheme is not
        # compared: behind a proxy that ends TLS the app sees http while the page is https,
        # and one host and port cannot serve two schemes.
        scheme = origin.split(":", 1)[0].lower()
        own = _origin_key(f"{scheme}://{host}")
        return own is not None and key[1:] == own[1:]

    def _body_allowed(self, scope: Scope, headers: Headers) -> bool:
        content_type = headers.get("content-type")
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        if content_type is None and not has_body:
            return True
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if media == JSON:
            return True
        path: str = scope["path"]
        return any(
            path.startswith(prefix) and media in types for prefix, types in self.body_types.items()
        )


def _bare(host: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '[::1]'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _bare_ip(address: str) -> str:
    """An address as it appears in a Host header ('::1' -> '[::1]')."""
    return f"[{address.lower()}]" if ":" in address else address.lower()


def _is_ip(name: str) -> bool:
    try:
        ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1024)  # a server sees a handful of origins; parsing one costs ~10 us
def _origin_key(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the scheme's default port filled in; None if not an origin."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return parts.scheme, host, port or DEFAULT_PORTS[parts.scheme]


async def _refuse(scope: Scope, send: Send, status: int, reason: str) -> None:
    """A JSON error ({"detail": reason}); a websocket handshake is refused before accept."""
    body = json.dumps({"detail": reason}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    elif "websocket.http.response" in scope.get("extensions", {}):
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:  # servers without the denial-response extension answer 403
        await send({"type": "websocket.close", "code": 1008, "reason": reason[:120]})
