"""Who may train on an upload: a member only on their own, an admin on any; refused in the
words used for a missing upload (so that ids cannot be probed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from playground.ml.datasets.toy2d import SpiralData
from playground.ml.datasets.upload import UploadData
from playground.ml.errors import SpecError
from playground.services.access import LOCAL_ADMIN, check_upload_use
from playground.store.users import UserRecord
from tests.services.conftest import Service

ANN, BOB = UserRecord(7, "ann", "member"), UserRecord(8, "bob", "member")
TEACHER = UserRecord(9, "teacher", "admin")


def refused(call: Callable[[], object], upload_id: int) -> None:
    with pytest.raises(SpecError) as e:
        call()
    (item,) = e.value.errors
    assert item.loc == ("data", "upload")
    assert item.msg.startswith(f"no upload {upload_id}: it was deleted or never existed")


def test_a_member_may_use_only_their_own_upload(service: Service) -> None:
    uploads = service.runs.uploads
    up = uploads.reserve(name="a.csv", kind="csv", owner_id=ANN.id)
    data = UploadData(upload=up)
    refused(lambda: check_upload_use(uploads, data, ANN), up)  # still being checked
    uploads.accept(up, kind="csv", size=10, shapes={}, task="classification", columns=None)
    for user in (ANN, TEACHER, LOCAL_ADMIN):
        check_upload_use(uploads, data, user)
    refused(lambda: check_upload_use(uploads, data, BOB), up)
    refused(lambda: check_upload_use(uploads, UploadData(upload=up + 100), BOB), up + 100)
    refused(lambda: check_upload_use(None, data, ANN), up)  # no store to ask: refused
    check_upload_use(uploads, SpiralData(), BOB)  # other data sets are anyone's
