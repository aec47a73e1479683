"""Tables: runs, their metrics in long form, their stream events and their tags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from playground.store.states import RunStatus

# Deterministic constraint names, identical on every backend and in the migrations.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
STATUS_CHECK = "status IN ({})".format(", ".join(f"'{s.value}'" for s in RunStatus))
# Row ids of the long tables can pass 2**31 on a busy server; SQLite needs INTEGER for
# its rowid alias (and its integers are 64-bit anyway).
RowId = BigInteger().with_variant(Integer(), "sqlite")
# Seeds go up to 2**32 - 1 (ml.spec): past PostgreSQL's INTEGER, not SQLite's.
Seed = BigInteger().with_variant(Integer(), "sqlite")
# A None in a nullable JSON column means SQL NULL, not the JSON text "null".
Json = JSON(none_as_null=True)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention."""

    metadata = MetaData(naming_convention=NAMING)


class Sweep(Base):
    """A sweep or an ablation: the request it was made from; its trials are runs."""

    __tablename__ = "sweeps"
    __table_args__ = (
        CheckConstraint("kind IN ('sweep', 'ablation')", name="kind"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # sweep | ablation
    metric: Mapped[str] = mapped_column(String(32))  # what "best" means: val_accuracy, ...
    # The request as sent: base spec, grid, random, seeds, seed (ablations: base, proposals).
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The run an ablation started from; kept (NULL) when that run is deleted.
    base_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL", use_alter=True)  # use_alter: runs <-> sweeps
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who made it (NULL: made with accounts off, by the built-in local admin).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class Upload(Base):
    """A data file accepted by POST /api/uploads; the file is <data_dir>/uploads/<id>.<ext>."""

    __tablename__ = "uploads"
    __table_args__ = (
        CheckConstraint("kind IN ('csv', 'npz', 'idx')", name="kind"),
        {"sqlite_autoincrement": True},  # ids are never reused: a run names its upload by id
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # shown to people; never part of a path
    kind: Mapped[str] = mapped_column(String(8))  # csv | npz | idx
    bytes: Mapped[int] = mapped_column(BigInteger)  # on disk
    shapes: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"x": [N, ...], "y": [N], ...}
    task: Mapped[str] = mapped_column(String(16))  # classification | regression (auto)
    columns: Mapped[list[str] | None] = mapped_column(Json)  # a CSV's header
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK until users land


class Run(Base):
    """One training run: its spec, where it is in its life, and how it ended."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="status"),
        # List queries: newest first over everything, or within one status. These also
        # serve plain lookups by status (its prefix), so status has no index of its own.
        Index("ix_runs_created_at_id", "created_at", "id"),
        Index("ix_runs_status_created_at_id", "status", "created_at", "id"),
        # AUTOINCREMENT: ids of deleted runs are never reused, so stale links stay dead.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16))
    dataset: Mapped[str] = mapped_column(String(100), index=True)  # copied from spec
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)  # full resolved spec
    seed: Mapped[int] = mapped_column(Seed)
    device: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # in order; see RunTag
    notes: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict[str, Any] | None] = mapped_column(Json)  # per-layer table
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)  # RunResult.as_dict()
    error: Mapped[str | None] = mapped_column(Text)
    versions: Mapped[dict[str, str] | None] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Copied from metrics and result so the runs table can sort on them.
    epochs_done: Mapped[int] = mapped_column(Integer, default=0)
    best_val_accuracy: Mapped[float | None] = mapped_column(Double)
    test_accuracy: Mapped[float | None] = mapped_column(Double)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # last event batch's seq
    # A sweep's trial: its sweep and {"params": {path: value}, "index": i, "replicate": j}.
    # No ON DELETE: SQLite cannot add a column with one that reflects back (see 0004), and
    # a sweep's runs are deleted explicitly, with their snapshot files, before the sweep.
    sweep_id: Mapped[int | None] = mapped_column(ForeignKey("sweeps.id"), index=True)
    trial: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # Who made it (NULL: made with accounts off); `shared`: other users may read it.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RunTag(Base):
    """One tag of one run: an exact, indexed tag filter on every backend."""

    __tablename__ = "run_tags"
    __table_args__ = (Index("ix_run_tags_tag_run_id", "tag", "run_id"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)


class Metric(Base):
    """One value of one series at one step (long form)."""

    __tablename__ = "metrics"
    __table_args__ = (
        Index("ix_metrics_run_id_name_split_step", "run_id", "name", "split", "step"),
        Index("ix_metrics_run_id_seq", "run_id", "seq"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # the event batch that carried it
    step: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(Integer)
    split: Mapped[str] = mapped_column(String(8))  # train | val | test | layer
    name: Mapped[str] = mapped_column(String(100))  # loss, accuracy, lr, 3.grad_norm, ...
    value: Mapped[float | None] = mapped_column(Double)  # NULL is NaN: SQLite stores no NaN


class MetricBlock(Base):
    """What a chart needs of one series' points in one block of BLOCK_STEPS steps (epochs
    for a per-epoch series)
    (store/blocks.py): a summary row, so long series downsample without reading every row.

    Written with the metrics, in the same transaction; a block's points may come in several
    batches and in any order (each batch's part is merged in by an upsert). min/max skip
    NaN (NULL when every value of the block is NaN); first/last are the points of smallest
    and largest step (of equal steps, the first and last stored), NaN included.
    """

    __tablename__ = "metric_blocks"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    split: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    block: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # step // 64
    n: Mapped[int] = mapped_column(Integer)  # points in the block, NaN included
    first_step: Mapped[int] = mapped_column(Integer)
    first_epoch: Mapped[int] = mapped_column(Integer)
    first_value: Mapped[float | None] = mapped_column(Double)
    last_step: Mapped[int] = mapped_column(Integer)
    last_epoch: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[float | None] = mapped_column(Double)
    min_step: Mapped[int | None] = mapped_column(Integer)
    min_epoch: Mapped[int | None] = mapped_column(Integer)
    min_value: Mapped[float | None] = mapped_column(Double)
    max_step: Mapped[int | None] = mapped_column(Integer)
    max_epoch: Mapped[int | None] = mapped_column(Integer)
    max_value: Mapped[float | None] = mapped_column(Double)


class RunEvent(Base):
    """A non-metric payload the live stream replays: status, start, boundary, result."""

    __tablename__ = "run_events"
    __table_args__ = (Index("ix_run_events_run_id_seq", "run_id", "seq"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # shared by every item of one batch
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Snapshot(Base):
    """A run's weights saved at one epoch: the file is <artifacts>/runs/<run_id>/ named by
    ml.snapshots.snapshot_name(epoch); this row registers it (written with its batch)."""

    __tablename__ = "snapshots"

    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bytes: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """An account: a name, an argon2 password hash and a role (admin sees every run)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'member')", name="role"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Token(Base):
    """An API token: only the sha256 of its secret is kept (the secret is shown once)."""

    __tablename__ = "tokens"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginSession(Base):
    """A browser's login: the sha256 of the cookie's secret is the key."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
