"""Keyset pagination over runs: ORDER BY (sort key, id), cursors that name the last row seen.

No OFFSET: a deep page costs what the first one does, and rows added or deleted while a
client pages do not shift what it sees.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from playground.store.errors import InvalidCursorError
from playground.store.models import Run
from playground.store.records import RunRecord

SORT_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "created_at": Run.created_at,
    "name": Run.name,
    "status": Run.status,
    "test_accuracy": Run.test_accuracy,
    "best_val_accuracy": Run.best_val_accuracy,
}
NULLABLE = frozenset({"test_accuracy", "best_val_accuracy"})  # runs without a value yet


@dataclass(frozen=True, slots=True)
class Keyset:
    """One sort order of the runs table: its ORDER BY, cursors and "after this row" filter.

    Runs without a value of a nullable key come last in both directions.
    """

    sort: str
    descending: bool

    def __post_init__(self) -> None:
        if self.sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort {self.sort!r}; choose one of {sorted(SORT_COLUMNS)}")

    @property
    def column(self) -> InstrumentedAttribute[Any]:
        return SORT_COLUMNS[self.sort]

    @property
    def nullable(self) -> bool:
        return self.sort in NULLABLE

    def order_by(self) -> list[ColumnElement[Any]]:
        """ORDER BY (key, id), both in the chosen direction; NULL keys last."""
        key = self.column.desc() if self.descending else self.column.asc()
        tie = Run.id.desc() if self.descending else Run.id.asc()
        return [key.nulls_last() if self.nullable else key, tie]

    def after(self, key: Any, run_id: int) -> ColumnElement[bool]:
        """Rows that come after the row (key, run_id) in this order."""
        beyond = operator.lt if self.descending else operator.gt
        if key is None:  # already in the NULL tail: only its later ids remain
            return and_(self.column.is_(None), beyond(Run.id, run_id))
        # key <= k AND (key < k OR id < i) for descending: the first term is a plain
        # range an index can seek; the second drops the rows of k already seen.
        reached = self.column <= key if self.descending else self.column >= key
        past = or_(beyond(self.column, key), beyond(Run.id, run_id))
        clause = and_(reached, past)
        return or_(clause, self.column.is_(None)) if self.nullable else clause

    def encode(self, record: RunRecord) -> str:
        """An opaque, URL-safe cursor pointing just after `record`."""
        key = getattr(record, self.sort)
        if isinstance(key, datetime):
            key = key.isoformat()
        data = {"s": self.sort, "d": self.descending, "k": key, "i": record.id}
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, int]:
        """The (key, id) a cursor points after; InvalidCursorError if it is not one of ours."""
        data = _load(cursor)
        if data.get("s") != self.sort or data.get("d") != self.descending:
            raise InvalidCursorError("the cursor belongs to another sort order; start again")
        run_id = data.get("i")
        key: Any = data.get("k")
        if not isinstance(run_id, int) or not self._valid_key(key):
            raise InvalidCursorError("malformed cursor")
        return (_parse_time(key) if self.sort == "created_at" else key), run_id

    def _valid_key(self, key: Any) -> bool:
        if key is None:
            return self.nullable
        if self.nullable:
            return isinstance(key, int | float) and not isinstance(key, bool)
        return isinstance(key, str)


def _load(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError) as e:  # UnicodeDecodeError and JSON errors too
        raise InvalidCursorError("malformed cursor") from e
    if not isinstance(data, dict):
        raise InvalidCursorError("malformed cursor")
    return data


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise InvalidCursorError("malformed cursor") from e
    if moment.tzinfo is None:
        raise InvalidCursorError("malformed cursor")
    return moment
