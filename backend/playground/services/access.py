"""Who may see and change what: one rule for every service.

A member sees their own runs, sweeps and uploads and runs others marked `shared`; changes
only their own, and trains only on their own uploads. An admin (and the local admin of a server with accounts off) sees and changes
all. What a user may not see does not exist for them: callers raise their not-found error.
"""

from __future__ import annotations

from playground.ml.datasets.upload import UploadData, no_upload
from playground.store.records import RunRecord, SweepRecord, UploadRecord
from playground.store.uploads import UploadStore
from playground.store.users import UserRecord

__all__ = [
    "LOCAL_ADMIN",
    "UserRecord",
    "can_change",
    "can_see",
    "check_upload_use",
    "owner_filter",
]

# With accounts off, every request is this user: an admin, owner of nothing in particular.
LOCAL_ADMIN = UserRecord(id=None, name="local", role="admin")


def can_see(user: UserRecord, item: RunRecord | SweepRecord | UploadRecord) -> bool:
    if user.is_admin or item.owner_id == user.id:
        return True
    return isinstance(item, RunRecord) and item.shared


def can_change(user: UserRecord, item: RunRecord | SweepRecord | UploadRecord) -> bool:
    return user.is_admin or item.owner_id == user.id


def owner_filter(user: UserRecord) -> int | None:
    """The owner id a listing keeps for `user` (None: everything, for an admin)."""
    return None if user.is_admin else user.id


def check_upload_use(uploads: UploadStore | None, data: object, user: UserRecord) -> None:
    """SpecError at data.upload when `data` names an upload `user` may not train on: a
    member only on their own (a shared run's upload stays its owner's, so a rerun of it by
    someone else is refused), worded as for a missing one. `uploads` None: no store to ask
    (the command line, where the user is the local admin); a member is then refused."""
    if user.is_admin or not isinstance(data, UploadData):
        return
    if uploads is None or uploads.get(data.upload, owner_id=user.id) is None:
        raise no_upload(data.upload)
