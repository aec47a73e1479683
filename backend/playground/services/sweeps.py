"""Sweep use cases: create (every trial validated first), ablate a run, read, cancel, delete,
and what a new viewer of a sweep's stream gets first. No HTTP here.

A trial is an ordinary run with a sweep_id; the Runs service validates, announces and
deletes runs, and this one does the same for all of a sweep's trials at once.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from playground.ml import ablation
from playground.ml.errors import ErrorItem, SpecError, from_validation_error
from playground.ml.snapshots import run_dir
from playground.ml.spec import RunSpec
from playground.ml.sweep_paths import SweepRequest, Trial, expand, parse_path
from playground.ml.transfer import sources
from playground.services.access import LOCAL_ADMIN, can_see, owner_filter
from playground.services.messages import StreamMessage, render
from playground.services.runs import Runs, check_queue_room
from playground.services.sweep_views import SweepSummary, SweepView, summary, view
from playground.store.records import NewTrial, RunRecord, SweepRecord
from playground.store.states import ACTIVE, TERMINAL
from playground.store.sweeps import SweepStore
from playground.store.users import UserRecord

MAX_ERRORS = 20  # error items reported for one rejected sweep (one per bad trial)
MAX_CURVE = 100  # epochs per trial a late viewer of a sweep's stream is sent
LIVE_TYPES = frozenset({"epoch", "boundary", "status", "result"})  # forwarded per trial


class SweepNotFoundError(LookupError):
    """No sweep has this id (never created, or deleted)."""

    def __init__(self, sweep_id: int) -> None:
        super().__init__(f"sweep {sweep_id} does not exist")
        self.sweep_id = sweep_id


@dataclass(frozen=True, slots=True)
class ProposalView:
    """One proposed ablation; `error` says why it cannot run (it was left out)."""

    label: str
    path: str
    params: dict[str, Any]
    error: str | None
    spec: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AblationView:
    """The proposals for a run, and the sweep that runs the valid ones (None if not run)."""

    base_run_id: int
    proposals: list[ProposalView]
    sweep: SweepView | None


@dataclass(frozen=True, slots=True)
class SweepReplay:
    """What a new viewer of a sweep gets first: the view, then per trial its stored epoch
    metrics (at most MAX_CURVE epochs) and newest boundary grid."""

    sweep: SweepView
    messages: list[StreamMessage]  # each a run's message, with its run_id and seq
    last_seq: dict[int, int]  # per trial: the newest batch the replay covers
    ended: frozenset[int]  # the trials that had ended

    @property
    def finished(self) -> bool:
        """Every trial had ended: nothing more will follow."""
        return len(self.ended) == len(self.last_seq)


@dataclass
class Sweeps:
    """The service the sweep routes call; built once per app, beside Runs."""

    store: SweepStore
    runs: Runs

    # ---- create ---------------------------------------------------------------------
    def create(self, *, request: SweepRequest, user: UserRecord = LOCAL_ADMIN) -> SweepView:
        """Expand, validate every trial, store the sweep and its runs (owned by `user`),
        queue them. SpecError (nothing stored) for a bad path, a bad trial or too many
        trials; QueueFullError when the user may not queue that many more runs."""
        limit = self.runs.settings.max_trials_per_sweep
        count = request.trial_count()
        if count > limit:
            raise SpecError.at(
                ("trials",),
                f"this sweep has {count} trials (grid x random samples x seeds); the limit is "
                f"{limit} (setting max_trials_per_sweep)",
                "limit_exceeded",
            )
        trials = expand(request)
        _check_base(request)
        specs = self._validated(trials, user)
        check_queue_room(self.runs, user, len(specs))
        metric = request.metric or self._default_metric(specs[0])
        dataset = specs[0].data.dataset
        name = request.name.strip() or f"{dataset} sweep"
        new = [
            NewTrial(_trial_name(name, t.index, t.label()), s.model_dump(mode="json"),
                     s.data.dataset, s.training.seed,
                     {"params": t.params, "index": t.index, "replicate": t.replicate})
            for t, s in zip(trials, specs, strict=True)
        ]  # fmt: skip
        sweep, runs = self.store.create_sweep(
            name=name, kind="sweep", metric=metric, request=request.model_dump(mode="json"),
            trials=new, owner_id=user.id,
        )  # fmt: skip
        return self._launch(sweep, runs, specs, user)

    def _validated(self, trials: list[Trial], user: UserRecord) -> list[RunSpec]:
        """Every trial's spec, checked like a run's; SpecError with ("trials", i, ...) paths
        and the trial's params in each message, listing every bad trial (up to MAX_ERRORS)."""
        specs: list[RunSpec] = []
        errors: list[ErrorItem] = []
        for t in trials:
            try:
                spec, _ = self.runs.prepare(RunSpec.model_validate(t.spec), user)
                specs.append(spec)
            except ValidationError as e:
                errors.append(_in_trial(t, from_validation_error(e)[0]))
            except SpecError as e:
                errors.append(_in_trial(t, e.errors[0]))
            if len(errors) >= MAX_ERRORS:
                break
        if errors:
            raise SpecError(errors)
        return specs

    def _default_metric(self, spec: RunSpec) -> str:
        task = self.runs.check(spec).data.target.task
        return "val_accuracy" if task == "classification" else "val_loss"

    def _launch(
        self, sweep: SweepRecord, runs: list[RunRecord], specs: list[RunSpec], user: UserRecord
    ) -> SweepView:
        """Announce the stored trials and hand them to the executor as one group."""
        for rec in runs:
            self.runs.manager.publish_status(rec)
        self.runs.executor.submit_group(
            [(rec.id, self._job(spec, user)) for rec, spec in zip(runs, specs, strict=True)],
            owner=user.id,
        )
        return view(sweep, runs, {})

    def _job(self, spec: RunSpec, user: UserRecord) -> str:
        """The worker's job text: a trial whose layers start from a stored run's weights
        carries the copies to make (and so trains alone); the rest are plain specs."""
        return self.runs.prepare(spec, user)[1] if sources(spec) else spec.model_dump_json()

    # ---- ablations --------------------------------------------------------------------
    def ablate(
        self, *, run_id: int, run: bool = True, user: UserRecord = LOCAL_ADMIN
    ) -> AblationView:
        """One trial per removable or switchable component of the run's spec; with `run`,
        a sweep of kind "ablation" (owned by `user`) runs those that validate."""
        base = self.runs.get(run_id, user)
        settings = self.runs.settings
        proposals = ablation.check(
            ablation.propose(base.spec), limits=settings.limits, ctx=settings.data_context()
        )
        shown = [
            ProposalView(p.label, p.path, {"ablation": p.label}, p.error, p.spec) for p in proposals
        ]
        valid = [p for p in proposals if p.error is None]
        if not run or not valid:
            return AblationView(run_id, shown, None)
        specs = [RunSpec.model_validate(p.spec) for p in valid]
        check_queue_room(self.runs, user, len(specs))
        new = [
            NewTrial(_trial_name(f"ablate {base.name}", i, p.label), s.model_dump(mode="json"),
                     s.data.dataset, s.training.seed,
                     {"params": {"ablation": p.label}, "index": i, "replicate": 0})
            for i, (p, s) in enumerate(zip(valid, specs, strict=True))
        ]  # fmt: skip
        request = {
            "base": base.spec,
            "proposals": [{"label": p.label, "path": p.path, "error": p.error} for p in proposals],
        }
        sweep, runs = self.store.create_sweep(
            name=f"ablate {base.name}", kind="ablation",
            metric=self._default_metric(specs[0]), request=request, trials=new,
            base_run_id=run_id, owner_id=user.id,
        )  # fmt: skip
        return AblationView(run_id, shown, self._launch(sweep, runs, specs, user))

    # ---- read -------------------------------------------------------------------------
    def sweep(self, sweep_id: int, user: UserRecord = LOCAL_ADMIN) -> SweepRecord:
        """The stored sweep; SweepNotFoundError when there is none or `user` may not see
        it (a sweep is its owner's and the admins')."""
        sweep = self.store.get_sweep(sweep_id)
        if sweep is None or not can_see(user, sweep):
            raise SweepNotFoundError(sweep_id)
        return sweep

    def get(self, *, sweep_id: int) -> SweepView:
        """The sweep with every trial's status and final metrics, and the best trial."""
        sweep = self.sweep(sweep_id)
        return view(sweep, self.store.trials(sweep_id), self.store.final_metrics(sweep_id))

    def listing(self, *, limit: int = 100, user: UserRecord = LOCAL_ADMIN) -> list[SweepSummary]:
        """The newest of `user`'s sweeps (an admin: all) first, with their trials counted
        by status."""
        sweeps = self.store.list_sweeps(limit=limit, owner_id=owner_filter(user))
        counts = self.store.status_counts([s.id for s in sweeps])
        return [summary(s, counts[s.id]) for s in sweeps]

    # ---- change -----------------------------------------------------------------------
    def cancel(self, *, sweep_id: int) -> SweepView:
        """Stop every trial that has not ended; each becomes 'cancelled' when its worker
        confirms (queued ones at once)."""
        self.sweep(sweep_id)
        for rec in self.store.trials(sweep_id):
            if rec.status in ACTIVE:
                self.runs.executor.cancel(rec.id)
        return self.get(sweep_id=sweep_id)

    def delete(self, *, sweep_id: int) -> None:
        """Cancel the active trials, then delete the sweep, its runs and their snapshots."""
        self.sweep(sweep_id)
        for rec in self.store.trials(sweep_id):
            if rec.status in ACTIVE:
                self.runs.executor.cancel(rec.id)
        gone = self.store.delete_sweep(sweep_id) or []
        artifacts = self.runs.settings.artifacts_dir()
        for run_id in gone:  # files after rows, as Runs.delete does
            shutil.rmtree(run_dir(artifacts, run_id), ignore_errors=True)
            self.runs.manager.publish_deleted(run_id)

    # ---- stream -----------------------------------------------------------------------
    def trial_ids(self, *, sweep_id: int, user: UserRecord = LOCAL_ADMIN) -> list[int] | None:
        """The sweep's run ids (a viewer subscribes to each); None: there is no such sweep
        that `user` may see."""
        sweep = self.store.get_sweep(sweep_id)
        if sweep is None or not can_see(user, sweep):
            return None
        return [r.id for r in self.store.trials(sweep_id)]

    def replay(self, *, sweep_id: int) -> SweepReplay | None:
        """The sweep now, and its trials' stored curves and newest grids (None: no such
        sweep). Subscribe to the trials first (see Runs.replay): later batches come live."""
        sweep = self.store.get_sweep(sweep_id)
        if sweep is None:
            return None
        runs = self.store.trials(sweep_id)
        last = {r.id: r.last_seq for r in runs}
        curves = self.store.epoch_metrics(sweep_id)
        grids = self.store.last_boundaries(sweep_id)
        messages: list[StreamMessage] = []
        for rec in runs:
            events = [grids[rec.id]] if rec.id in grids else []
            rendered = render(rec.id, curves.get(rec.id, []), events)
            fresh = [m for m in rendered if m["seq"] <= rec.last_seq]
            messages += _thin([m for m in fresh if m["type"] == "epoch"], MAX_CURVE)
            messages += [m for m in fresh if m["type"] == "boundary"]
        ended = frozenset(r.id for r in runs if r.status in TERMINAL)
        return SweepReplay(
            view(sweep, runs, self.store.final_metrics(sweep_id)), messages, last, ended
        )


def trial_messages(messages: list[StreamMessage]) -> list[StreamMessage]:
    """A sweep viewer's wrapping of a trial's run messages: epochs, grids, status and
    result only (not step losses or snapshots), each as {"type": "trial", "run_id",
    "message"}."""
    return [
        {"type": "trial", "run_id": m["run_id"], "message": m}
        for m in messages
        if m["type"] in LIVE_TYPES
    ]


def _check_base(request: SweepRequest) -> None:
    """SpecError at ("base", ...) for what is wrong with the base spec's own structure at
    fields no sweep path changes: it would be wrong in every trial alike."""
    try:
        RunSpec.model_validate(request.base)
        return
    except ValidationError as e:
        items = from_validation_error(e)
    swept = [parse_path(p) for p in request.paths()]
    own = [i for i in items if not any(_overlap(i.loc, loc) for loc in swept)]
    if own:
        raise SpecError([ErrorItem(("base", *i.loc), i.msg, i.type) for i in own])


def _overlap(a: tuple[str | int, ...], b: tuple[str | int, ...]) -> bool:
    """Whether one path lies inside the other (or they are the same)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _in_trial(trial: Trial, item: ErrorItem) -> ErrorItem:
    """The error at ("trials", i, *its path), saying which params the trial had."""
    return ErrorItem(
        ("trials", trial.index, *item.loc), f"{item.msg} (trial {trial.index}: {trial.label()})",
        item.type,
    )  # fmt: skip


def _trial_name(sweep: str, index: int, label: str) -> str:
    return f"{sweep} #{index}: {label}"[:200]


def _thin(messages: list[StreamMessage], most: int) -> list[StreamMessage]:
    """At most `most` messages, evenly spread, keeping the first and the last."""
    if len(messages) <= most:
        return messages
    step = (len(messages) - 1) / (most - 1)
    return [messages[round(i * step)] for i in range(most)]
