"""Sweeps over run specs: values at JSON paths ("training.optimizer.lr",
"model.layers[0].out_features"), and a sweep request expanded into trial specs.

Pure: plain dicts in, plain dicts out. Each trial spec is still unvalidated; the sweeps
service validates every one before anything is stored.
"""

from __future__ import annotations

import copy
import itertools
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from playground.ml.errors import ErrorItem, SpecError, format_path
from playground.ml.spec import NO_NUL, RunSpec

Loc = tuple[str | int, ...]
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d{1,4}\])*)$")
_INDEX = re.compile(r"\[(\d+)\]")
MAX_PATH = 200  # characters
SEED_PATH = ("training", "seed")
MAX_SEED = 2**32 - 1  # as ml.spec.TrainingSpec.seed
MAX_PATHS = 32  # paths per grid / random section: each costs a copy of the spec per trial


def parse_path(path: str) -> Loc:
    """'model.layers[0].out_features' -> ('model', 'layers', 0, 'out_features');
    ValueError for anything else than dotted names with [index] suffixes."""
    if not path or len(path) > MAX_PATH:
        raise ValueError(f"a path needs 1 to {MAX_PATH} characters")
    loc: list[str | int] = []
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            raise ValueError(
                f"'{segment}' is not a field name with optional [index] parts, as in "
                "'model.layers[0].out_features'"
            )
        loc.append(match.group(1))
        loc.extend(int(i) for i in _INDEX.findall(match.group(2)))
    return tuple(loc)


def get_path(spec: Any, loc: Loc) -> Any:
    """The value at `loc`; KeyError / IndexError / TypeError when there is none."""
    value = spec
    for part in loc:
        value = value[part]
    return value


def set_path(spec: dict[str, Any], loc: Loc, value: Any, defaults: Any = None) -> dict[str, Any]:
    """A copy of `spec` with `value` at `loc`. A missing dict on the way is copied from
    `defaults` (the same spec with its defaults filled in), so 'training.optimizer.lr' works
    on a spec that names no optimizer. ValueError (saying where) when the path cannot lead
    anywhere: a missing list item, a field inside a number, a section neither has."""
    out = copy.deepcopy(spec)
    node: Any = out
    fallback = defaults
    for depth, part in enumerate(loc[:-1]):
        child = _child(node, part, loc[: depth + 1])
        if child is _MISSING:
            child = copy.deepcopy(_child(fallback, part, loc[: depth + 1], quiet=True))
            if child is _MISSING or not isinstance(child, dict | list):
                raise ValueError(f"the spec has no section at {_show(loc[: depth + 1])}")
            node[part] = child
        node = child
        fallback = _child(fallback, part, loc[: depth + 1], quiet=True)
    last = loc[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or not 0 <= last < len(node):
            raise ValueError(f"there is no item {_show(loc)}")
    elif not isinstance(node, dict):
        raise ValueError(f"{_show(loc[:-1])} holds no fields")
    node[last] = copy.deepcopy(value)
    return out


class _Missing:
    pass


_MISSING: Any = _Missing()


def _child(node: Any, part: str | int, loc: Loc, quiet: bool = False) -> Any:
    if isinstance(part, int):
        if isinstance(node, list) and 0 <= part < len(node):
            return node[part]
        if quiet:
            return _MISSING
        raise ValueError(f"there is no item {_show(loc)}")
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if quiet:
        return _MISSING
    raise ValueError(f"{_show(loc[:-1])} holds no fields")


def _show(loc: Loc) -> str:
    return format_path(loc)


# ---- the request --------------------------------------------------------------------
class LogUniform(BaseModel):
    """A number drawn evenly on a log scale between lo and hi (learning rates)."""

    model_config = ConfigDict(extra="forbid")
    log_uniform: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]


class Uniform(BaseModel):
    """A number drawn evenly between lo and hi."""

    model_config = ConfigDict(extra="forbid")
    uniform: tuple[float, float]


class Choice(BaseModel):
    """One of the listed values, each as likely."""

    model_config = ConfigDict(extra="forbid")
    choice: list[Any] = Field(min_length=1, max_length=1000)


Distribution = LogUniform | Uniform | Choice


class RandomSearch(BaseModel):
    """`n` samples, each drawing every path from its distribution. On the wire the paths sit
    beside "n": {"training.optimizer.lr": {"log_uniform": [1e-4, 0.1]}, "n": 8}."""

    model_config = ConfigDict(extra="forbid")
    n: int = Field(ge=1, le=10_000, description="How many samples.")
    paths: dict[str, Distribution] = Field(
        min_length=1, max_length=MAX_PATHS, description="Path -> distribution."
    )

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        if isinstance(data, dict) and "paths" not in data:
            rest = {k: v for k, v in data.items() if k != "n"}
            return {"n": data.get("n"), "paths": rest}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> RandomSearch:
        for path, dist in self.paths.items():
            pair = getattr(dist, "log_uniform", None) or getattr(dist, "uniform", None)
            if pair is not None and not pair[0] <= pair[1]:
                raise ValueError(f"{path}: the range [lo, hi] needs lo <= hi")
        return self


Metric = Literal["val_accuracy", "val_loss", "train_loss", "train_accuracy", "test_accuracy"]


class SweepRequest(BaseModel):
    """A sweep: the base run spec and what to vary (grid, random samples, seeds)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200, pattern=NO_NUL, description="A label for the sweep.")
    base: dict[str, Any] = Field(description="The run spec every trial starts from.")
    grid: dict[str, list[Any]] = Field(
        default_factory=dict,
        max_length=MAX_PATHS,
        description="Path -> values; every combination is a trial (cartesian product).",
    )
    random: RandomSearch | None = Field(None, description="Random samples, times the grid.")
    seeds: int = Field(
        1, ge=1, le=1000, description="Copies of each trial with training.seed = base + i."
    )
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seeds the random samples.")
    metric: Metric | None = Field(
        None, description="What 'best' means; default val_accuracy, or val_loss for regression."
    )

    @model_validator(mode="after")
    def _grid_values(self) -> SweepRequest:
        empty = [path for path, values in self.grid.items() if not values]
        if empty:
            raise ValueError(f"grid.{empty[0]}: give at least one value")
        return self

    def paths(self) -> list[str]:
        """The paths the sweep varies: the grid's, then the random ones."""
        return [*self.grid, *(self.random.paths if self.random else {})]

    def trial_count(self) -> int:
        """How many trials the request expands to (computed without expanding it)."""
        count = math.prod(len(v) for v in self.grid.values())
        return count * (self.random.n if self.random else 1) * self.seeds


@dataclass(frozen=True)
class Trial:
    """One point of a sweep: its parameters and its (unvalidated) run spec."""

    index: int
    params: dict[str, Any]  # path -> value, in request order (grid, then random)
    replicate: int  # 0..seeds-1: which copy of the same params
    spec: dict[str, Any]

    def label(self) -> str:
        """'training.optimizer.lr=0.01, seed copy 1', for error messages."""
        parts = [f"{k}={v!r}" for k, v in self.params.items()]
        if self.replicate:
            parts.append(f"seed copy {self.replicate}")
        return ", ".join(parts) or "the base spec"


def resolved(base: dict[str, Any]) -> dict[str, Any] | None:
    """The base with every default filled in, or None when it does not parse."""
    try:
        return RunSpec.model_validate(base).model_dump(mode="json")
    except ValidationError:
        return None


def expand(request: SweepRequest) -> list[Trial]:
    """Every trial of the request: grid x random samples x seeds, in that nesting order.
    SpecError naming `grid.<path>` / `random.<path>` for a path that leads nowhere."""
    defaults = resolved(request.base)
    paths = _checked_paths(request, defaults)
    grid = list(itertools.product(*request.grid.values())) or [()]
    samples = _samples(request) if request.random else [{}]
    trials: list[Trial] = []
    for values in grid:
        for sample in samples:
            params = dict(zip(request.grid, values, strict=True)) | sample
            spec = request.base
            for path, value in params.items():
                spec = set_path(spec, paths[path][1], value, defaults)
            trials.extend(_copies(len(trials), params, spec, request.seeds, defaults))
    return trials


def _checked_paths(request: SweepRequest, defaults: Any) -> dict[str, tuple[str, Loc]]:
    """path -> (section, loc); every path parses and leads somewhere in the base."""
    found: dict[str, tuple[str, Loc]] = {}
    errors: list[ErrorItem] = []
    sections: list[tuple[str, dict[str, Any]]] = [
        ("grid", request.grid),
        ("random", dict(request.random.paths) if request.random else {}),
    ]
    for section, table in sections:
        for path, values in table.items():
            try:
                loc = parse_path(path)
                sample = values[0] if isinstance(values, list) else None
                set_path(request.base, loc, sample, defaults)
            except ValueError as e:
                errors.append(ErrorItem((section, path), str(e), "path_invalid"))
                continue
            if path in found:
                errors.append(ErrorItem((section, path), "the path is in both grid and random"))
            found[path] = (section, loc)
    if errors:
        raise SpecError(errors)
    return found


def _samples(request: SweepRequest) -> list[dict[str, Any]]:
    """`n` draws of every random path, reproducible from request.seed."""
    assert request.random is not None
    rng = random.Random(request.seed)
    return [
        {path: _draw(rng, dist) for path, dist in request.random.paths.items()}
        for _ in range(request.random.n)
    ]


def _draw(rng: random.Random, dist: Distribution) -> Any:
    if isinstance(dist, LogUniform):
        lo, hi = dist.log_uniform
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))
    if isinstance(dist, Uniform):
        return rng.uniform(*dist.uniform)
    return copy.deepcopy(rng.choice(dist.choice))


def _copies(
    start: int, params: dict[str, Any], spec: dict[str, Any], seeds: int, defaults: Any
) -> Iterator[Trial]:
    """`seeds` copies of one parameter set, training.seed = its seed + i (one copy: as is)."""
    if seeds == 1:
        yield Trial(start, params, 0, spec)
        return
    try:
        first = int(get_path(spec, SEED_PATH))
    except (KeyError, IndexError, TypeError, ValueError):
        first = 0
    for i in range(seeds):
        seeded = set_path(spec, SEED_PATH, (first + i) % (MAX_SEED + 1), defaults)
        yield Trial(start + i, params, i, seeded)
