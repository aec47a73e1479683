"""Executors run specs somewhere (a local process pool; Ray later) and report events.

`base.Executor` is the interface, `events` what it reports, `local.LocalExecutor` the
embedded engine (`host` sizes it, `dispatcher` queues and hands out runs, `slots` keeps
one worker process per device through the `lifecycle` states); `worker` and `reporting`
run in its processes.
"""

from playground.executors.base import EventCallback, Executor, ExecutorStatus, WorkerInfo
from playground.executors.events import Event, Finished, Progress, Started, WorkerLost
from playground.executors.local import LocalExecutor

__all__ = [
    "Event",
    "EventCallback",
    "Executor",
    "ExecutorStatus",
    "Finished",
    "LocalExecutor",
    "Progress",
    "Started",
    "WorkerInfo",
    "WorkerLost",
]
