"""A uvicorn HTTP protocol that closes connections whose request headers do not arrive in time.

uvicorn times out idle keep-alive connections (timeout_keep_alive), but a connection that
sends its headers a byte at a time (slowloris), or nothing at all after connecting, is held
open for as long as the client likes: a few hundred such connections exhaust the server's
file descriptors. Bodies are timed in the app (api/body_limit.py); headers arrive before
the app sees anything, so they are timed here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol


def with_header_timeout(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's default HTTP protocol, closing a connection that has not sent a request's
    headers `seconds` after it opened or after its previous response ended."""

    class HeaderTimeout(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def handle_websocket_upgrade(self, *args: Any) -> None:
            self._disarm()  # the websocket protocol owns the connection from here on
            super().handle_websocket_upgrade(*args)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(seconds, self._headers_late)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_late(self) -> None:
            # A request whose headers arrived is being answered: the body and the app have
            # their own limits. Otherwise no (new) request came in time.
            self._header_timer = None
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeout
