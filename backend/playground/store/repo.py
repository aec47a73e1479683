"""RunStore: the only code that writes runs, metrics and stream events.

Every public method is one short transaction and returns plain records. Writes start with
their write statement (an UPDATE ... RETURNING or INSERT), so on SQLite each takes the
write lock first and waits out a busy writer (busy_timeout) instead of failing later.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, Engine, case, delete, insert, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from playground.store.errors import RunNotFoundError
from playground.store.models import Base, Run, RunEvent, RunTag, utcnow
from playground.store.pagination import Keyset
from playground.store.records import (
    EventRecord,
    MetricRecord,
    MetricRow,
    Page,
    Point,
    RunRecord,
)
from playground.store.series import read_after, read_series
from playground.store.states import TERMINAL, IllegalTransition, RunStatus, sources

MAX_PAGE = 500
MAX_NAME = 200  # characters, as in models.Run.name
MAX_TAG = 64  # characters, as in models.RunTag.tag
STATUS_EVENT = "status"
VAL_ACCURACY = ("val", "accuracy")  # the (split, name) behind best_val_accuracy
# Plain tables for the bulk inserts: one executemany, no ORM bookkeeping per row.
METRICS = Base.metadata.tables["metrics"]
EVENTS = Base.metadata.tables["run_events"]


class RunStore:
    """Runs, their metrics and their stream events, over one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # ---- runs -----------------------------------------------------------------------
    def create_run(
        self, *, name: str, spec: dict[str, Any], dataset: str, seed: int, tags: Iterable[str] = ()
    ) -> RunRecord:
        """Store a new queued run, with its first 'status' event (seq 1)."""
        clean = clean_tags(tags)
        run = Run(
            name=clean_name(name), status=RunStatus.QUEUED.value, dataset=dataset,
            spec=spec, seed=seed, tags=clean, last_seq=1,
        )  # fmt: skip
        with self._tx() as s:
            s.add(run)
            s.flush()  # assigns the id
            _insert_tags(s, run.id, clean)
            _insert_events(s, run.id, 1, [(STATUS_EVENT, _status_payload(run))])
            return to_record(run)

    def get_run(self, run_id: int) -> RunRecord | None:
        """The run, or None if there is none with this id."""
        with self._tx() as s:
            run = s.get(Run, run_id)
            return None if run is None else to_record(run)

    def list_runs(
        self,
        *,
        status: str | None = None,
        name: str | None = None,
        dataset: str | None = None,
        tag: str | None = None,
        sort: str = "created_at",
        descending: bool = True,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page:
        """One page of runs; pass the returned next_cursor (same sort) for the next page.

        `name` matches a substring, ignoring case (ASCII only on SQLite); `tag` matches a
        whole tag. Raises ValueError for a bad sort, status or limit, InvalidCursorError (a
        ValueError) for a bad cursor.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        keyset = Keyset(sort, descending)
        query = select(Run).where(*_filters(status, name, dataset, tag))
        if cursor is not None:
            query = query.where(keyset.after(*keyset.decode(cursor)))
        query = query.order_by(*keyset.order_by()).limit(limit + 1)  # +1: is there more?
        with self._tx() as s:
            runs = [to_record(run) for run in s.scalars(query)]
        items = runs[:limit]
        more = len(runs) > limit
        return Page(items, keyset.encode(items[-1]) if more else None)

    def update_meta(
        self,
        run_id: int,
        *,
        name: str | None = None,
        tags: Iterable[str] | None = None,
        notes: str | None = None,
    ) -> RunRecord:
        """Rename, retag or annotate a run; None leaves a field as it is."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = clean_name(name)
        if notes is not None:
            values["notes"] = notes
        clean = None if tags is None else clean_tags(tags)
        if clean is not None:
            values["tags"] = clean
        with self._tx() as s:
            run = _update_run(s, run_id, values) if values else s.get(Run, run_id)
            if run is None:
                raise RunNotFoundError(run_id)
            if clean is not None:
                s.execute(delete(RunTag).where(RunTag.run_id == run_id))
                _insert_tags(s, run_id, clean)
            return to_record(run)

    def set_status(
        self,
        run_id: int,
        new: RunStatus | str,
        *,
        error: str | None = None,
        device: str | None = None,
        summary: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
        versions: dict[str, str] | None = None,
    ) -> RunRecord:
        """Move a run to `new` through the state machine, recording a 'status' event.

        Sets started_at on 'running' and finished_at on a terminal state; copies
        result['test']['accuracy'] to test_accuracy. Raises IllegalTransition or RunNotFoundError.
        """
        target = RunStatus(new)
        fields: dict[str, Any] = {
            "error": error,
            "device": device,
            "summary": summary,
            "versions": versions,
        }
        values = {k: v for k, v in fields.items() if v is not None}
        if result is not None:
            values |= {"result": result, "test_accuracy": _test_accuracy(result)}
        with self._tx() as s:
            moved = _move(s, target, Run.id == run_id, values)
            if not moved:
                current = s.scalar(select(Run.status).where(Run.id == run_id))
                if current is None:
                    raise RunNotFoundError(run_id)
                raise IllegalTransition(RunStatus(current), target)
            return to_record(moved[0])

    def delete_run(self, run_id: int) -> bool:
        """Delete a run with its tags, metrics and events; False if there was none."""
        with self._tx() as s:
            gone = s.scalar(delete(Run).where(Run.id == run_id).returning(Run.id))
        return gone is not None

    def runs_with_status(self, *statuses: RunStatus | str) -> list[int]:
        """Ids of the runs in any of `statuses`, ascending."""
        wanted = [RunStatus(s).value for s in statuses]
        with self._tx() as s:
            return list(s.scalars(select(Run.id).where(Run.status.in_(wanted)).order_by(Run.id)))

    def queued_ids(self) -> list[int]:
        """Ids of the queued runs, oldest first (the order to start them in)."""
        query = (
            select(Run.id)
            .where(Run.status == RunStatus.QUEUED.value)
            .order_by(Run.created_at, Run.id)
        )
        with self._tx() as s:
            return list(s.scalars(query))

    def fail_interrupted(self, message: str) -> list[int]:
        """At startup: fail every run left 'running' by a previous process; their ids."""
        running = Run.status == RunStatus.RUNNING.value
        with self._tx() as s:
            moved = _move(s, RunStatus.FAILED, running, {"error": message})
            return sorted(run.id for run in moved)

    # ---- metrics and events -------------------------------------------------------------
    def append(
        self,
        run_id: int,
        *,
        metrics: Sequence[MetricRow] = (),
        events: Sequence[tuple[str, dict[str, Any]]] = (),
        epochs_done: int | None = None,
    ) -> int:
        """Store one batch of metrics and events under a new seq, atomically; the seq.

        The one write path for metrics. Pass `epochs_done` (EpochReport.epoch) with the
        batch that carries an epoch's metrics; best_val_accuracy follows val/accuracy rows.
        """
        values: dict[str, Any] = {"last_seq": Run.last_seq + 1}
        best = _best_val_accuracy(metrics)
        if best is not None:
            values["best_val_accuracy"] = _raised(Run.best_val_accuracy, best)
        if epochs_done is not None:
            values["epochs_done"] = _raised(Run.epochs_done, epochs_done)
        with self._tx() as s:
            # The UPDATE both allocates the seq and locks the run row (or, on SQLite, the
            # database) until commit, so concurrent batches of one run never share a seq.
            query = update(Run).where(Run.id == run_id).values(values).returning(Run.last_seq)
            seq = s.scalar(query)
            if seq is None:
                raise RunNotFoundError(run_id)
            _insert_metrics(s, run_id, seq, metrics)
            _insert_events(s, run_id, seq, events)
        return seq

    def metrics(
        self,
        run_id: int,
        *,
        names: Iterable[str] | None = None,
        split: str | None = None,
        max_points: int | None = None,
    ) -> dict[str, list[Point]]:
        """Every series of a run, keyed 'split/name', ordered by step.

        With max_points (>= 3), each longer series is downsampled with LTTB on (step, value),
        keeping its first and last points. An unknown run has no series.
        """
        if max_points is not None and max_points < 3:
            raise ValueError(f"max_points must be at least 3, got {max_points}")
        with self._engine.connect() as conn:  # one read transaction: a consistent snapshot
            return read_series(conn, run_id, names=names, split=split, max_points=max_points)

    def metrics_after(self, run_id: int, seq: int) -> list[MetricRecord]:
        """Metrics of batches after `seq`, in seq order (stream replay)."""
        with self._engine.connect() as conn:
            return read_after(conn, run_id, seq)

    def events_after(self, run_id: int, seq: int) -> list[EventRecord]:
        """Events of batches after `seq`, in seq order (stream replay)."""
        query = (
            select(RunEvent.seq, RunEvent.type, RunEvent.payload)
            .where(RunEvent.run_id == run_id, RunEvent.seq > seq)
            .order_by(RunEvent.seq, RunEvent.id)
        )
        with self._tx() as s:
            return [EventRecord(*row) for row in s.execute(query)]


# ---- helpers: values ---------------------------------------------------------------------
def to_record(run: Run) -> RunRecord:
    """A plain copy of a loaded Run row."""
    return RunRecord(
        id=run.id, name=run.name, status=RunStatus(run.status), dataset=run.dataset,
        spec=run.spec, seed=run.seed, device=run.device, tags=list(run.tags), notes=run.notes,
        summary=run.summary, result=run.result, error=run.error, versions=run.versions,
        created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
        epochs_done=run.epochs_done, best_val_accuracy=run.best_val_accuracy,
        test_accuracy=run.test_accuracy, last_seq=run.last_seq,
    )  # fmt: skip


def status_event(record: RunRecord) -> EventRecord:
    """The 'status' event stored with the record's last status change, for live publishing."""
    return EventRecord(record.last_seq, STATUS_EVENT, _status_payload(record))


def clean_name(name: str) -> str:
    """A run name, stripped; ValueError if empty or too long."""
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise ValueError(f"a run name needs 1 to {MAX_NAME} characters")
    return name


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags stripped and deduplicated, in order; ValueError for an empty or long one."""
    if isinstance(tags, str):  # a lone string would iterate as its characters
        raise TypeError("tags must be a list of strings, not one string")
    clean = [t.strip() for t in tags]
    bad = [t for t in clean if not 1 <= len(t) <= MAX_TAG]
    if bad:
        raise ValueError(f"a tag needs 1 to {MAX_TAG} characters, got {bad[0]!r}")
    return list(dict.fromkeys(clean))


def _test_accuracy(result: dict[str, Any]) -> float | None:
    """The test-set accuracy of a RunResult dict (None for regression or untested runs)."""
    value = (result.get("test") or {}).get("accuracy")
    return float(value) if isinstance(value, int | float) else None


def _status_payload(run: Run | RunRecord) -> dict[str, Any]:
    return {"status": str(run.status), "error": run.error}


def _best_val_accuracy(rows: Sequence[MetricRow]) -> float | None:
    values = [r.value for r in rows if (r.split, r.name) == VAL_ACCURACY and math.isfinite(r.value)]
    return max(values, default=None)


# ---- helpers: statements --------------------------------------------------------------------
def _filters(
    status: str | None, name: str | None, dataset: str | None, tag: str | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if status is not None:
        where.append(Run.status == RunStatus(status).value)
    if name:
        where.append(Run.name.ilike(f"%{_escape_like(name)}%", escape="\\"))
    if dataset is not None:
        where.append(Run.dataset == dataset)
    if tag is not None:
        where.append(Run.id.in_(select(RunTag.run_id).where(RunTag.tag == tag)))
    return where


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _raised(column: InstrumentedAttribute[Any], value: float) -> ColumnElement[Any]:
    """SQL for max(column, value), NULL counting as lowest (portable: no GREATEST)."""
    return case((or_(column.is_(None), column < value), value), else_=column)


def _update_run(s: Session, run_id: int, values: dict[str, Any]) -> Run | None:
    query = update(Run).where(Run.id == run_id).values(values).returning(Run)
    return s.scalars(query).one_or_none()


def _move(
    s: Session, new: RunStatus, where: ColumnElement[bool], values: dict[str, Any]
) -> list[Run]:
    """Move the runs matching `where` to `new`, where the state machine allows it.

    One UPDATE whose WHERE admits only legal source states: a compare-and-set, so two
    racing writers cannot both move a run. Each moved run gets a 'status' event.
    """
    now = utcnow()
    values = {"status": new.value, "last_seq": Run.last_seq + 1, **values}
    if new is RunStatus.RUNNING:
        values["started_at"] = now
    if new in TERMINAL:
        values["finished_at"] = now
    legal = Run.status.in_([old.value for old in sources(new)])
    query = update(Run).where(where, legal).values(values).returning(Run)
    moved = list(s.scalars(query))
    for run in moved:
        _insert_events(s, run.id, run.last_seq, [(STATUS_EVENT, _status_payload(run))])
    return moved


def _insert_tags(s: Session, run_id: int, tags: list[str]) -> None:
    if tags:
        s.execute(insert(RunTag), [{"run_id": run_id, "tag": t} for t in tags])


def _insert_metrics(s: Session, run_id: int, seq: int, rows: Sequence[MetricRow]) -> None:
    if rows:
        params = [
            {"run_id": run_id, "seq": seq, "step": r.step, "epoch": r.epoch,
             "split": r.split, "name": r.name, "value": r.value}
            for r in rows
        ]  # fmt: skip
        s.execute(insert(METRICS), params)


def _insert_events(
    s: Session, run_id: int, seq: int, events: Sequence[tuple[str, dict[str, Any]]]
) -> None:
    if events:
        now = utcnow()
        params = [
            {"run_id": run_id, "seq": seq, "type": t, "payload": p, "created_at": now}
            for t, p in events
        ]
        s.execute(insert(EVENTS), params)
