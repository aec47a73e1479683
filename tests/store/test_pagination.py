"""Keyset pagination over 10,000 runs, and the list filters."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from playground.store import InvalidCursorError, RunRecord, RunStore
from tests.store.builders import T0, insert_runs, new_run, run_row

N = 10_000


@pytest.fixture
def many(engine: Engine) -> list[dict[str, Any]]:
    """10,000 runs whose creation times and accuracies tie often and follow no id order."""
    rng = random.Random(0)
    seconds = [i // 3 for i in range(N)]  # groups of three equal times: ties broken by id
    rng.shuffle(seconds)
    rows = [
        run_row(
            i, created_at=T0 + timedelta(seconds=seconds[i]),
            test_accuracy=None if i % 7 == 0 else rng.randint(0, 100) / 100,
        )
        for i in range(N)
    ]  # fmt: skip
    for row, run_id in zip(rows, insert_runs(engine, rows), strict=True):
        row["id"] = run_id
    return rows


def page_through(store: RunStore, limit: int, **query: Any) -> list[int]:
    """Every id, following next_cursor to the end; pages are full except the last."""
    ids: list[int] = []
    cursor = None
    while True:
        page = store.list_runs(limit=limit, cursor=cursor, **query)
        ids += [run.id for run in page.items]
        if page.next_cursor is None:
            assert len(page.items) <= limit
            return ids
        assert len(page.items) == limit
        cursor = page.next_cursor


def nulls_last(key: str, descending: bool) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The Python sort key of the store's order: (key, id) in one direction, NULLs last."""
    sign = -1 if descending else 1
    return lambda r: (r[key] is None, sign * (r[key] or 0), sign * r["id"])


def test_created_at_newest_first(store: RunStore, many: list[dict[str, Any]]) -> None:
    expected = [
        r["id"] for r in sorted(many, key=lambda r: (r["created_at"], r["id"]), reverse=True)
    ]
    ids = page_through(store, 500)
    assert len(ids) == len(set(ids)) == N
    assert ids == expected


@pytest.mark.parametrize("descending", [True, False])
def test_test_accuracy_with_nulls_and_ties(
    store: RunStore, many: list[dict[str, Any]], descending: bool
) -> None:
    expected = [r["id"] for r in sorted(many, key=nulls_last("test_accuracy", descending))]
    ids = page_through(store, 337, sort="test_accuracy", descending=descending)
    assert ids == expected


def test_name_ascending_with_a_filter(store: RunStore, many: list[dict[str, Any]]) -> None:
    expected = sorted((r["name"], r["id"]) for r in many if "-01" in r["name"])
    ids = page_through(store, 97, sort="name", descending=False, name="-01")
    assert ids == [run_id for _, run_id in expected]
    assert len(ids) == 1000


def test_cursor_is_url_safe_and_bound_to_its_sort(
    store: RunStore, many: list[dict[str, Any]]
) -> None:
    cursor = store.list_runs(limit=10).next_cursor
    assert cursor is not None
    assert all(c.isalnum() or c in "-_" for c in cursor)
    with pytest.raises(InvalidCursorError, match="sort"):
        store.list_runs(sort="name", cursor=cursor)
    with pytest.raises(InvalidCursorError, match="sort"):
        store.list_runs(descending=False, cursor=cursor)


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "bm90IGpzb24", "WzFd", "eyJzIjoiY3JlYXRlZF9hdCIsImQiOnRydWV9"]
)
def test_malformed_cursor(store: RunStore, cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        store.list_runs(cursor=cursor)


def test_bad_arguments(store: RunStore) -> None:
    with pytest.raises(ValueError, match="sort"):
        store.list_runs(sort="seed")
    with pytest.raises(ValueError, match="limit"):
        store.list_runs(limit=501)
    with pytest.raises(ValueError, match="limit"):
        store.list_runs(limit=0)
    with pytest.raises(ValueError, match="nope"):
        store.list_runs(status="nope")


def test_new_runs_do_not_shift_later_pages(store: RunStore) -> None:
    runs = [new_run(store, name=f"r{i}") for i in range(5)]
    first = store.list_runs(limit=2)
    new_run(store, name="late")  # newest: sorts before everything already seen
    rest = store.list_runs(limit=10, cursor=first.next_cursor)
    assert [r.id for r in first.items + rest.items] == [r.id for r in reversed(runs)]


def ids(records: list[RunRecord]) -> set[int]:
    return {r.id for r in records}


def test_filters(store: RunStore) -> None:
    a = new_run(store, name="MNIST 100%_done", dataset="mnist", tags=["conv", "baseline"])
    b = new_run(store, name="mnist small", dataset="mnist", tags=["conv"])
    c = new_run(store, name="spiral", dataset="spiral", tags=["conv-net"])
    store.set_status(b.id, "running")
    assert ids(store.list_runs(name="mnist").items) == {a.id, b.id}
    assert ids(store.list_runs(name="100%_").items) == {a.id}  # % and _ are literal
    assert ids(store.list_runs(name="0%s").items) == set()
    assert ids(store.list_runs(dataset="spiral").items) == {c.id}
    assert ids(store.list_runs(tag="conv").items) == {a.id, b.id}  # whole tags only
    assert ids(store.list_runs(tag="con").items) == set()
    assert ids(store.list_runs(status="running").items) == {b.id}
    assert ids(store.list_runs(status="queued", tag="conv", dataset="mnist").items) == {a.id}
