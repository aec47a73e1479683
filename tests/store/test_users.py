"""UserStore on SQLite and PostgreSQL: users, tokens by hash, sessions with expiry; and
the owner columns of runs and sweeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from playground.store import RunStore
from playground.store.models import utcnow
from playground.store.sweeps import SweepStore
from playground.store.users import UserExistsError, UserStore
from tests.factories import spec_dict


def test_users_have_unique_names_and_a_role(engine: Engine) -> None:
    users = UserStore(engine)
    ann = users.add_user(name="ann", password_hash="h1", role="member")
    boss = users.add_user(name="boss", password_hash="h2", role="admin")
    assert (ann.role, boss.is_admin, ann.is_admin) == ("member", True, False)
    with pytest.raises(UserExistsError):
        users.add_user(name="ann", password_hash="h3", role="member")
    with pytest.raises(ValueError, match="role"):
        users.add_user(name="eve", password_hash="h", role="root")
    assert [u.name for u in users.users()] == ["ann", "boss"]
    assert users.count() == 2
    assert users.password_hash("ann") == (ann, "h1")
    assert users.password_hash("nobody") is None


def test_a_token_finds_its_user_until_revoked(engine: Engine) -> None:
    users = UserStore(engine)
    ann = users.add_user(name="ann", password_hash="h", role="member")
    assert ann.id is not None
    token = users.add_token(user_id=ann.id, name="laptop", token_hash="a" * 64)
    assert users.tokens()[0].last_used_at is None
    assert users.user_for_token("a" * 64) == ann
    assert users.tokens()[0].last_used_at is not None  # noted on use
    assert users.user_for_token("b" * 64) is None
    assert users.revoke_token(token.id)
    assert not users.revoke_token(token.id)  # once
    assert users.user_for_token("a" * 64) is None
    assert users.tokens()[0].revoked_at is not None


def test_a_session_lasts_until_it_expires_or_is_deleted(engine: Engine) -> None:
    users = UserStore(engine)
    ann = users.add_user(name="ann", password_hash="h", role="member")
    assert ann.id is not None
    users.add_session(session_hash="s1", user_id=ann.id, expires_at=utcnow() + timedelta(hours=1))
    users.add_session(session_hash="s2", user_id=ann.id, expires_at=utcnow() - timedelta(hours=1))
    assert users.user_for_session("s1") == ann
    assert users.user_for_session("s2") is None  # expired
    users.delete_session("s1")
    assert users.user_for_session("s1") is None


def test_runs_and_sweeps_keep_their_owner_and_list_by_it(engine: Engine) -> None:
    users, runs, sweeps = UserStore(engine), RunStore(engine), SweepStore(engine)
    ann = users.add_user(name="ann", password_hash="h", role="member")
    spec = spec_dict()
    mine = runs.create_run(name="a", spec=spec, dataset="spiral", seed=0, owner_id=ann.id)
    other = runs.create_run(name="b", spec=spec, dataset="spiral", seed=0)
    assert (mine.owner_id, mine.shared, other.owner_id) == (ann.id, False, None)
    assert [r.id for r in runs.list_runs(owner_id=ann.id).items] == [mine.id]
    assert len(runs.list_runs().items) == 2
    assert runs.update_meta(mine.id, shared=True).shared is True
    assert runs.queued_count(ann.id) == 1
    assert runs.queued_count(None) == 1
    sweep, _ = sweeps.create_sweep(
        name="s", kind="sweep", metric="val_loss", request={}, trials=[], owner_id=ann.id
    )
    assert sweep.owner_id == ann.id
    assert [s.id for s in sweeps.list_sweeps(owner_id=ann.id)] == [sweep.id]
    assert sweeps.list_sweeps(owner_id=ann.id + 1 if ann.id else 99) == []
