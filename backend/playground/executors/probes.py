"""Inspect views and short experiments (the learning-rate finder, sanity checks) run here:
a small pool of spawned processes, apart from the API's event loop and from the training
workers, each with one torch thread.

A probe process keeps the last few data sets and snapshots it loaded, so the views a
learner asks for one after another (another sample, another eps) cost one forward and
backward pass, not a data load and a model build.
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

from playground.ml.datasets import DataContext, LoadedData, load
from playground.ml.errors import ErrorItem, SpecError
from playground.ml.inspect import inspect, parse_view
from playground.ml.lr_find import lr_find
from playground.ml.sanity import sanity
from playground.ml.snapshots import SnapshotError, load_snapshot
from playground.ml.spec import RunSpec
from playground.ml.threads import choose_threads, use_threads

CACHED = 4  # data sets and models each process keeps
TIMEOUT = 60.0  # seconds a view or experiment may take before the caller gives up


@dataclass(frozen=True)
class Probe:
    """One view to compute: the run's spec, the snapshot file and the request, as JSON."""

    spec_json: str
    snapshot: Path
    request: dict[str, Any]


TaskKind = Literal["lr_find", "sanity"]


@dataclass(frozen=True)
class Task:
    """One experiment on a fresh copy of a spec's model: its kind, the spec as JSON and the
    experiment's keyword arguments."""

    kind: TaskKind
    spec_json: str
    args: dict[str, Any]


class ViewTimeoutError(Exception):
    """A view or an experiment took longer than TIMEOUT."""


class ProbePool:
    """Computes views in `processes` spawned processes (started lazily, reused)."""

    def __init__(self, *, processes: int = 1, data_dir: Path | None = None) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),  # never fork the API process
            initializer=_init,
            initargs=(data_dir,),
        )

    def warm_up(self) -> None:
        """Start the processes now (imports take seconds), not on the first request."""
        self._pool.submit(int)

    def run(self, probe: Probe, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The view's JSON; SpecError (with paths) when the request does not fit the run."""
        result: dict[str, Any] = self.run_job(compute, probe, timeout)
        return result

    def run_task(self, task: Task, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The experiment's JSON; SpecError (with paths) when the spec cannot run it."""
        reply: dict[str, Any] = self.run_job(experiment, task, timeout)
        return reply

    def run_job(self, job: Job, arg: Any, timeout: float = TIMEOUT) -> Any:
        """job(arg, ctx) in a probe process (experiments, exports, ensembles); SpecError as
        in run()."""
        future = self._pool.submit(job_reply, job, arg)
        try:
            return unwrap(future.result(timeout))
        except FutureTimeout:
            raise ViewTimeoutError(
                f"this took longer than {timeout:g} s; try a smaller request"
            ) from None

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


# ---- in the probe process ---------------------------------------------------------------
_ctx = DataContext()
_data: OrderedDict[str, LoadedData] = OrderedDict()
_models: OrderedDict[tuple[str, Path, int], nn.Module] = OrderedDict()  # by file version


def _init(data_dir: Path | None) -> None:
    global _ctx
    use_threads(choose_threads(0, cores=1))  # views are small; the cores belong to training
    _ctx = DataContext(data_dir=data_dir)


Reply = tuple[str, Any]  # ("ok", result) or ("error", [(loc, msg, type), ...])
Job = Callable[[Any, DataContext], Any]  # a module-level function (it is pickled by name)


def experiment(task: Task, ctx: DataContext) -> dict[str, Any]:
    """run_task() on the CPU, as views are (GPUs belong to the training workers, whose runs a
    probe's allocations could push out of memory)."""
    return run_task(task, ctx, device="cpu")


def job_reply(job: Job, arg: Any) -> Reply:
    """job(arg, ctx) with its SpecError as plain data (a SpecError does not survive
    pickling)."""
    try:
        return "ok", job(arg, _ctx)
    except SpecError as e:
        return "error", [(e.loc, e.msg, e.type) for e in e.errors]


def unwrap(reply: Reply) -> Any:
    kind, body = reply
    if kind == "error":
        raise SpecError([ErrorItem(tuple(loc), msg, type_) for loc, msg, type_ in body])
    return body


def compute(probe: Probe, ctx: DataContext) -> dict[str, Any]:
    """The view for one probe, loading (or reusing) the run's data and snapshot."""
    if not probe.snapshot.is_file():
        raise SpecError.at(("epoch",), "the snapshot file of that epoch is missing on the server")
    spec = RunSpec.model_validate_json(probe.spec_json)
    request = parse_view(probe.request)
    data = cached_data(spec, ctx)
    model = cached_model(probe.spec_json, spec, probe.snapshot, ctx)
    with torch.random.fork_rng():  # views that sample (text continuations) are seeded
        torch.manual_seed(0)
        return inspect(spec, model, data, request, ctx=ctx)


def run_task(task: Task, ctx: DataContext, device: str | None = None) -> dict[str, Any]:
    """One experiment on a validated spec, with its data loaded (or reused); on `device`, or
    the spec's own."""
    spec = RunSpec.model_validate_json(task.spec_json)
    data = _cached(_data, spec.data.model_dump_json(), lambda: load(spec.data, ctx))
    if task.kind == "lr_find":
        return lr_find(spec, data, device=device, **task.args)
    return {"checks": sanity(spec, data, device=device, **task.args)}


def cached_data(spec: RunSpec, ctx: DataContext) -> LoadedData:
    """The run's data set, loaded once per process for the last CACHED specs."""
    data: LoadedData = _cached(_data, spec.data.model_dump_json(), lambda: load(spec.data, ctx))
    return data


def cached_model(
    spec_json: str,
    spec: RunSpec,
    snapshot: Path,
    ctx: DataContext,
    loc: tuple[str | int, ...] = ("epoch",),
) -> nn.Module:
    """The spec's model with a snapshot's weights (eval mode); SpecError at `loc` when the
    file is missing or does not fit."""
    if not snapshot.is_file():
        raise SpecError.at(loc, "the snapshot file of that epoch is missing on the server")
    key = (spec_json, snapshot, snapshot.stat().st_mtime_ns)
    try:
        model: nn.Module = _cached(_models, key, lambda: load_snapshot(spec, snapshot, ctx))
    except SnapshotError as e:  # a server-side file that does not fit: say so, not a 500
        raise SpecError.at(loc, f"this snapshot cannot be used: {e}") from e
    return model


def _cached(cache: OrderedDict[Any, Any], key: Any, make: Any) -> Any:
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = make()
        while len(cache) > CACHED:
            cache.popitem(last=False)
    return cache[key]
