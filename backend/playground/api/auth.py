"""Who is asking: the `CurrentUser` dependency (a bearer token or the session cookie) and
the same check for websocket handshakes. With accounts off, everyone is the local admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from playground.config import Settings
from playground.services.access import LOCAL_ADMIN
from playground.services.accounts import Accounts
from playground.store.users import UserRecord

COOKIE = "playground_session"
LOG_IN = "log in first (POST /api/auth/login) or send 'Authorization: Bearer <token>'"


def identify(conn: HTTPConnection, *, query_token: bool = False) -> UserRecord | None:
    """The user a request or handshake carries (None: nobody, or a bad credential).

    An Authorization header wins over the cookie, and a bad one is not retried with the
    cookie; `?token=` is accepted only where a client cannot set headers (websockets).
    """
    settings: Settings = conn.app.state.settings
    if not settings.auth_on:
        return LOCAL_ADMIN
    accounts: Accounts = conn.app.state.accounts
    header = conn.headers.get("authorization")
    if header is not None:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        return accounts.token_user(secret.strip())
    if query_token and (in_query := conn.query_params.get("token")):
        return accounts.token_user(in_query)
    cookie = conn.cookies.get(COOKIE)
    return accounts.session_user(cookie) if cookie else None


async def identify_async(conn: HTTPConnection, *, query_token: bool = False) -> UserRecord | None:
    """`identify` from the event loop: in the thread pool when it must read the database."""
    settings: Settings = conn.app.state.settings
    if not settings.auth_on:
        return LOCAL_ADMIN
    return await run_in_threadpool(lambda: identify(conn, query_token=query_token))


async def current_user(conn: HTTPConnection) -> UserRecord:
    """The user, or 401. The token and session lookups read the database, so they run in
    the thread pool; with accounts off there is nothing to look up, and no thread hop."""
    user = await identify_async(conn)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=LOG_IN, headers={"WWW-Authenticate": "Bearer"}
        )
    return user


CurrentUser = Annotated[UserRecord, Depends(current_user)]
