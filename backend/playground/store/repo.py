"""RunStore: the only code that writes runs, metrics and stream events.

Every public method is one short transaction and returns plain records. Writes start with
their write statement (an UPDATE ... RETURNING or INSERT), so on SQLite each takes the
write lock first and waits out a busy writer (busy_timeout) instead of failing later.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Double, Engine, Integer, Update, bindparam, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from playground.store.blocks import summarize, upsert_blocks
from playground.store.db import snapshot_reads
from playground.store.errors import RunNotFoundError
from playground.store.models import Metric, Run, RunEvent, RunTag, Snapshot
from playground.store.pagination import Keyset
from playground.store.records import (
    Batch,
    EventRecord,
    MetricRecord,
    MetricRow,
    Page,
    Point,
    RunRecord,
    SnapshotRecord,
    StatusChange,
)
from playground.store.rows import (
    RUNS,
    STATUS_EVENT,
    best_val_accuracy,
    clean_name,
    clean_tags,
    filters,
    insert_events,
    insert_metrics,
    insert_snapshots,
    insert_tags,
    move,
    no_nul,
    raised,
    status_payload,
    storable_message,
    test_accuracy_of,
    to_record,
    update_run,
)
from playground.store.series import (
    read_after,
    read_at,
    read_batches,
    read_downsampled,
    read_series,
)
from playground.store.states import IllegalTransition, RunStatus

MAX_PAGE = 500


class RunStore:
    """Runs, their metrics and their stream events, over one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._snapshot = snapshot_reads(engine)  # for reads of several queries
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # ---- runs -----------------------------------------------------------------------
    def create_run(
        self,
        *,
        name: str,
        spec: dict[str, Any],
        dataset: str,
        seed: int,
        tags: Iterable[str] = (),
        owner_id: int | None = None,
    ) -> RunRecord:
        """Store a new queued run, with its first 'status' event (seq 1)."""
        clean = clean_tags(tags)
        run = Run(
            name=clean_name(name), status=RunStatus.QUEUED.value, dataset=dataset,
            spec=spec, seed=seed, tags=clean, last_seq=1, owner_id=owner_id, shared=False,
        )  # fmt: skip
        with self._tx() as s:
            s.add(run)
            s.flush()  # assigns the id
            insert_tags(s, run.id, clean)
            insert_events(s, [(run.id, 1, STATUS_EVENT, status_payload(run))])
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
        sweep_id: int | None = None,
        owner_id: int | None = None,
        sort: str = "created_at",
        descending: bool = True,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[RunRecord]:
        """One page of runs; pass the returned next_cursor (same sort) for the next page.

        `name` matches a substring, ignoring case (ASCII only on SQLite); `tag` matches a
        whole tag; `sweep_id` keeps a sweep's trials; `owner_id` one user's runs. Raises ValueError for a bad sort, status or limit, InvalidCursorError (a
        ValueError) for a bad cursor.
        """
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}, got {limit}")
        keyset = Keyset(sort, descending)
        query = select(Run).where(*filters(status, name, dataset, tag, sweep_id, owner_id))
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
        shared: bool | None = None,
    ) -> RunRecord:
        """Rename, retag, annotate or share a run; None leaves a field as it is."""
        values: dict[str, Any] = {}
        if shared is not None:
            values["shared"] = shared
        if name is not None:
            values["name"] = clean_name(name)
        if notes is not None:
            values["notes"] = no_nul(notes, "notes")
        clean = None if tags is None else clean_tags(tags)
        if clean is not None:
            values["tags"] = clean
        with self._tx() as s:
            run = update_run(s, run_id, values) if values else s.get(Run, run_id)
            if run is None:
                raise RunNotFoundError(run_id)
            if clean is not None:
                s.execute(delete(RunTag).where(RunTag.run_id == run_id))
                insert_tags(s, run_id, clean)
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
        result['test']['accuracy'] to test_accuracy; a NUL in `error` is stored as U+FFFD.
        Raises IllegalTransition or RunNotFoundError.
        """
        values = {"error": error, "device": device, "summary": summary, "result": result}
        change = StatusChange(run_id, RunStatus(new), values | {"versions": versions})
        with self._tx() as s:
            record, _ = _set_status_in(s, change)
            return record

    def set_statuses(
        self, changes: Sequence[StatusChange]
    ) -> list[tuple[RunRecord, list[int]] | IllegalTransition]:
        """Several `set_status` calls with their events in one transaction: per change, the
        moved run and the seqs of its `before` and `after` batches (in that order), or the
        IllegalTransition that refused it (its `before` events are stored all the same, as
        a separate append would have stored them). RunNotFoundError names the first missing
        run, and then nothing is stored.

        A sweep group's 64 trials start together and end together: one commit for each
        burst instead of two for every trial.
        """
        results: list[tuple[RunRecord, list[int]] | IllegalTransition] = []
        with self._tx() as s:
            for change in changes:
                try:
                    results.append(_set_status_in(s, change))
                except IllegalTransition as e:
                    results.append(e)
        return results

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

    def queued_count(self, owner_id: int | None) -> int:
        """How many of the user's runs wait in the queue (None: runs with no owner)."""
        owner = Run.owner_id.is_(None) if owner_id is None else Run.owner_id == owner_id
        queued = Run.status == RunStatus.QUEUED.value
        query = select(func.count()).select_from(Run).where(owner, queued)
        with self._tx() as s:
            return int(s.scalar(query) or 0)

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
            moved = move(s, RunStatus.FAILED, running, {"error": storable_message(message)})
            return sorted(run.id for run in moved)

    # ---- metrics and events -------------------------------------------------------------
    def append(
        self,
        run_id: int,
        *,
        metrics: Sequence[MetricRow] = (),
        events: Sequence[tuple[str, dict[str, Any]]] = (),
        snapshots: Sequence[SnapshotRecord] = (),
        epochs_done: int | None = None,
    ) -> int:
        """Store one batch of metrics, events and snapshot rows under a new seq, atomically;
        the seq.

        The one write path for metrics and snapshots (`append_many` is the same for several
        batches). Pass `epochs_done` (EpochReport.epoch) with the batch that carries an
        epoch's metrics; best_val_accuracy follows val/accuracy rows.
        """
        batch = Batch(run_id, metrics, events, snapshots, epochs_done)
        return self.append_many([batch])[0]

    def append_many(self, batches: Sequence[Batch]) -> list[int]:
        """`append` for several batches (of one run or many) in one transaction: all are
        stored or none (RunNotFoundError names the first missing run); their seqs, in order.

        A busy server's progress comes as many small batches (a sweep group's trials each
        send ~30 a second); one commit for all that is waiting costs a fraction of one each.
        """
        with self._tx() as s:
            seqs = _append_in(s, batches)
            # The summary blocks of every batch's metrics, merged in Python first: the
            # batches of one run mostly share their open block, so it is written once.
            upsert_blocks(s.connection(), summarize(_rows_of(batches)))
            return seqs

    def metrics(
        self,
        run_id: int,
        *,
        names: Iterable[str] | None = None,
        split: str | None = None,
        max_points: int | None = None,
    ) -> dict[str, list[Point]]:
        """Every series of a run, keyed 'split/name', ordered by step.

        With max_points (>= 3), each longer series is downsampled to at most max_points
        points: its first and last points, and the lowest, highest and last point of each
        of (max_points - 1) // 3 buckets, read from the summary blocks when the series is
        long (store/series.py). An unknown run has no series.
        """
        if max_points is not None and max_points < 3:
            raise ValueError(f"max_points must be at least 3, got {max_points}")
        with self._snapshot.connect() as conn:  # one read transaction: a consistent snapshot
            return read_series(conn, run_id, names=names, split=split, max_points=max_points)

    def metrics_after(self, run_id: int, seq: int) -> list[MetricRecord]:
        """Metrics of batches after `seq`, in seq order (stream replay)."""
        with self._engine.connect() as conn:
            return read_after(conn, run_id, seq)

    def replay_cut(self, run_id: int, *, after: int, tail_rows: int) -> int | None:
        """The seq that splits the metrics of batches after `after` into a history (seq <=
        cut) and a tail of at most `tail_rows` rows; None when they all fit in the tail."""
        query = (
            select(Metric.seq)
            .where(Metric.run_id == run_id, Metric.seq > after)
            .order_by(Metric.seq.desc())
            .offset(tail_rows)
            .limit(1)
        )  # walks ix_metrics_run_id_seq backwards: tail_rows entries, however long the run
        with self._engine.connect() as conn:
            return conn.scalar(query)

    def downsampled(
        self,
        run_id: int,
        limits: Callable[[list[tuple[str, str, int]]], Mapping[tuple[str, str], int]],
    ) -> dict[tuple[str, str], list[Point]]:
        """Series downsampled each to its own max_points (>= 3), as `metrics` does, in one
        read: `limits` gets every (split, name, points) of the run and names those to read."""
        with self._snapshot.connect() as conn:
            return read_downsampled(conn, run_id, limits)

    def metrics_at(
        self,
        run_id: int,
        steps: Mapping[tuple[str, str], Collection[int]],
        *,
        after: int,
        upto: int,
    ) -> list[MetricRecord]:
        """The rows of each (split, name) series at the given steps, of the batches with
        after < seq <= upto, in seq order (a downsampled stream replay)."""
        with self._snapshot.connect() as conn:
            return read_at(conn, run_id, steps, after=after, upto=upto)

    def metrics_of_batches(self, run_id: int, seqs: Collection[int]) -> list[MetricRecord]:
        """Every metric of the batches with these seqs, in seq order."""
        with self._snapshot.connect() as conn:
            return read_batches(conn, run_id, seqs)

    def events_after(self, run_id: int, seq: int) -> list[EventRecord]:
        """Events of batches after `seq`, in seq order (stream replay)."""
        query = (
            select(RunEvent.seq, RunEvent.type, RunEvent.payload)
            .where(RunEvent.run_id == run_id, RunEvent.seq > seq)
            .order_by(RunEvent.seq, RunEvent.id)
        )
        with self._tx() as s:
            return [EventRecord(*row) for row in s.execute(query)]

    # ---- snapshots ----------------------------------------------------------------------
    def snapshots(self, run_id: int) -> list[SnapshotRecord]:
        """The run's saved weights, by epoch."""
        query = (
            select(Snapshot.epoch, Snapshot.bytes)
            .where(Snapshot.run_id == run_id)
            .order_by(Snapshot.epoch)
        )
        with self._engine.connect() as conn:
            return [SnapshotRecord(*row) for row in conn.execute(query)]

    def snapshot_totals(self) -> tuple[int, int]:
        """How many snapshot files all runs have, and their bytes."""
        query = select(func.count(), func.coalesce(func.sum(Snapshot.bytes), 0))
        with self._engine.connect() as conn:
            count, size = conn.execute(query).one()
        return int(count), int(size)


def _set_status_in(s: Session, change: StatusChange) -> tuple[RunRecord, list[int]]:
    """set_status in the open transaction, with the change's events around the move."""
    seqs = _append_in(s, [Batch(change.run_id, events=change.before)]) if change.before else []
    v = change.values
    error = v.get("error")
    fields: dict[str, Any] = {
        "error": None if error is None else storable_message(error),
        "device": v.get("device"),
        "summary": v.get("summary"),
        "versions": v.get("versions"),
    }
    values = {k: x for k, x in fields.items() if x is not None}
    if (result := v.get("result")) is not None:
        values |= {"result": result, "test_accuracy": test_accuracy_of(result)}
    moved = move(s, change.status, Run.id == change.run_id, values)
    if not moved:
        current = s.scalar(select(Run.status).where(Run.id == change.run_id))
        if current is None:
            raise RunNotFoundError(change.run_id)
        raise IllegalTransition(RunStatus(current), change.status)
    record = to_record(moved[0])
    if change.after:
        seqs += _append_in(s, [Batch(change.run_id, events=change.after)])
    return record, seqs


def _rows_of(batches: Sequence[Batch]) -> Iterator[tuple[int, MetricRow]]:
    return ((b.run_id, r) for b in batches for r in b.metrics)


def _append_in(s: Session, batches: Sequence[Batch]) -> list[int]:
    """Store batches in the open transaction; their new seqs, in order.

    Core statements on the session's connection (the ORM's per-statement work cost ~1 ms
    each here, several times the SQL itself), and one insert per table for all the
    batches: a sweep group's trials send their batches together, 64 at a time, and a
    64-trial sweep's ~1,500 batches made ~4,500 inserts, each with Core's own overhead.
    """
    conn = s.connection()
    seqs = []
    for b in batches:
        best = best_val_accuracy(b.metrics)
        query = _seq_update(best is not None, b.epochs_done is not None)
        # The UPDATE both allocates the seq and locks the run row (or, on SQLite, the
        # database) until commit, so concurrent batches of one run never share a seq.
        seq = conn.execute(query, {"run": b.run_id, "best": best, "epochs": b.epochs_done}).scalar()
        if seq is None:
            raise RunNotFoundError(b.run_id)
        seqs.append(int(seq))
    stored = list(zip(seqs, batches, strict=True))
    insert_metrics(conn, [(b.run_id, seq, *r) for seq, b in stored for r in b.metrics])
    insert_events(conn, [(b.run_id, seq, t, p) for seq, b in stored for t, p in b.events])
    insert_snapshots(conn, [(b.run_id, f) for _, b in stored for f in b.snapshots])
    return seqs


@functools.cache
def _seq_update(best: bool, epochs: bool) -> Update:
    """The UPDATE that gives a batch its seq (and raises the run's best val accuracy and
    epochs done, when the batch has them), built once: building the expressions anew cost
    more than running them."""
    values: dict[str, Any] = {"last_seq": RUNS.c.last_seq + 1}
    if best:
        values["best_val_accuracy"] = raised(
            RUNS.c.best_val_accuracy, bindparam("best", type_=Double())
        )
    if epochs:
        values["epochs_done"] = raised(RUNS.c.epochs_done, bindparam("epochs", type_=Integer()))
    return (
        update(RUNS).where(RUNS.c.id == bindparam("run")).values(values).returning(RUNS.c.last_seq)
    )
