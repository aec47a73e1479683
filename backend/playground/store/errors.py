"""Errors the store raises besides IllegalTransition (see states.py)."""

from __future__ import annotations


class RunNotFoundError(LookupError):
    """No run has this id (never created, or deleted)."""

    def __init__(self, run_id: int) -> None:
        super().__init__(f"run {run_id} does not exist")
        self.run_id = run_id


class InvalidCursorError(ValueError):
    """A page cursor that is malformed or was made for another sort order."""
