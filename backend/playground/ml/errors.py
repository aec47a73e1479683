"""Spec errors (a JSON path and a reason each), and pydantic's errors turned into them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BRANCHES = {"int", "float", "str", "bool", "none", "list", "dict", "tuple"}
# Discriminators other than `type` that select a kind: the error goes at that field and
# names the kind in the learner's words ("unknown data set 'spirl'" at data.dataset).
_KIND_FIELDS = {"dataset": "data set"}


@dataclass(frozen=True)
class ErrorItem:
    """One validation problem: a JSON path into the spec and the reason."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"

    @property
    def path(self) -> str:
        return format_path(self.loc)

    @property
    def text(self) -> str:
        """'path: reason', without repeating a path the reason already starts with."""
        return (
            self.msg
            if not self.path or self.msg.startswith(self.path)
            else f"{self.path}: {self.msg}"
        )

    def as_dict(self) -> dict[str, object]:
        return {"loc": list(self.loc), "path": self.path, "msg": self.msg, "type": self.type}


class SpecError(ValueError):
    """A spec that parses but cannot be built or trained (shapes, sizes, limits, files)."""

    def __init__(self, errors: list[ErrorItem]) -> None:
        self.errors = errors
        super().__init__("; ".join(e.text for e in errors))

    @classmethod
    def at(cls, loc: tuple[str | int, ...], msg: str, type: str = "value_error") -> SpecError:
        return cls([ErrorItem(loc, msg, type)])


def format_path(loc: tuple[str | int, ...]) -> str:
    """('model', 'layers', 3, 'kernel_size') -> 'model.layers[3].kernel_size'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _is_branch(part: str | int) -> bool:
    """pydantic names union members in the loc (a tag, 'constrained-int', "literal['full']")."""
    # Imported here: the registry imports every layer and data set, and they raise SpecError.
    from playground.ml.registry import TAGS

    if not isinstance(part, str):
        return False
    return part in TAGS or part in _BRANCHES or not _FIELD.match(part)


def from_validation_error(
    err: ValidationError, prefix: tuple[str | int, ...] = ()
) -> list[ErrorItem]:
    """One ErrorItem per field; union members that failed at the same field are merged."""
    return from_error_dicts(err.errors(include_url=False), prefix)


def from_error_dicts(errors: Sequence[Any], prefix: tuple[str | int, ...] = ()) -> list[ErrorItem]:
    """The same for pydantic-style error dicts (e.g. FastAPI's RequestValidationError)."""
    merged: dict[tuple[str | int, ...], ErrorItem] = {}
    for e in errors:
        loc = (*prefix, *(p for p in e["loc"] if not _is_branch(p)), *_kind_field(e))
        msg = _message(e)
        if loc in merged:  # e.g. batch_size: "must be >= 1" or "should be 'full'"
            old = merged[loc]
            msg = old.msg if msg in old.msg else f"{old.msg}, or {_lower(msg)}"
            merged[loc] = ErrorItem(loc, msg, old.type)
        else:
            merged[loc] = ErrorItem(loc, msg, e["type"])
    return list(merged.values())


def _discriminator(e: Any) -> str:
    return str((e.get("ctx") or {}).get("discriminator", "type")).strip("'")


def _kind_field(e: Any) -> tuple[str, ...]:
    """(field,) when an unknown tag was given in a field named in _KIND_FIELDS."""
    field = _discriminator(e)
    return (field,) if e["type"] == "union_tag_invalid" and field in _KIND_FIELDS else ()


def _lower(msg: str) -> str:
    return msg[:1].lower() + msg[1:]


def _message(e: Any) -> str:
    ctx = e.get("ctx") or {}
    if e["type"] == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        # Case-blind, so that 'MNIST' finds 'mnist' and 'linear' finds 'Linear'.
        by_lower = {t.lower(): t for t in expected}
        close = [
            by_lower[m] for m in difflib.get_close_matches(tag.lower(), by_lower, n=1, cutoff=0.6)
        ]
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else f"; expected one of: {', '.join(expected)}"
        )
        return f"unknown {_KIND_FIELDS.get(_discriminator(e), 'type')} '{tag}'{hint}"
    if e["type"] == "union_tag_not_found":
        field = _discriminator(e)
        return f"missing the field '{field}' that selects the kind"
    return str(e["msg"]).removeprefix("Value error, ")
