"""The accounts service on a real SQLite file: names and passwords it refuses, argon2 hashes,
token secrets, logins and their per-name failure limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from playground.config import Settings
from playground.services.accounts import (
    TOKEN_PREFIX,
    AccountError,
    Accounts,
    LoginFailedError,
    TooManyLoginsError,
    digest,
)
from playground.store.db import make_engine, migrate
from playground.store.users import UserStore


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    return Accounts(UserStore(engine), Settings(data_dir=tmp_path, login_failures_per_minute=3))


def test_names_and_passwords_it_refuses(accounts: Accounts) -> None:
    with pytest.raises(AccountError, match="user name"):
        accounts.add_user(name="has space", password="long enough")
    with pytest.raises(AccountError, match="8 characters"):
        accounts.add_user(name="ann", password="short")
    accounts.add_user(name="ann", password="long enough")
    found = accounts.users.password_hash("ann")
    assert found is not None
    assert found[1].startswith("$argon2id$")  # never the password itself


def test_a_token_is_shown_once_and_stored_by_its_hash(accounts: Accounts) -> None:
    accounts.add_user(name="ann", password="long enough")
    record, secret = accounts.new_token(user="ann", label="laptop")
    assert secret.startswith(TOKEN_PREFIX)
    assert len(secret) > 40
    assert accounts.token_user(secret) is not None
    assert accounts.users.user_for_token(digest(secret)) is not None
    assert accounts.token_user(secret + "x") is None
    assert record.name == "laptop"
    with pytest.raises(AccountError, match="no user"):
        accounts.new_token(user="nobody", label="x")


def test_logins_fail_alike_and_are_limited_per_name(accounts: Accounts) -> None:
    accounts.add_user(name="ann", password="long enough")
    user, secret = accounts.login(name="ann", password="long enough")
    assert accounts.session_user(secret) == user
    accounts.logout(secret)
    assert accounts.session_user(secret) is None

    for _ in range(3):
        with pytest.raises(LoginFailedError, match="wrong user name or password"):
            accounts.login(name="ann", password="wrong")
    with pytest.raises(TooManyLoginsError) as limited:
        accounts.login(name="ann", password="long enough")  # even the right password
    assert 0 < limited.value.retry_after <= 61
    with pytest.raises(LoginFailedError):
        accounts.login(name="nobody", password="x")  # an unknown name: the same answer
