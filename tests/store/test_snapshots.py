"""Snapshot rows: written with their batch, listed by epoch, counted, deleted with the run."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from playground.store import RunStore, SnapshotRecord
from tests.store.builders import new_run


def test_snapshots_are_registered_with_their_batch(store: RunStore) -> None:
    run = new_run(store)
    seq = store.append(
        run.id,
        events=[("snapshot", {"epoch": 0, "bytes": 100})],
        snapshots=[SnapshotRecord(0, 100)],
    )
    store.append(run.id, snapshots=[SnapshotRecord(10, 120), SnapshotRecord(5, 110)])

    assert store.snapshots(run.id) == [
        SnapshotRecord(0, 100),
        SnapshotRecord(5, 110),
        SnapshotRecord(10, 120),
    ]
    assert [e.seq for e in store.events_after(run.id, 0) if e.type == "snapshot"] == [seq]
    assert store.snapshot_totals() == (3, 330)


def test_one_snapshot_per_epoch_and_the_batch_is_atomic(store: RunStore) -> None:
    run = new_run(store)
    store.append(run.id, snapshots=[SnapshotRecord(3, 10)])
    before = store.get_run(run.id)
    with pytest.raises(IntegrityError):
        store.append(run.id, events=[("x", {})], snapshots=[SnapshotRecord(3, 10)])
    # Nothing of the failed batch is stored: no event, no new seq.
    assert store.get_run(run.id) == before
    assert [e.type for e in store.events_after(run.id, 0)] == ["status"]


def test_snapshot_rows_go_with_their_run(store: RunStore) -> None:
    keep, drop = new_run(store, "keep"), new_run(store, "drop")
    store.append(keep.id, snapshots=[SnapshotRecord(0, 7)])
    store.append(drop.id, snapshots=[SnapshotRecord(0, 9), SnapshotRecord(1, 9)])
    store.delete_run(drop.id)
    assert store.snapshots(drop.id) == []
    assert store.snapshot_totals() == (1, 7)
