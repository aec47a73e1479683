"""Helpers of RunStore: records from rows, cleaned values, and the statements it runs."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, case, insert, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from playground.store.models import Base, Run, RunTag, utcnow
from playground.store.records import EventRecord, MetricRow, RunRecord, SnapshotRecord
from playground.store.states import TERMINAL, RunStatus, sources

MAX_NAME = 200  # characters, as in models.Run.name
MAX_TAG = 64  # characters, as in models.RunTag.tag
STATUS_EVENT = "status"
VAL_ACCURACY = ("val", "accuracy")  # the (split, name) behind best_val_accuracy
# Plain tables for the bulk inserts: one executemany, no ORM bookkeeping per row.
METRICS = Base.metadata.tables["metrics"]
EVENTS = Base.metadata.tables["run_events"]
RUNS = Base.metadata.tables["runs"]
SNAPSHOTS = Base.metadata.tables["snapshots"]


# ---- values ---------------------------------------------------------------------------
def to_record(run: Run | Row[Any]) -> RunRecord:
    """A plain copy of a loaded Run (an ORM object, or a row of the runs table)."""
    return RunRecord(
        id=run.id, name=run.name, status=RunStatus(run.status), dataset=run.dataset,
        spec=run.spec, seed=run.seed, device=run.device, tags=list(run.tags), notes=run.notes,
        summary=run.summary, result=run.result, error=run.error, versions=run.versions,
        created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
        epochs_done=run.epochs_done, best_val_accuracy=run.best_val_accuracy,
        test_accuracy=run.test_accuracy, last_seq=run.last_seq, sweep_id=run.sweep_id,
        trial=run.trial, owner_id=run.owner_id, shared=bool(run.shared),
    )  # fmt: skip


def status_event(record: RunRecord) -> EventRecord:
    """The 'status' event stored with the record's last status change, for live publishing."""
    return EventRecord(record.last_seq, STATUS_EVENT, status_payload(record))


def clean_name(name: str) -> str:
    """A run name, stripped; ValueError if empty, too long or holding a NUL."""
    name = no_nul(name.strip(), "a run name")
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"a run name needs 1 to {MAX_NAME} characters")
    return name


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags stripped and deduplicated, in order; ValueError for an empty or long one."""
    if isinstance(tags, str):  # a lone string would iterate as its characters
        raise TypeError("tags must be a list of strings, not one string")
    clean = [no_nul(t.strip(), "a tag") for t in tags]
    bad = [t for t in clean if not 1 <= len(t) <= MAX_TAG]
    if bad:
        raise ValueError(f"a tag needs 1 to {MAX_TAG} characters, got {bad[0]!r}")
    return list(dict.fromkeys(clean))


# PostgreSQL's text types cannot hold a NUL character (SQLite's can): text from users is
# refused on every backend alike, and messages we store anyway get a visible stand-in.
def no_nul(text: str, what: str) -> str:
    """`text` itself; ValueError if it holds a NUL character."""
    if "\x00" in text:
        raise ValueError(f"{what} cannot contain a NUL character")
    return text


def storable_message(text: str) -> str:
    """An error message with each NUL replaced by U+FFFD, so that it can always be stored."""
    return text.replace("\x00", "\N{REPLACEMENT CHARACTER}")


def test_accuracy_of(result: dict[str, Any]) -> float | None:
    """The test-set accuracy of a RunResult dict (None for regression or untested runs)."""
    value = (result.get("test") or {}).get("accuracy")
    return float(value) if isinstance(value, int | float) else None


def status_payload(run: Run | RunRecord | Row[Any]) -> dict[str, Any]:
    return {"status": str(run.status), "error": run.error}


def best_val_accuracy(rows: Sequence[MetricRow]) -> float | None:
    values = [r.value for r in rows if (r.split, r.name) == VAL_ACCURACY and math.isfinite(r.value)]
    return max(values, default=None)


# ---- statements -----------------------------------------------------------------------
def filters(
    status: str | None,
    name: str | None,
    dataset: str | None,
    tag: str | None,
    sweep_id: int | None = None,
    owner_id: int | None = None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if owner_id is not None:
        where.append(Run.owner_id == owner_id)
    if sweep_id is not None:
        where.append(Run.sweep_id == sweep_id)
    if status is not None:
        where.append(Run.status == RunStatus(status).value)
    if name:
        where.append(Run.name.ilike(f"%{escape_like(name)}%", escape="\\"))
    if dataset is not None:
        where.append(Run.dataset == dataset)
    if tag is not None:
        where.append(Run.id.in_(select(RunTag.run_id).where(RunTag.tag == tag)))
    return where


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def raised(
    column: InstrumentedAttribute[Any] | ColumnElement[Any], value: float | ColumnElement[Any]
) -> ColumnElement[Any]:
    """SQL for max(column, value), NULL counting as lowest (portable: no GREATEST)."""
    return case((or_(column.is_(None), column < value), value), else_=column)


def update_run(s: Session, run_id: int, values: dict[str, Any]) -> Run | None:
    query = update(Run).where(Run.id == run_id).values(values).returning(Run)
    return s.scalars(query).one_or_none()


def move(
    s: Session, new: RunStatus, where: ColumnElement[bool], values: dict[str, Any]
) -> list[Row[Any]]:
    """Move the runs matching `where` to `new`, where the state machine allows it; the
    moved rows, as they are now.

    One UPDATE whose WHERE admits only legal source states: a compare-and-set, so two
    racing writers cannot both move a run. Each moved run gets a 'status' event. Core
    statements, as for batches: the ORM's bookkeeping made a status change cost twice
    what its SQL does, and a run's start is on the way to its first metric.
    """
    now = utcnow()
    values = {"status": new.value, "last_seq": RUNS.c.last_seq + 1, **values}
    if new is RunStatus.RUNNING:
        values["started_at"] = now
    if new in TERMINAL:
        values["finished_at"] = now
    legal = RUNS.c.status.in_([old.value for old in sources(new)])
    conn = s.connection()
    moved = list(conn.execute(update(RUNS).where(where, legal).values(values).returning(RUNS)))
    insert_events(
        conn, [(run.id, run.last_seq, STATUS_EVENT, status_payload(run)) for run in moved]
    )
    return moved


def insert_tags(s: Session | Connection, run_id: int, tags: list[str]) -> None:
    if tags:
        s.execute(insert(RunTag), [{"run_id": run_id, "tag": t} for t in tags])


# The driver's own executemany of tuples: a sweep stores ~150,000 rows, and Core's per-row
# dict handling cost about twice the insert itself on SQLite (measured 9-11 vs 4-6 us a row).
_SQLITE_METRICS = "INSERT INTO metrics (run_id, seq, step, epoch, split, name, value) VALUES (?, ?, ?, ?, ?, ?, ?)"
MetricValues = tuple[int, int, int, int, str, str, float]  # run_id, seq, then a MetricRow
EventValues = tuple[int, int, str, dict[str, Any]]  # run_id, seq, type, payload


def insert_metrics(s: Session | Connection, rows: Sequence[MetricValues]) -> None:
    """Metric rows of any runs and batches, in one statement (an executemany)."""
    if not rows:
        return
    conn = s.connection() if isinstance(s, Session) else s
    if conn.dialect.name == "sqlite":  # NaN binds as NULL there, as through Core
        conn.exec_driver_sql(_SQLITE_METRICS, rows)
        return
    columns = ("run_id", "seq", "step", "epoch", "split", "name", "value")
    conn.execute(insert(METRICS), [dict(zip(columns, r, strict=True)) for r in rows])


def insert_events(s: Session | Connection, rows: Sequence[EventValues]) -> None:
    """Events of any runs and batches, in one statement."""
    if rows:
        now = utcnow()
        params = [
            {"run_id": run_id, "seq": seq, "type": t, "payload": p, "created_at": now}
            for run_id, seq, t, p in rows
        ]
        s.execute(insert(EVENTS), params)


def insert_snapshots(s: Session | Connection, rows: Sequence[tuple[int, SnapshotRecord]]) -> None:
    """Snapshot files (run id, file) of any runs, in one statement."""
    if rows:
        now = utcnow()
        params = [
            {"run_id": run_id, "epoch": f.epoch, "bytes": f.bytes, "created_at": now}
            for run_id, f in rows
        ]
        s.execute(insert(SNAPSHOTS), params)
