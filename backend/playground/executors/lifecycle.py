"""A worker process's lifecycle: its states and the one table of moves between them.

```
STARTING --Ready--> IDLE --job sent--> BUSY --cancel/stop--> CANCELLING --grace passed--> KILLED
                     ^                  |                        |
                     +----Finished------+------------------------+
BUSY or CANCELLING --its run's time limit (+ allowance) passed--> TIMED_OUT   (SIGKILL sent)
IDLE --stop--> EXITING
every state above --process ended--> REAPED   (the slot gets a new worker in STARTING)
STARTING --ended, MAX_BOOT_FAILURES-th boot death in a row--> BROKEN   (the slot gives up)
```
Each worker object is one process: REAPED and BROKEN are final, and a slot that goes
on does so with a new worker, never by reviving an old one.

A job is one run or a sweep group's trials: "Finished" above means every run of the job
has sent Finished, and "cancel" that every unfinished one is cancelled (a trial cancelled
alone stops alone while the worker stays BUSY). A killed or crashed worker's unfinished
runs all end with it.
"""

from __future__ import annotations

from enum import StrEnum


class WorkerState(StrEnum):
    """Where one worker process is in its life, as the dispatcher knows it."""

    STARTING = "starting"  # spawned; has not said Ready
    IDLE = "idle"  # booted, waits for a job
    BUSY = "busy"  # was sent a job; idle again once each of its runs sends Finished
    CANCELLING = "cancelling"  # every unfinished run is flagged (a deadline once cancel() asks)
    KILLED = "killed"  # ignored a cancel past the grace period: SIGKILL sent
    TIMED_OUT = "timed_out"  # its run went on past its time limit: SIGKILL sent
    EXITING = "exiting"  # told to exit (stop); only the process's end is left
    REAPED = "reaped"  # the process ended and was joined
    BROKEN = "broken"  # ended while booting too many times in a row; not replaced


class IllegalWorkerTransition(ValueError):  # noqa: N818 - named like the store's IllegalTransition
    """A move the worker lifecycle does not allow (a dispatcher bug, never user input)."""

    def __init__(self, old: WorkerState, new: WorkerState) -> None:
        super().__init__(f"a worker cannot move from {old.value!r} to {new.value!r}")
        self.old, self.new = old, new


S = WorkerState
# Every live state may move to REAPED: a process can die (or be killed) at any moment.
TRANSITIONS: dict[WorkerState, frozenset[WorkerState]] = {
    S.STARTING: frozenset({S.IDLE, S.REAPED, S.BROKEN}),
    S.IDLE: frozenset({S.BUSY, S.EXITING, S.REAPED}),
    S.BUSY: frozenset({S.IDLE, S.CANCELLING, S.TIMED_OUT, S.REAPED}),
    S.CANCELLING: frozenset({S.IDLE, S.KILLED, S.TIMED_OUT, S.REAPED}),
    S.KILLED: frozenset({S.REAPED}),
    S.TIMED_OUT: frozenset({S.REAPED}),
    S.EXITING: frozenset({S.REAPED}),
    S.REAPED: frozenset(),
    S.BROKEN: frozenset(),
}
ENDED = frozenset(s for s, exits in TRANSITIONS.items() if not exits)  # no process left
RUNNING = frozenset({S.BUSY, S.CANCELLING, S.KILLED, S.TIMED_OUT})  # states that may hold a run
TIMED = frozenset({S.BUSY, S.CANCELLING})  # its run's time limit runs: the parent may kill it
KILLING = frozenset({S.KILLED, S.TIMED_OUT})  # SIGKILL sent: only the process's end is left

# What `status()` shows (base.WorkerInfo.state): a worker with a run is "busy" until its
# run ends; one told to exit, or already reaped (only after stop()), has nothing to do.
SHOWN: dict[WorkerState, str] = {
    S.STARTING: "starting",
    S.IDLE: "idle",
    S.BUSY: "busy",
    S.CANCELLING: "busy",
    S.KILLED: "busy",
    S.TIMED_OUT: "busy",
    S.EXITING: "idle",
    S.REAPED: "idle",
    S.BROKEN: "broken",
}


def check_transition(old: WorkerState, new: WorkerState) -> None:
    """Raise IllegalWorkerTransition unless `old` -> `new` is a legal move."""
    if new not in TRANSITIONS[old]:
        raise IllegalWorkerTransition(old, new)
