"""The runs waiting for a worker, as entries (a run alone, or a sweep group's trials), in
submission order, each with its owner: the one queue both engines keep, and the one place
that says whose entry goes next.

Owners take turns: the next entry is the oldest of the owner served least recently
(owners never served first, among them the one whose oldest entry came first), so one
user's 200 queued runs do not starve another's one. Runs with no owner (None) are one
shared lane, first in first out. A run's queue position is its place in that turn order.

Not thread-safe: an executor calls it under its own lock.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Container

from playground.executors.grouping import Entry

Owner = int | None  # a user's id; None: the shared lane of runs with no owner


class RunQueue:
    """Entries in submission order; a queued trial can leave its group's entry alone."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._owners: dict[int, Owner] = {}  # id(entry) -> its owner
        self._waiting: dict[int, Entry] = {}  # run_id -> the entry it waits in
        self._turns: dict[Owner, int] = {}  # owner -> the serve count when last served
        self._served = 0  # entries served so far
        self._order: dict[int, int] | None = None  # id(entry) -> place in turn; None: stale

    def add(self, entries: list[Entry], owner: Owner, running: Callable[[int], bool]) -> None:
        """Queue entries of one owner, all or none: ValueError when a run is given twice,
        or is already queued or `running`."""
        seen: set[int] = set()
        for run_id, _ in (job for entry in entries for job in entry):
            if run_id in seen or run_id in self._waiting or running(run_id):
                raise ValueError(f"run {run_id} is already queued or running")
            seen.add(run_id)
        self._order = None
        for entry in entries:
            self._entries.append(entry)
            self._owners[id(entry)] = owner
            self._waiting.update((run_id, entry) for run_id, _ in entry)

    def cancel(self, run_id: int) -> bool:
        """Take a waiting run out (its entry goes once empty); False when it is not waiting."""
        entry = self._waiting.pop(run_id, None)
        if entry is None:
            return False
        entry[:] = [job for job in entry if job[0] != run_id]
        if not entry:
            self.take(entry)
        return True

    def next_entry(self, full: Container[Owner] = ()) -> Entry | None:
        """The entry to serve next, passing over owners in `full` (at their running limit);
        None when every waiting owner is full or nothing waits."""
        entries = {id(e): e for e in self._entries}
        ranked = (entries[key] for key in self._turn_order())  # the dict keeps turn order
        return next((e for e in ranked if self._owners[id(e)] not in full), None)

    def serve(self, entry: Entry) -> Owner:
        """Remove an entry that goes to a worker now (its owner's turn is used); its owner."""
        owner = self.take(entry)
        self._served += 1
        self._turns[owner] = self._served
        return owner

    def take(self, entry: Entry) -> Owner:
        """Remove a whole entry without using a turn (it failed, or was emptied); its owner."""
        self._order = None
        self._entries = [e for e in self._entries if e is not entry]
        for run_id, _ in entry:
            self._waiting.pop(run_id, None)
        return self._owners.pop(id(entry), None)

    def position(self, run_id: int) -> int | None:
        """How many entries are served before the run's, if nobody queues or ends anything
        meanwhile (0: next); a group's trials share their entry's place. Running limits
        are left out: they change as runs end."""
        entry = self._waiting.get(run_id)
        if entry is None:
            return None
        return self._turn_order()[id(entry)]

    def clear(self) -> list[int]:
        """Drop everything; the run ids that were waiting."""
        dropped = list(self._waiting)
        self._entries, self._owners, self._waiting, self._order = [], {}, {}, None
        return dropped

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        """Runs waiting (each trial of a group counts)."""
        return len(self._waiting)

    def _turn_order(self) -> dict[int, int]:
        """id(entry) -> its place when the owners take turns from now on, in that order
        (cached until the queue changes): each pick is the oldest entry of the owner served
        least recently, who then counts as served last."""
        if self._order is not None:
            return self._order
        lanes: dict[Owner, deque[tuple[int, Entry]]] = {}  # owner -> (index, entry), oldest first
        for index, entry in enumerate(self._entries):
            lanes.setdefault(self._owners[id(entry)], deque()).append((index, entry))
        queues = list(lanes.values())
        # (last served, index of the lane's oldest entry, lane): the first two are unique.
        heap = [(self._turns.get(owner, 0), lane[0][0], n) for n, (owner, lane) in
                enumerate(lanes.items())]  # fmt: skip
        heapq.heapify(heap)
        order: dict[int, int] = {}
        served = self._served
        while heap:
            _, _, n = heapq.heappop(heap)
            order[id(queues[n].popleft()[1])] = len(order)
            served += 1
            if queues[n]:
                heapq.heappush(heap, (served, queues[n][0][0], n))
        self._order = order
        return order
