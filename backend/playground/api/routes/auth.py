"""/api/auth: log in (a session cookie), log out, and who am I. Open without a login."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status

from playground.api.auth import COOKIE, LOG_IN, identify
from playground.api.deps import AccountsDep
from playground.api.schemas import LoginIn, LoginOut, MessageBody, UserOut
from playground.services.access import UserRecord
from playground.services.accounts import Accounts, LoginFailedError, TooManyLoginsError

router = APIRouter(prefix="/api/auth", tags=["auth"])
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"model": MessageBody, "description": "Not logged in (or a wrong name or password)."}
}


def _out(accounts: Accounts, user: UserRecord) -> UserOut:
    role = "admin" if user.is_admin else "member"
    return UserOut(name=user.name, role=role, auth="on" if accounts.settings.auth_on else "off")


@router.post(
    "/login",
    responses={
        **UNAUTHORIZED,
        429: {"model": MessageBody, "description": "Too many failed logins for this name."},
    },
)
def login(body: LoginIn, accounts: AccountsDep, request: Request, response: Response) -> LoginOut:
    """Check a name and password; sets the `playground_session` cookie (HttpOnly,
    SameSite=Strict; Secure over https). Five failures a minute per name, then 429."""
    try:
        user, secret = accounts.login(name=body.name, password=body.password)
    except TooManyLoginsError as e:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, str(e), headers={"Retry-After": str(e.retry_after)}
        ) from e
    except LoginFailedError as e:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(e)) from e
    response.set_cookie(
        COOKIE, secret, max_age=int(accounts.settings.session_days * 86400), path="/",
        httponly=True, samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip
    return LoginOut(user=_out(accounts, user))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(accounts: AccountsDep, request: Request) -> Response:
    """End this browser's session (its cookie stops working) and clear the cookie."""
    secret = request.cookies.get(COOKIE)
    if secret:
        accounts.logout(secret)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get("/me", responses=UNAUTHORIZED)
def me(request: Request, accounts: AccountsDep) -> UserOut:
    """Who this request is (`auth`: "off" when the server has no accounts); 401 when not
    logged in."""
    user = identify(request)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, LOG_IN)
    return _out(accounts, user)
