"""UserStore: accounts, their API tokens and their browser sessions.

Secrets never reach this module: tokens and sessions are stored by the sha256 of their
secret (services.accounts makes and hashes them), passwords by their argon2 hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from playground.store.models import LoginSession, Token, User, utcnow

# A token's last use is written at most this often: one write per request would contend
# with the run manager for SQLite's one writer.
LAST_USED_EVERY = timedelta(minutes=1)
ROLES = ("admin", "member")


@dataclass(frozen=True, slots=True)
class UserRecord:
    """An account as the services see it (never its password hash)."""

    id: int | None  # None: the built-in local admin of a server with accounts off
    name: str
    role: str  # admin | member

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token's metadata (its secret is shown once, when made, and never stored)."""

    id: int
    user: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class UserExistsError(ValueError):
    """A user with this name exists already."""


def _user(u: User) -> UserRecord:
    return UserRecord(u.id, u.name, u.role)


class UserStore:
    """Users, tokens and sessions, over one engine; each method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # ---- users ------------------------------------------------------------------------
    def add_user(self, *, name: str, password_hash: str, role: str) -> UserRecord:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
        user = User(name=name, password_hash=password_hash, role=role)
        try:
            with self._sessions.begin() as s:
                s.add(user)
                s.flush()
                return _user(user)
        except IntegrityError as e:
            raise UserExistsError(f"a user named {name!r} exists already") from e

    def password_hash(self, name: str) -> tuple[UserRecord, str] | None:
        """The user named `name` and their password hash, or None."""
        with self._sessions.begin() as s:
            user = s.scalar(select(User).where(User.name == name))
            return None if user is None else (_user(user), user.password_hash)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._sessions.begin() as s:
            s.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))

    def user(self, name: str) -> UserRecord | None:
        found = self.password_hash(name)
        return None if found is None else found[0]

    def users(self) -> list[UserRecord]:
        with self._sessions.begin() as s:
            return [_user(u) for u in s.scalars(select(User).order_by(User.id))]

    def count(self) -> int:
        with self._sessions.begin() as s:
            return int(s.scalar(select(func.count()).select_from(User)) or 0)

    # ---- tokens -----------------------------------------------------------------------
    def add_token(self, *, user_id: int, name: str, token_hash: str) -> TokenRecord:
        token = Token(user_id=user_id, name=name, hash=token_hash)
        with self._sessions.begin() as s:
            s.add(token)
            s.flush()
            return self._token(s.get(User, user_id), token)

    def tokens(self) -> list[TokenRecord]:
        """Every token, with its user's name, oldest first."""
        query = select(Token, User).join(User, User.id == Token.user_id).order_by(Token.id)
        with self._sessions.begin() as s:
            return [self._token(u, t) for t, u in s.execute(query)]

    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token (False: there is none with this id, or it was revoked already)."""
        query = (
            update(Token)
            .where(Token.id == token_id, Token.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        with self._sessions.begin() as s:
            return bool(s.execute(query).rowcount)  # type: ignore[attr-defined]

    def user_for_token(self, token_hash: str) -> UserRecord | None:
        """The user a live (unrevoked) token belongs to; notes its use."""
        now = utcnow()
        query = (
            select(Token, User)
            .join(User, User.id == Token.user_id)
            .where(Token.hash == token_hash, Token.revoked_at.is_(None))
        )
        with self._sessions.begin() as s:
            row = s.execute(query).first()
            if row is None:
                return None
            token, user = row
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
                token.last_used_at = now
            return _user(user)

    @staticmethod
    def _token(user: User | None, t: Token) -> TokenRecord:
        return TokenRecord(
            t.id, user.name if user else "?", t.name, t.created_at, t.last_used_at, t.revoked_at
        )

    # ---- browser sessions -------------------------------------------------------------
    def add_session(self, *, session_hash: str, user_id: int, expires_at: datetime) -> None:
        with self._sessions.begin() as s:
            s.add(LoginSession(id=session_hash, user_id=user_id, expires_at=expires_at))

    def user_for_session(self, session_hash: str) -> UserRecord | None:
        """The user of an unexpired session."""
        query = (
            select(User)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.id == session_hash, LoginSession.expires_at > utcnow())
        )
        with self._sessions.begin() as s:
            user = s.scalar(query)
            return None if user is None else _user(user)

    def delete_session(self, session_hash: str) -> None:
        """End a session; expired ones of anyone go too (they are dead rows)."""
        with self._sessions.begin() as s:
            s.execute(
                delete(LoginSession).where(
                    (LoginSession.id == session_hash) | (LoginSession.expires_at <= utcnow())
                )
            )
