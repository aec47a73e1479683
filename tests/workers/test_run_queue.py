"""The queue both engines keep: entries in order, owners taking turns, positions in that
turn order, a trial leaving its group."""

from __future__ import annotations

import pytest

from playground.executors.run_queue import RunQueue


def test_entries_keep_order_and_a_group_shares_its_place() -> None:
    q = RunQueue()
    alone, group = [(1, "a")], [(2, "b"), (3, "c")]
    q.add([alone, group], owner=7, running=lambda r: False)
    assert [q.position(r) for r in (1, 2, 3, 4)] == [0, 1, 1, None]
    assert len(q) == 3
    assert q.next_entry() is alone
    assert q.serve(alone) == 7
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


def queue_of(*owners: int | None) -> tuple[RunQueue, list[list[tuple[int, str]]]]:
    """One single-run entry per owner given, queued in that order (run ids 1, 2, ...)."""
    q, entries = RunQueue(), []
    for run_id, owner in enumerate(owners, start=1):
        entry = [(run_id, "spec")]
        q.add([entry], owner=owner, running=lambda r: False)
        entries.append(entry)
    return q, entries


def test_owners_take_turns_and_each_run_is_told_its_turn() -> None:
    # A queues three, B one, C two; B and C come after all of A's.
    q, _ = queue_of(1, 1, 1, 2, 3, 3)
    # Turns: A's oldest, B's, C's oldest, A's second, C's second, A's third.
    assert [q.position(r) for r in range(1, 7)] == [0, 3, 5, 1, 2, 4]
    first = q.next_entry()
    assert first is not None
    assert first[0][0] == 1
    assert q.serve(first) == 1
    # A was served last now: B and C go before A's next.
    assert [q.position(r) for r in range(1, 7)] == [None, 2, 4, 0, 1, 3]


def test_an_owner_served_before_waits_behind_one_never_served() -> None:
    q, entries = queue_of(1)
    q.serve(entries[0])
    q.add([[(2, "spec")]], owner=1, running=lambda r: False)
    q.add([[(3, "spec")]], owner=2, running=lambda r: False)  # later, but never served
    assert [q.position(r) for r in (2, 3)] == [1, 0]


def test_full_owners_are_passed_over_and_no_owner_is_one_fifo_lane() -> None:
    q, entries = queue_of(None, None, 1, None)
    assert [q.position(r) for r in (1, 2, 3, 4)] == [0, 2, 1, 3]  # None is one owner
    assert q.next_entry(full={None}) is entries[2]
    assert q.next_entry(full={None, 1}) is None
    # A failed entry is taken without using its owner's turn: None keeps the head.
    q.take(entries[2])
    assert q.next_entry() is entries[0]
    assert [q.position(r) for r in (1, 2, 4)] == [0, 1, 2]


def test_a_group_holds_one_place_in_its_owners_lane() -> None:
    q = RunQueue()
    q.add([[(1, "a"), (2, "b")], [(3, "c")]], owner=1, running=lambda r: False)
    q.add([[(4, "d")]], owner=2, running=lambda r: False)
    assert [q.position(r) for r in (1, 2, 3, 4)] == [0, 0, 2, 1]
    assert q.cancel(1)  # the group's other trial keeps the place
    assert [q.position(r) for r in (2, 3, 4)] == [0, 2, 1]
