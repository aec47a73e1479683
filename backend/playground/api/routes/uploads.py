"""/api/uploads: send a data file (multipart), list, read, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from playground.api.auth import CurrentUser
from playground.api.deps import UPLOAD_NOT_FOUND, UploadDep, UploadsDep
from playground.api.schemas import MessageBody, UploadOut
from playground.services.uploads import UploadView

router = APIRouter(prefix="/api/uploads", tags=["uploads"])

TOO_LARGE: dict[int | str, dict[str, object]] = {
    413: {"model": MessageBody, "description": "Over PLAYGROUND_MAX_UPLOAD_BYTES or the quota."}
}


@router.post("", status_code=status.HTTP_201_CREATED, responses=TOO_LARGE)
def create_upload(
    uploads: UploadsDep,
    user: CurrentUser,
    file: Annotated[
        list[UploadFile],
        File(
            description="A .csv, an .npz, or MNIST-style IDX files: a zip of the four, or "
            "the four files (each optionally .gz) as four `file` parts."
        ),
    ],
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> UploadOut:
    """Check the file and keep it as the user's (422 naming the problem otherwise; nothing
    is kept); 413 past the size limit or the user's quota."""
    parts = [(f.filename or "", f.file) for f in file]
    view = uploads.create(parts=parts, name=name, owner=user.id)
    return UploadOut.model_validate(view, from_attributes=True)


@router.get("")
def list_uploads(uploads: UploadsDep, user: CurrentUser) -> list[UploadOut]:
    """The user's uploads (an admin's: everyone's), newest first, without previews."""
    views = uploads.list_uploads(user)
    return [UploadOut.model_validate(v, from_attributes=True) for v in views]


@router.get("/{upload_id}", responses=UPLOAD_NOT_FOUND)
def get_upload(upload: UploadDep, uploads: UploadsDep) -> UploadOut:
    """One upload with its preview."""
    view: UploadView = uploads.view(upload, with_preview=True)
    return UploadOut.model_validate(view, from_attributes=True)


@router.delete("/{upload_id}", status_code=status.HTTP_204_NO_CONTENT, responses=UPLOAD_NOT_FOUND)
def delete_upload(upload: UploadDep, uploads: UploadsDep, user: CurrentUser) -> Response:
    """Delete the file and its record; runs that use it can no longer be validated."""
    uploads.delete(upload.id, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
