"""UploadStore: the only code that writes the uploads table (services/uploads.py owns files)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import sessionmaker

from playground.store.models import Upload
from playground.store.records import UploadRecord

MAX_UPLOADS = 1000  # one page of the list
PENDING = ""  # the task of a row whose file is still being checked


def _record(u: Upload) -> UploadRecord:
    return UploadRecord(
        id=u.id, name=u.name, kind=u.kind, bytes=u.bytes, shapes=u.shapes, task=u.task,
        columns=u.columns, created_at=u.created_at, owner_id=u.owner_id,
    )  # fmt: skip


class UploadStore:
    """Upload rows over one engine; each method is one short transaction."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def reserve(self, *, name: str, kind: str, owner_id: int | None, size: int = 0) -> int:
        """A row for a file still being checked (task ""): its id names the file on disk;
        `size` counts against the quota while it is checked."""
        with self._sessions.begin() as s:
            row = Upload(
                name=name, kind=kind, bytes=size, shapes={}, task=PENDING,
                owner_id=owner_id,
            )  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def accept(
        self, upload_id: int, *, kind: str, size: int, shapes: dict[str, Any], task: str,
        columns: list[str] | None,
    ) -> UploadRecord:  # fmt: skip
        """Fill in what the checks found."""
        with self._sessions.begin() as s:
            row = s.get_one(Upload, upload_id)
            row.kind, row.bytes, row.shapes, row.task = kind, size, shapes, task
            row.columns = columns
            s.flush()
            return _record(row)

    def get(
        self, upload_id: int, *, owner_id: int | None = None, every_owner: bool = False
    ) -> UploadRecord | None:
        """The accepted upload, or None (also for one still checked, and for another
        owner's unless `every_owner`: an admin's view)."""
        with self._sessions() as s:
            row = s.get(Upload, upload_id)
            if row is None or row.task == PENDING:
                return None
            if not every_owner and row.owner_id != owner_id:
                return None
            return _record(row)

    def list_uploads(
        self, *, owner_id: int | None = None, every_owner: bool = False
    ) -> list[UploadRecord]:
        """Accepted uploads of `owner_id` (of everyone with `every_owner`), newest first."""
        query = select(Upload).where(Upload.task != PENDING)
        if not every_owner:
            query = query.where(
                Upload.owner_id.is_(None) if owner_id is None else Upload.owner_id == owner_id
            )
        query = query.order_by(Upload.id.desc()).limit(MAX_UPLOADS)
        with self._sessions() as s:
            return [_record(u) for u in s.scalars(query)]

    def total_bytes(self, *, owner_id: int | None = None) -> int:
        """Bytes the owner's uploads take on disk, and those being checked (the quota)."""
        cond = Upload.owner_id.is_(None) if owner_id is None else Upload.owner_id == owner_id
        with self._sessions() as s:
            return int(s.scalar(select(func.coalesce(func.sum(Upload.bytes), 0)).where(cond)) or 0)

    def delete(self, upload_id: int) -> None:
        with self._sessions.begin() as s:
            s.execute(delete(Upload).where(Upload.id == upload_id))

    def pending(self) -> list[int]:
        """Ids of rows whose checks never finished (the server stopped mid-upload)."""
        with self._sessions() as s:
            return list(s.scalars(select(Upload.id).where(Upload.task == PENDING)))
