"""UploadStore: rows reserved before a file is checked, accepted after; owners kept apart."""

from __future__ import annotations

from sqlalchemy import Engine

from playground.store.uploads import UploadStore


def test_reserve_accept_list_and_delete(engine: Engine) -> None:
    uploads = UploadStore(engine)
    first = uploads.reserve(name="points.csv", kind="csv", owner_id=None)
    assert uploads.get(first) is None  # not checked yet: invisible
    assert uploads.pending() == [first]
    rec = uploads.accept(
        first, kind="csv", size=1200, shapes={"x": [10, 2], "y": [10]}, task="classification",
        columns=["a", "b", "label"],
    )  # fmt: skip
    assert (rec.name, rec.bytes, rec.columns, rec.owner_id) == (
        "points.csv",
        1200,
        ["a", "b", "label"],
        None,
    )
    assert uploads.get(first) == rec
    assert uploads.pending() == []
    theirs = uploads.reserve(name="theirs.npz", kind="npz", owner_id=7)
    uploads.accept(theirs, kind="npz", size=500, shapes={}, task="regression", columns=None)
    assert [u.id for u in uploads.list_uploads()] == [first]
    assert [u.id for u in uploads.list_uploads(owner_id=7)] == [theirs]
    assert uploads.get(theirs) is None  # another owner's upload is not found
    assert uploads.get(theirs, every_owner=True) is not None  # an admin's view
    assert [u.id for u in uploads.list_uploads(every_owner=True)] == [theirs, first]
    assert uploads.total_bytes() == 1200
    assert uploads.total_bytes(owner_id=7) == 500
    uploads.delete(first)
    uploads.delete(theirs)  # the newest: SQLite without AUTOINCREMENT would reuse its id
    assert uploads.get(first) is None
    assert uploads.reserve(name="next.csv", kind="csv", owner_id=None) > theirs  # never reused
