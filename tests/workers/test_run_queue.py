"""The queue both engines keep: entries in order, owners, a trial leaving its group."""

from __future__ import annotations

import pytest

from playground.executors.run_queue import RunQueue


def test_entries_keep_order_and_a_group_shares_its_place() -> None:
    q = RunQueue()
    alone, group = [(1, "a")], [(2, "b"), (3, "c")]
    q.add([alone, group], owner=7, running=lambda r: False)
    assert [q.position(r) for r in (1, 2, 3, 4)] == [0, 1, 1, None]
    assert len(q) == 3
    assert q.owner(group) == 7
    assert q.take(alone) == 7
    assert [q.position(r) for r in (1, 2, 3)] == [None, 0, 0]


def test_a_cancelled_trial_leaves_its_entry_which_goes_once_empty() -> None:
    q = RunQueue()
    group = [(2, "b"), (3, "c")]
    q.add([group], owner=None, running=lambda r: False)
    assert q.cancel(2)
    assert group == [(3, "c")]
    assert not q.cancel(2)
    assert q.cancel(3)
    assert not q
    assert len(q) == 0


def test_duplicates_and_running_runs_are_refused_whole() -> None:
    q = RunQueue()
    q.add([[(1, "a")]], owner=None, running=lambda r: False)
    with pytest.raises(ValueError, match="run 1 is already queued"):
        q.add([[(5, "x")], [(1, "a")]], owner=None, running=lambda r: False)
    with pytest.raises(ValueError, match="run 6"):
        q.add([[(6, "x")]], owner=None, running=lambda r: r == 6)
    with pytest.raises(ValueError, match="run 8"):
        q.add([[(8, "x"), (8, "y")]], owner=None, running=lambda r: False)
    assert q.position(5) is None  # nothing of a refused call was queued
    assert q.clear() == [1]
    assert not q
