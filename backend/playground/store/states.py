"""Run states and the one state machine every status change goes through."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is in its life; the values are what the database stores."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DIVERGED = "diverged"


class IllegalTransition(ValueError):  # noqa: N818 - the name callers know it by
    """A status change the state machine does not allow."""

    def __init__(self, old: RunStatus, new: RunStatus) -> None:
        super().__init__(f"a run cannot move from {old.value!r} to {new.value!r}")
        self.old, self.new = old, new


# Terminal states map to the empty set: a finished run never changes status again.
TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.QUEUED: frozenset({RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED}),
    RunStatus.RUNNING: frozenset(
        {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.DIVERGED}
    ),
    RunStatus.SUCCEEDED: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.CANCELLED: frozenset(),
    RunStatus.DIVERGED: frozenset(),
}
TERMINAL = frozenset(s for s, exits in TRANSITIONS.items() if not exits)
ACTIVE = frozenset(RunStatus) - TERMINAL


def can_transition(old: RunStatus, new: RunStatus) -> bool:
    """Whether `old` -> `new` is a legal move."""
    return new in TRANSITIONS[old]


def check_transition(old: RunStatus, new: RunStatus) -> None:
    """Raise IllegalTransition unless `old` -> `new` is a legal move."""
    if not can_transition(old, new):
        raise IllegalTransition(old, new)


def sources(new: RunStatus) -> frozenset[RunStatus]:
    """The states from which a run may move to `new`."""
    return frozenset(old for old, exits in TRANSITIONS.items() if new in exits)
