"""The runs waiting for a worker, as entries (a run alone, or a sweep group's trials), in
submission order, each with its owner: the one queue both engines keep.

Not thread-safe: an executor calls it under its own lock. Which entry goes next is the
executor's choice (the local pool serves owners in turn; Ray takes the head).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from playground.executors.grouping import Entry

Owner = int | None  # a user's id; None: the shared lane of runs with no owner


class RunQueue:
    """Entries in submission order; a queued trial can leave its group's entry alone."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._owners: dict[int, Owner] = {}  # id(entry) -> its owner
        self._waiting: dict[int, Entry] = {}  # run_id -> the entry it waits in

    def add(self, entries: list[Entry], owner: Owner, running: Callable[[int], bool]) -> None:
        """Queue entries of one owner, all or none: ValueError when a run is given twice,
        or is already queued or `running`."""
        seen: set[int] = set()
        for run_id, _ in (job for entry in entries for job in entry):
            if run_id in seen or run_id in self._waiting or running(run_id):
                raise ValueError(f"run {run_id} is already queued or running")
            seen.add(run_id)
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

    def take(self, entry: Entry) -> Owner:
        """Remove a whole entry (it goes to a worker, or fails); its owner."""
        self._entries = [e for e in self._entries if e is not entry]
        for run_id, _ in entry:
            self._waiting.pop(run_id, None)
        return self._owners.pop(id(entry), None)

    def position(self, run_id: int) -> int | None:
        """0 for the entry at the head; a group's trials share their entry's place."""
        entry = self._waiting.get(run_id)
        if entry is None:
            return None
        return next(i for i, queued in enumerate(self._entries) if queued is entry)

    def owner(self, entry: Entry) -> Owner:
        return self._owners.get(id(entry))

    def clear(self) -> list[int]:
        """Drop everything; the run ids that were waiting."""
        dropped = list(self._waiting)
        self._entries, self._owners, self._waiting = [], {}, {}
        return dropped

    def __iter__(self) -> Iterator[Entry]:
        return iter(list(self._entries))

    def __bool__(self) -> bool:
        return bool(self._entries)

    def __len__(self) -> int:
        """Runs waiting (each trial of a group counts)."""
        return len(self._waiting)
