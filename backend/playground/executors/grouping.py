"""Which submitted trials train together in one worker, and how large each group may be.

`plan_groups` turns a list of jobs (a sweep's trials) into queue entries: trials whose
grouper keys are equal share an entry, which one worker trains with `ml.vectorized.
train_group`; a trial with no key (or a spec that does not parse or validate) is an entry
of its own, trained alone like any run (the worker reports why a bad one fails).

Group size, by memory: a group trains its trials as one batched model, so it holds the
sum of their parameters (with gradients and optimizer state) and activations. Each group
is kept within what the limits admit for ONE run — at most `Limits.max_parameters`
parameters and `Limits.max_flops_per_sample` forward FLOPs per sample (activations grow
with these) over all its trials, and within `Limits.max_run_memory` with each trial's own
memory (weights, activations, evaluation) counted once per trial and the data set and the
process once (ml/memory.py) — so a worker that can train the largest admitted run can
train any group. And at most MAX_TRIALS trials (the control block's cancel flags; 256 is
the sweep size the issue measures). The course's 2-8-8-2 spiral net has 114 parameters:
256 of them are 29k, nowhere near either budget.

Spread: a large group is split over the workers (at least MIN_SHARE trials each), as its
trials alone would have been: 64 trials on 2 workers train as two groups of 32 at once.
Parts are contiguous and balanced (65 trials in two parts: 33 + 32, not 64 + 1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil

from pydantic import ValidationError

from playground.executors.control import MAX_TRIALS
from playground.ml.datasets import DataContext
from playground.ml.errors import SpecError
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from playground.ml.validate import Summary, validate
from playground.ml.vectorized import group_key

Grouper = Callable[[RunSpec], str | None]  # equal keys may train together; None: alone
Job = tuple[int, str]  # (run_id, spec JSON text)
Entry = list[Job]  # one queue entry: a run alone, or the trials of one group, in order

# Fewest trials worth a worker of their own when a group is spread: below this a second
# worker saves little (a batched step of 8 tiny nets costs about one net's step) and
# would keep other runs waiting.
MIN_SHARE = 8


def default_grouper(spec: RunSpec) -> str | None:
    """The trainer's own rule (ml/vectorized.py) for which trials may share a group."""
    return group_key(spec)


def plan_groups(
    jobs: Sequence[Job],
    *,
    grouper: Grouper,
    limits: Limits,
    ctx: DataContext,
    workers: int,
) -> list[Entry]:
    """Queue entries for `jobs`, each placed where its first trial was submitted."""
    keyed: dict[str, list[Job]] = {}
    # key -> the largest (params, FLOPs/sample, own memory, shared memory) of a trial
    sizes: dict[str, tuple[int, int, int, int]] = {}
    order: list[Entry | str] = []  # entries alone, and group keys where each group starts
    summaries: dict[str, Summary | None] = {}  # validations shared by equal data + model
    for job in jobs:
        spec = _parse(job[1])
        key = None if spec is None else grouper(spec)
        summary = None if spec is None or key is None else _summary(spec, limits, ctx, summaries)
        if key is None or summary is None:
            order.append([job])
            continue
        if key not in keyed:
            keyed[key] = []
            order.append(key)
        keyed[key].append(job)
        mem = summary.memory.parts
        own = mem["weights"] + mem["activations"] + mem["evaluation"]
        shared = mem["data"] + mem["process"]
        p, f, o, sh = sizes.get(key, (0, 0, 0, 0))
        sizes[key] = max(p, summary.params), max(f, summary.flops), max(o, own), max(sh, shared)
    entries: list[Entry] = []
    for item in order:
        if isinstance(item, str):
            params, flops, own, shared = sizes[item]
            entries += split(
                keyed[item], params, flops, limits=limits, workers=workers,
                memory=(own, shared),
            )  # fmt: skip
        else:
            entries.append(item)
    return entries


def split(
    trials: list[Job],
    params: int,
    flops: int,
    *,
    limits: Limits,
    workers: int,
    memory: tuple[int, int] = (0, 0),
) -> list[Entry]:
    """Balanced contiguous parts of one group, each within the size rules in the module doc;
    `params` and `flops` (per sample) are those of its largest trial, `memory` its bytes
    that each trial adds and those the group shares (data set, process)."""
    n = len(trials)
    own, shared = memory
    limit = limits.max_run_memory
    by_memory = MAX_TRIALS if limit is None or own == 0 else (limit - shared) // own
    most = max(  # trials in one part
        1,
        min(
            MAX_TRIALS,
            limits.max_parameters // max(1, params),
            limits.max_flops_per_sample // max(1, flops),
            by_memory,
        ),
    )
    parts = max(ceil(n / most), min(workers, n // MIN_SHARE), 1)
    size, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(trials[start:end])
        start = end
    return out


def _parse(spec_json: str) -> RunSpec | None:
    try:
        return RunSpec.model_validate_json(spec_json)
    except ValidationError:
        return None


def _summary(
    spec: RunSpec, limits: Limits, ctx: DataContext, seen: dict[str, Summary | None]
) -> Summary | None:
    """The spec's validation (parameters, FLOPs), shared by trials with equal data and
    model (a grid over lr and seeds validates once: ~1 ms each); None when it does not
    validate. Only sizes are taken from it: a trial whose training settings break a limit
    may still join a group, and the trainer fails that trial alone, saying why."""
    shape = spec.model_dump_json(include={"data", "model"})
    if shape not in seen:
        try:
            seen[shape] = validate(spec, limits=limits, ctx=ctx)
        except SpecError:
            seen[shape] = None
    return seen[shape]
