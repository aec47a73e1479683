"""Who may see and change what: one rule for every service.

A member sees their own runs and sweeps and runs others marked `shared`; changes only
their own. An admin (and the local admin of a server with accounts off) sees and changes
all. What a user may not see does not exist for them: callers raise their not-found error.
"""

from __future__ import annotations

from playground.store.records import RunRecord, SweepRecord
from playground.store.users import UserRecord

__all__ = ["LOCAL_ADMIN", "UserRecord", "can_change", "can_see", "owner_filter"]

# With accounts off, every request is this user: an admin, owner of nothing in particular.
LOCAL_ADMIN = UserRecord(id=None, name="local", role="admin")


def can_see(user: UserRecord, item: RunRecord | SweepRecord) -> bool:
    if user.is_admin or item.owner_id == user.id:
        return True
    return isinstance(item, RunRecord) and item.shared


def can_change(user: UserRecord, item: RunRecord | SweepRecord) -> bool:
    return user.is_admin or item.owner_id == user.id


def owner_filter(user: UserRecord) -> int | None:
    """The owner id a listing keeps for `user` (None: everything, for an admin)."""
    return None if user.is_admin else user.id
