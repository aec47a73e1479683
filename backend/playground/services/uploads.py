"""Uploads: check a data file before keeping it, list and delete them. No HTTP here.

A file arrives as one or more (file name, binary file) parts, already received in full by
the caller (FastAPI spools a multipart body to a temporary file; its size limit is the
body limit of the route). It is copied in chunks to <uploads>/.incoming-<id>, checked there
(ml/datasets/upload_checks.py), then renamed to <id>.<ext>: only checked files ever carry an
upload's name, and every name on disk is built from the integer id, never from user text.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from playground.config import Settings
from playground.executors.probe_jobs import (
    UploadCheckJob,
    UploadPreviewJob,
    upload_check_job,
    upload_preview_job,
)
from playground.ml.datasets.npz_file import READ_ERRORS
from playground.ml.datasets.safe_open import exists, uploads_dir
from playground.ml.datasets.upload import EXTENSIONS
from playground.ml.datasets.upload_checks import (
    Checked,
    idx_sources,
    idx_zip_sources,
    pack_idx,
)
from playground.ml.errors import SpecError
from playground.services.access import LOCAL_ADMIN
from playground.store.records import UploadRecord
from playground.store.uploads import UploadStore
from playground.store.users import UserRecord

RunJob = Callable[..., Any]  # ProbePool.run_job, or a direct call in tests

CHUNK = 1 << 20  # bytes copied at a time
MAX_PARTS = 4
CHECK_TIMEOUT = 300.0  # seconds to parse a large CSV in a probe process
FORM_LOC = ("file",)  # where a problem with the sent file is reported


class UploadNotFoundError(LookupError):
    """No upload with this id (or not one this user may see)."""

    def __init__(self, upload_id: int) -> None:
        super().__init__(f"no upload {upload_id}")


class UploadTooLargeError(Exception):
    """Over the size limit of one upload or over the owner's quota (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class UploadView:
    """An upload as clients see it: the stored record and, on request, a preview."""

    id: int
    name: str
    kind: str
    bytes: int
    shapes: dict[str, Any]
    task: str
    columns: list[str] | None
    created_at: Any
    preview: dict[str, Any] | None


def _kind(filename: str, head: bytes, parts: int) -> str:
    """csv | npz | idx from the name and first bytes; SpecError when it is none of them."""
    lower = filename.lower()
    if head.startswith(b"\x93NUM") or lower.endswith(".npy"):
        raise SpecError.at(
            FORM_LOC,
            f"{filename!r} is a single array (.npy); save inputs and targets together with "
            "numpy.savez('data.npz', x=x, y=y)",
        )
    if parts > 1 or lower.endswith((".gz", "-ubyte")):
        return "idx"
    if head.startswith(b"PK"):
        return "npz" if lower.endswith(".npz") else "idx"  # a zip: of arrays, or of IDX files
    if lower.endswith((".csv", ".txt")) or not lower.endswith(".npz"):
        return "csv"
    raise SpecError.at(FORM_LOC, f"{filename!r} is not a zip archive, so not an .npz")


def _display_name(name: str | None, filename: str) -> str:
    """A name to show: printable, at most 200 characters; the file's base name by default."""
    text = name if name and name.strip() else filename.replace("\\", "/").rsplit("/", 1)[-1]
    text = re.sub(r"[\x00-\x1f\x7f]", "", text).strip()[:200]
    return text or "upload"


@dataclass
class Uploads:
    """The service the upload routes call; built once per app in the lifespan."""

    store: UploadStore
    settings: Settings
    run_job: RunJob  # ProbePool.run_job: parsing and previews cost memory, kept out of the API
    _quota_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _folder(self) -> Path:
        folder = uploads_dir(self.settings.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def clean(self) -> None:
        """Remove what an interrupted upload left: its row and its incoming file."""
        folder = self._folder()
        for upload_id in self.store.pending():
            (folder / f".incoming-{upload_id}").unlink(missing_ok=True)
            self._remove_files(upload_id)
            self.store.delete(upload_id)

    def create(
        self,
        *,
        parts: Sequence[tuple[str, BinaryIO]],
        name: str | None = None,
        owner: int | None = None,
    ) -> UploadView:
        """Check and keep one data file (or the four files of an IDX set) as `owner`'s; the
        quota counts each owner's uploads apart."""
        if not 1 <= len(parts) <= MAX_PARTS:
            raise SpecError.at(
                FORM_LOC, f"send 1 file, or the 4 files of an IDX set; got {len(parts)}"
            )
        sizes = [_size(f) for _, f in parts]
        limit = self.settings.max_upload_bytes
        if sum(sizes) > limit:
            raise UploadTooLargeError(
                f"the upload has {sum(sizes)} bytes; the limit is {limit} "
                "(PLAYGROUND_MAX_UPLOAD_BYTES)"
            )
        filename, first = parts[0]
        head = first.read(4)
        first.seek(0)
        kind = _kind(filename, head, len(parts))
        folder = self._folder()
        with self._quota_lock:  # two uploads at once cannot both take the last free bytes
            self._check_quota(sum(sizes), owner)
            upload_id = self.store.reserve(
                name=_display_name(name, filename), kind=kind, owner_id=owner, size=sum(sizes)
            )
        incoming = folder / f".incoming-{upload_id}"
        try:
            try:
                checked = self._check(kind, parts, incoming)
            except SpecError as e:  # reported at the form field, not at a run spec's path
                raise SpecError([replace(i, loc=("file",)) for i in e.errors]) from e
            ext = "zip" if kind == "idx" else kind
            final = folder / f"{upload_id}.{ext}"
            os.replace(incoming, final)
            size = final.stat().st_size
            with self._quota_lock:  # an unpacked IDX set may be larger than it was sent
                self._check_quota(size - sum(sizes), owner)
            rec = self.store.accept(
                upload_id, kind=kind, size=size, shapes=checked.shapes, task=checked.task,
                columns=checked.columns,
            )  # fmt: skip
        except BaseException:
            incoming.unlink(missing_ok=True)
            self._remove_files(upload_id)
            self.store.delete(upload_id)
            raise
        return self.view(rec, with_preview=True)

    def _check_quota(self, extra: int, owner: int | None) -> None:
        quota = self.settings.upload_quota_bytes
        used = self.store.total_bytes(owner_id=owner)
        if used + extra > quota:
            raise UploadTooLargeError(
                f"uploads may take {quota} bytes in all and {used} are used; this one needs "
                f"{max(extra, 0)} more: delete an upload first (DELETE /api/uploads/{{id}})"
            )

    def _check(self, kind: str, parts: Sequence[tuple[str, BinaryIO]], incoming: Path) -> Checked:
        max_samples = self.settings.limits.max_samples
        if kind == "idx":
            if len(parts) > 1:
                return pack_idx(idx_sources(list(parts)), incoming, max_samples=max_samples)
            if not zipfile.is_zipfile(parts[0][1]):
                raise SpecError.at(
                    FORM_LOC,
                    "an IDX set is four files (train and t10k images and labels): send the "
                    "four together, or one zip that holds them",
                )
            parts[0][1].seek(0)
            try:
                archive = zipfile.ZipFile(parts[0][1])
            except READ_ERRORS as e:
                raise SpecError.at(FORM_LOC, f"the zip is not readable ({e})") from e
            with archive:
                return pack_idx(idx_zip_sources(archive), incoming, max_samples=max_samples)
        _copy(parts[0][1], incoming)
        job = UploadCheckJob("csv" if kind == "csv" else "npz", incoming, max_samples)
        checked: Checked = self.run_job(upload_check_job, job, CHECK_TIMEOUT)
        return checked

    def _remove_files(self, upload_id: int) -> None:
        folder = self._folder()
        for ext in EXTENSIONS:
            path = folder / f"{upload_id}.{ext}"
            if exists(path) or path.is_symlink():
                path.unlink()  # unlinks a link itself, never its target

    def get(self, upload_id: int, user: UserRecord = LOCAL_ADMIN) -> UploadRecord:
        """The upload; UploadNotFoundError when there is none or it is another member's
        (an admin sees all)."""
        rec = self.store.get(upload_id, owner_id=user.id, every_owner=user.is_admin)
        if rec is None:
            raise UploadNotFoundError(upload_id)
        return rec

    def list_uploads(self, user: UserRecord = LOCAL_ADMIN) -> list[UploadView]:
        """`user`'s uploads (an admin's: everyone's), newest first."""
        rows = self.store.list_uploads(owner_id=user.id, every_owner=user.is_admin)
        return [self.view(r) for r in rows]

    def view(self, rec: UploadRecord, *, with_preview: bool = False) -> UploadView:
        """The record, with the preview the data panel draws when asked for."""
        preview = None
        if with_preview:
            job = UploadPreviewJob(rec.id, self.settings.limits.max_samples)
            preview = self.run_job(upload_preview_job, job, CHECK_TIMEOUT)
        return UploadView(
            id=rec.id, name=rec.name, kind=rec.kind, bytes=rec.bytes, shapes=rec.shapes,
            task=rec.task, columns=rec.columns, created_at=rec.created_at, preview=preview,
        )  # fmt: skip

    def delete(self, upload_id: int, user: UserRecord = LOCAL_ADMIN) -> None:
        """The file, then the row (runs that name it fail to validate from now on)."""
        self.get(upload_id, user)
        self._remove_files(upload_id)
        self.store.delete(upload_id)


def _size(f: BinaryIO) -> int:
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    return size


def _copy(src: BinaryIO, dest: Path) -> None:
    """Copy in CHUNK-sized pieces to a new file (never over an existing name or a link)."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(src, out, CHUNK)
