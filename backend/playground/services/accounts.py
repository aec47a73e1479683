"""Accounts use cases: users, API tokens, browser logins (with a failed-login rate limit).
No HTTP here: the api layer reads the token or cookie and hands over the secret.

Passwords are hashed with argon2id (slow on purpose: they are low-entropy and guessable).
Tokens and session secrets are 32 random bytes: nobody can guess them, so a fast sha256
is the right hash for them (and a lookup by hash is one indexed query per request).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from playground.config import Settings
from playground.store.models import utcnow
from playground.store.users import TokenRecord, UserRecord, UserStore

TOKEN_PREFIX = "pgt_"  # says what a leaked string is (and secret scanners can match it)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong
# password (no telling which names exist by timing).
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A bad user name or password when adding a user (the message says why)."""


class LoginFailedError(Exception):
    """Wrong name or password (which one is not said)."""


class TooManyLoginsError(Exception):
    """Too many failed logins for this name lately; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed logins for this name: try again in {retry_after} seconds"
        )
        self.retry_after = retry_after


def digest(secret: str) -> str:
    """How a token or session secret is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class FailedLogins:
    """Failed logins per name in the last `window` seconds (in memory: a restart forgets,
    which only ever lets a guesser start over at the same slow rate)."""

    limit: int
    window: float = 60.0
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, name: str) -> None:
        """TooManyLoginsError when `name` has used up its failures."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.get(name)
            if not times:
                return
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) >= self.limit:
                raise TooManyLoginsError(int(self.window - (now - times[0])) + 1)

    def failed(self, name: str) -> None:
        with self._lock:
            if len(self._seen) > 10_000:  # names are attacker-chosen: bound the memory
                self._seen.clear()
            self._seen.setdefault(name, deque()).append(time.monotonic())


@dataclass
class Accounts:
    """The service the auth routes, the auth dependency and the CLI call."""

    users: UserStore
    settings: Settings
    failures: FailedLogins = field(init=False)

    def __post_init__(self) -> None:
        self.failures = FailedLogins(self.settings.login_failures_per_minute)

    # ---- users ------------------------------------------------------------------------
    def add_user(self, *, name: str, password: str, admin: bool = False) -> UserRecord:
        if not NAME.fullmatch(name):
            raise AccountError(
                "a user name is 1 to 64 letters, digits or . _ @ - (starting with a letter "
                "or digit)"
            )
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        return self.users.add_user(
            name=name, password_hash=_hasher.hash(password), role="admin" if admin else "member"
        )

    # ---- tokens -----------------------------------------------------------------------
    def new_token(self, *, user: str, label: str) -> tuple[TokenRecord, str]:
        """A new API token for `user`: its record and its secret (shown once)."""
        found = self.users.user(user)
        if found is None or found.id is None:
            raise AccountError(f"there is no user named {user!r}")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        return self.users.add_token(user_id=found.id, name=label, token_hash=digest(secret)), secret

    def token_user(self, secret: str) -> UserRecord | None:
        return self.users.user_for_token(digest(secret))

    # ---- browser logins ---------------------------------------------------------------
    def login(self, *, name: str, password: str) -> tuple[UserRecord, str]:
        """Check the password; the user and a new session secret (for the cookie)."""
        self.failures.check(name)
        found = self.users.password_hash(name)
        try:
            _hasher.verify(found[1] if found else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            found = None
        if found is None:
            self.failures.failed(name)
            raise LoginFailedError("wrong user name or password")
        user, stored = found
        assert user.id is not None
        if _hasher.check_needs_rehash(stored):  # parameters changed since it was hashed
            self.users.set_password_hash(user.id, _hasher.hash(password))
        secret = secrets.token_urlsafe(32)
        expires = utcnow() + timedelta(days=self.settings.session_days)
        self.users.add_session(session_hash=digest(secret), user_id=user.id, expires_at=expires)
        return user, secret

    def session_user(self, secret: str) -> UserRecord | None:
        return self.users.user_for_session(digest(secret))

    def logout(self, secret: str) -> None:
        self.users.delete_session(digest(secret))
