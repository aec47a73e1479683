"""The run store: tables, migrations, the run-state machine and the one writer (RunStore)."""

from playground.store.db import make_engine, migrate
from playground.store.errors import InvalidCursorError, RunNotFoundError
from playground.store.records import (
    EventRecord,
    MetricRecord,
    MetricRow,
    Page,
    Point,
    RunRecord,
    SnapshotRecord,
    series_key,
)
from playground.store.repo import RunStore
from playground.store.rows import status_event
from playground.store.states import ACTIVE, TERMINAL, IllegalTransition, RunStatus, check_transition

__all__ = [
    "ACTIVE",
    "TERMINAL",
    "EventRecord",
    "IllegalTransition",
    "InvalidCursorError",
    "MetricRecord",
    "MetricRow",
    "Page",
    "Point",
    "RunNotFoundError",
    "RunRecord",
    "RunStatus",
    "RunStore",
    "SnapshotRecord",
    "check_transition",
    "make_engine",
    "migrate",
    "series_key",
    "status_event",
]
