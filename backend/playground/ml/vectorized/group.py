"""The grouped training loop: T trials step together; each reports as if it ran alone.

Like train.py it is one state class on purpose: its loop, its per-trial reporting and the
way a trial ends read best side by side with train()'s, which they mirror step by step.

Per step there is no loop over trials: a group given `GroupTicks` calls its one `tick()`;
otherwise each trial's hooks' `tick()` (the hooks contract: once per trial before every step). Per epoch, metrics, layer statistics and boundary grids of all
trials come from batched computations and one host transfer; only the hook calls go trial
by trial. Snapshots too: the stacked weights are copied to the CPU once for all trials that
snapshot an epoch, and each one's hooks get views of its row as a state_dict
(on_snapshot_state); no module is built.

A trial that ends early (cancelled, diverged) ends at once through its own hooks, as
`train()` would end it; it stays in the stack, unreported, until the epoch ends, and is then
dropped from it. A time limit or an error ends every trial still training.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from playground.ml.batches import batch_slices
from playground.ml.boundary import BoundaryMaker
from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, LoadedData, load
from playground.ml.device import resolve_device
from playground.ml.errors import SpecError
from playground.ml.hooks import (
    BoundaryGrid,
    EpochReport,
    GroupTicks,
    Hooks,
    LayerStats,
    RunResult,
    Status,
    StepReport,
)
from playground.ml.limits import Limits
from playground.ml.metrics import record_test_outputs
from playground.ml.objective import Objective
from playground.ml.run_reports import (
    failure_message,
    loss_diverged,
    metrics_diverged,
    report_intervals,
    start_report,
    time_limit_message,
)
from playground.ml.spec import RunSpec
from playground.ml.train import READS_PER_SECOND, to_device, train
from playground.ml.validate import Summary, validate
from playground.ml.vectorized.backprop import Backprop
from playground.ml.vectorized.evaluate import Evaluator
from playground.ml.vectorized.key import group_key
from playground.ml.vectorized.optim import StackedOptimizer
from playground.ml.vectorized.stack import Stack


class _TimeLimitError(Exception):
    """The group trained longer than Limits.max_seconds: every trial still training fails."""


@dataclass(eq=False)  # trials are told apart by identity
class _Trial:
    spec: RunSpec
    hooks: Hooks
    summary: Summary
    model: nn.Sequential  # built as train() builds it; reported weights are copied into it
    gen: torch.Generator  # its own shuffles, seeded as in train()
    log_every: int
    boundary_every: int
    snapshot_every: int
    snapshotted: set[int] = field(default_factory=set)
    active: bool = True

    def __post_init__(self) -> None:
        self.params = list(self.model.parameters())  # in parameters_to_vector's order


def train_group(
    specs: Sequence[RunSpec],
    hooks: Sequence[Hooks],
    *,
    limits: Limits | None = None,
    ctx: DataContext | None = None,
    ticks: GroupTicks | None = None,
) -> list[RunResult]:
    """Train every spec (all with the same `group_key`), reporting each through its own
    hooks (on_start, on_step, on_epoch, on_boundary, on_snapshot_state, on_model, on_end, in
    the order `train()` calls them for that trial, on_snapshot_state where train() calls
    on_snapshot); one RunResult per spec, in order.

    A trial whose hooks set `cancelled` (or, given `ticks`, whose position its tick()
    names) ends "cancelled" alone, one whose loss diverges ends "diverged" alone; the
    others go on. With `ticks`, the trials' own tick() is not called.
    """
    keys = [group_key(s) for s in specs]
    if len(set(keys)) > 1 or None in keys:  # not one group: train each part as it can be
        results: dict[int, RunResult] = {}
        for key in dict.fromkeys(keys):
            part = [i for i, k in enumerate(keys) if k == key]
            if key is None:  # an ordinary run
                results |= {i: train(specs[i], hooks[i], limits=limits, ctx=ctx) for i in part}
            else:  # its own positions: ticks names positions in `specs`
                sub = _Positions(ticks, part) if ticks is not None else None
                done = _train_one_group([specs[i] for i in part], [hooks[i] for i in part], limits, ctx, sub)  # fmt: skip
                results |= dict(zip(part, done, strict=True))
        return [results[i] for i in range(len(specs))]
    return _train_one_group(specs, hooks, limits, ctx, ticks)


Layout = list[tuple[str, int, int, torch.Size]]  # a state_dict's (name, start, stop, shape)


def _state_layout(model: nn.Module, flat: Tensor) -> Layout | None:
    """Where each entry of the model's state_dict sits in a row of the stack's `flat`: (name,
    start, stop, shape) in state_dict order. None unless the state is exactly the parameters,
    in parameters() order (the stack's), of the stack's dtype: buffers (a BatchNorm's
    statistics) or parameters shared under two names are not in the stack."""
    named = list(model.named_parameters())
    if next(model.buffers(), None) is not None or list(model.state_dict()) != [n for n, _ in named]:
        return None
    layout, offset = [], 0
    for name, p in named:
        if p.dtype != flat.dtype:
            return None
        layout.append((name, offset, offset + p.numel(), p.shape))
        offset += p.numel()
    return layout if offset == flat.shape[1] else None


def _row_states(host: Tensor, layout: Layout) -> list[dict[str, Tensor]]:
    """Each row of a (T, P) CPU tensor as a state_dict of contiguous views, in row order."""
    t = host.shape[0]
    columns = [host[:, lo:hi].view(t, *shape).unbind(0) for _, lo, hi, shape in layout]
    names = [name for name, *_ in layout]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


class _Positions(GroupTicks):
    """A part's view of the whole group's ticks: positions in the part."""

    def __init__(self, ticks: GroupTicks, part: list[int]) -> None:
        self.ticks, self.position = ticks, {i: k for k, i in enumerate(part)}

    def tick(self) -> list[int]:
        return [self.position[i] for i in self.ticks.tick() if i in self.position]


def _train_one_group(
    specs: Sequence[RunSpec],
    hooks: Sequence[Hooks],
    limits: Limits | None,
    ctx: DataContext | None,
    ticks: GroupTicks | None,
) -> list[RunResult]:
    started = time.perf_counter()
    limits = limits or Limits()
    results: list[RunResult | None] = [None] * len(specs)
    valid: list[tuple[int, Summary]] = []
    summaries: dict[str, Summary] = {}
    for i, (spec, h) in enumerate(zip(specs, hooks, strict=True)):
        try:
            valid.append((i, _validate(spec, summaries, limits, ctx)))
        except SpecError as e:
            results[i] = _finish(h, RunResult("failed", error=str(e)), started)
    if valid:
        group = _Group(
            [specs[i] for i, _ in valid], [hooks[i] for i, _ in valid], [s for _, s in valid],
            ctx or DataContext(), limits.max_seconds, started,
        )  # fmt: skip
        if ticks is not None:  # the group's positions are those of the valid specs
            group.ticks = _Positions(ticks, [i for i, _ in valid])
        for (i, _), result in zip(valid, group.run(), strict=True):
            results[i] = result
    return [r for r in results if r is not None]


def _validate(
    spec: RunSpec, seen: dict[str, Summary], limits: Limits, ctx: DataContext | None
) -> Summary:
    """validate(), once per distinct spec: it reads none of the per-trial settings of a
    group (seed, init, optimizer settings, penalties, clipping, schedule) but costs
    milliseconds of shape inference, which 256 trials would repeat for nothing."""
    key = spec.model_copy(update={"name": "", "description": "", "expect": None})
    per_trial = dict.fromkeys(("init", "grad_clip")) | {"seed": 0, "l1": 0.0, "l2": 0.0}
    t = spec.training
    training = t.model_copy(update=per_trial | {"optimizer": type(t.optimizer)()})
    text = key.model_copy(update={"training": training}).model_dump_json()
    if text not in seen:
        seen[text] = validate(spec, limits=limits, ctx=ctx)
    return seen[text]


def _finish(hooks: Hooks, result: RunResult, started: float) -> RunResult:
    result.seconds = time.perf_counter() - started
    hooks.on_end(result)
    return result


class _Group:
    """The state of one group; `run()` drives it. Row r of the stack is `self.trials[r]`."""

    def __init__(
        self, specs: list[RunSpec], hooks: list[Hooks], summaries: list[Summary],
        ctx: DataContext, max_seconds: float, started: float,
    ) -> None:  # fmt: skip
        self.created = started
        self.ticks: GroupTicks | None = None
        self.all_hooks = hooks
        self.results: list[RunResult | None] = [None] * len(specs)
        self.setup_error: str | None = None
        try:
            self._setup(specs, hooks, summaries, ctx)
        except Exception as e:  # as in train(): a failure becomes every trial's result
            self.setup_error = failure_message(e)
        self.max_seconds = max_seconds

    def _setup(
        self, specs: list[RunSpec], hooks: list[Hooks], summaries: list[Summary], ctx: DataContext
    ) -> None:
        first = specs[0].training
        self.device = resolve_device(first.device)
        self.data: LoadedData = load(specs[0].data, ctx)  # one data spec per group (its key)
        self.train_set = to_device(self.data.train, self.device)
        self.val_set = to_device(self.data.val, self.device)
        self.test_set = to_device(self.data.test, self.device)
        info = self.data.info
        self.batches = batch_slices(info.n_train, first.batch_size, merge_single=False)
        sizes = [hi - lo for lo, hi in self.batches]
        self.batch_sizes = torch.tensor(sizes, device=self.device)  # once: a copy is a sync
        plane = self.data.plane
        self.trials: list[_Trial] = []
        for spec, h, summary in zip(specs, hooks, summaries, strict=True):
            t = spec.training
            # The same initialisation as the run alone: its models are built on the CPU, from
            # the CPU's generator. Not torch.manual_seed, which also queues a seed for every
            # accelerator torch knows, each with a formatted stack trace while none has
            # started: ~0.6 ms a trial, 38 ms before a 64-trial group's first step.
            torch.default_generator.manual_seed(t.seed)
            gen = torch.Generator(device=self.device).manual_seed(t.seed)
            model = build_model(spec.model.layers, info.input, t.init).to(self.device)
            every = report_intervals(t, len(self.batches), has_plane=plane is not None)
            self.trials.append(_Trial(spec, h, summary, model, gen, *every))
        self.index = {id(trial): i for i, trial in enumerate(self.trials)}  # in `specs`
        self.by_position = list(self.trials)
        self.row = dict(self.index)  # in the stack
        self.live = list(
            self.trials
        )  # not ended (ended ones stay in the stack until the epoch ends)
        self.live_hooks = [t.hooks for t in self.live]
        self.objective = Objective.create(first, info.target)
        self.stack = Stack([trial.model for trial in self.trials])
        self.layout = _state_layout(self.trials[0].model, self.stack.flat)  # same in all trials
        self.host: tuple[int, Tensor, list[dict[str, Tensor]]] | None = None  # _host_states()
        self.evaluator = Evaluator(self.stack, self.objective)
        fits = Backprop.fits(self.stack, self.objective, self.train_set.x)
        self.backprop = Backprop(self.stack, self.objective) if fits else None
        self.optimizer = StackedOptimizer([s.training for s in specs], self.stack.weight_mask)
        top = [r.type for r in summaries[0].rows if r.depth == 0]
        self.layer_types = [top[d.index] for d in self.stack.dense]
        self.boundary = BoundaryMaker(plane, self.objective, self.device) if plane else None
        self.log_every = self.trials[0].log_every  # equal in a group: log_every is in its key
        self.epoch = self.step = 0
        self.window: list[Tensor] = []  # per-step (T,) losses not yet read from the device
        self.last_read = 0.0
        self.measured: tuple[Tensor, Tensor] | None = None  # grad norms, weights before

    # ---- driver -------------------------------------------------------------------------
    def run(self) -> list[RunResult]:
        if self.setup_error is not None:
            return [
                _finish(h, RunResult("failed", error=self.setup_error), self.created)
                for h in self.all_hooks
            ]
        try:
            self._train()
        except Exception as e:  # a failure of the group fails each trial still training
            error = failure_message(e)
            for trial in self._active():
                self._end(trial, "failed", error, model=False)
        return [r for r in self.results if r is not None]

    def _train(self) -> None:
        self.started = time.perf_counter()
        self.deadline = self.started + self.max_seconds
        steps = len(self.batches)
        for t in self.trials:
            t.hooks.on_start(
                start_report(t.spec, t.summary, self.device, t.log_every, steps, self.data)
            )
        metrics = self.evaluator.initial(self.train_set, self.val_set)
        metrics["lr"] = torch.tensor(self.optimizer.lrs(), device=self.device)
        self._report_epoch(metrics, self._weight_stats())
        epochs = self.trials[0].spec.training.epochs
        try:
            for epoch in range(1, epochs + 1):
                self.epoch = epoch
                metrics = self._train_epoch()
                self._check_stop()
                if not self._active():
                    return
                stats = self._stats()
                metrics["lr"] = torch.tensor(self.optimizer.lrs(), device=self.device)
                self.optimizer.schedule_step()
                metrics |= self.evaluator.metrics(self.val_set, "val_")
                self._report_epoch(metrics, stats)
                self._drop_ended()
        except _TimeLimitError:
            for trial in self._active():
                self._end(trial, "failed", time_limit_message(self.max_seconds))
            return
        # Every final snapshot on its way first: a trial's end waits until its files are
        # written, and ended one after another each waited for its own (~45 ms for 64).
        for trial in self._active():
            self._snapshot(trial, self.epoch)
        # Every trial's test outputs in one batched pass: one by one through the trials'
        # modules they were ~1 ms a trial, at the end where nothing else overlaps them.
        tests = self._test_outputs()
        for trial in self._active():
            test = None if tests is None else tests[self.row[id(trial)]]
            self._end(trial, "succeeded", None, test=test)

    def _active(self) -> list[_Trial]:
        return [trial for trial in self.trials if trial.active]  # a copy: _end() may follow

    # ---- one epoch ----------------------------------------------------------------------
    def _train_epoch(self) -> dict[str, Tensor]:
        x, y = self.train_set.x, self.train_set.y
        perms = torch.stack(
            [torch.randperm(x.shape[0], generator=t.gen, device=self.device) for t in self.trials]
        )
        xs, ys = x[perms], y[perms]  # (T, N, ...): one gather per epoch, slices per step
        losses, outs = [], []
        last = len(self.batches) - 1
        for b, (lo, hi) in enumerate(self.batches):
            self._check_stop()
            if not self.live:
                break
            out, loss = self._step(xs[:, lo:hi], ys[:, lo:hi], measure=b == last)
            losses.append(loss)
            outs.append(out)
            self.step += 1
            self.window.append(loss)
            due = time.perf_counter() - self.last_read >= 1 / READS_PER_SECOND
            if self.step % self.log_every == 0 and due:
                self._report_steps()
        if self.window:
            self._report_steps(epoch_end=True)
        if len(losses) < len(self.batches):  # every trial ended: nothing left to report
            return {}
        sizes = self.batch_sizes
        per_step = torch.stack(losses) * sizes.unsqueeze(1)  # (steps, T)
        metrics = {"train_loss": per_step.sum(0) / sizes.sum()}
        if self.objective.classify:
            hits = self.objective.predict(torch.cat(outs, 1)) == ys
            metrics["train_accuracy"] = hits.flatten(1).sum(1) / ys[0].numel()
        return metrics

    def _step(self, xb: Tensor, yb: Tensor, *, measure: bool) -> tuple[Tensor, Tensor]:
        """One optimizer step of every trial; returns the detached outputs and (T,) losses."""
        if self.backprop is not None:
            out, loss, grad = self.backprop(xb, yb)
        else:
            out = self.stack.forward(xb)
            loss = self.evaluator.losses(out, yb)
            # Summing trials' mean losses keeps each trial's gradient its own.
            grads = torch.autograd.grad(loss.sum(), self.stack.params)
            grad = torch.cat([g.reshape(self.stack.trials, -1) for g in grads], 1)
        with torch.no_grad():
            flat = self.stack.flat
            grad = self.optimizer.penalize(grad, flat)
            if measure:  # layer statistics of the epoch's last step, before clipping
                self.measured = (self.stack.layer_norms(grad), flat.clone())
            self.optimizer.step(flat, self.optimizer.clip(grad))
        return out.detach(), loss.detach()

    def _check_stop(self) -> None:
        """Tick every trial's hooks (or the group's ticks); end those that asked to cancel;
        raise past the limit."""
        if self.ticks is not None:
            for position in self.ticks.tick():
                trial = self.by_position[position]
                if trial.active:
                    self._end(trial, "cancelled", None)
            if time.perf_counter() > self.deadline:
                raise _TimeLimitError
            return
        held = 0.0
        cancelled = []
        for hooks in self.live_hooks:  # the one per-trial loop of a step: keep it bare
            held += hooks.tick()
            if hooks.cancelled:
                cancelled.append(hooks)
        for trial in self._active():
            if trial.hooks in cancelled:
                self._end(trial, "cancelled", None)
        if held:  # paused: not training time, for the whole group
            self.deadline += held
            self.started += held
        if time.perf_counter() > self.deadline:
            raise _TimeLimitError

    # ---- reporting ----------------------------------------------------------------------
    def _report_steps(self, epoch_end: bool = False) -> None:
        """Read the pending losses in one transfer; report one mean per log_every steps per
        trial (windows end where train() ends them); a non-finite loss ends that trial."""
        window = torch.stack(self.window)  # (n, T)
        n, first = window.shape[0], self.step - window.shape[0] + 1
        self.window = []
        self.last_read = time.perf_counter()
        ends = [i for i in range(n) if (first + i) % self.log_every == 0]
        if epoch_end and (not ends or ends[-1] != n - 1):
            ends.append(n - 1)
        starts = [0] + [e + 1 for e in ends[:-1]]
        wide = window.double()  # train() averages the Python floats, i.e. in double
        means = [wide[s : e + 1].sum(0) / (e + 1 - s) for s, e in zip(starts, ends, strict=True)]
        bad = ~torch.isfinite(window)
        first_bad = torch.where(bad.any(0), bad.int().argmax(0), n)
        bad_value = window.gather(0, first_bad.clamp(max=n - 1).unsqueeze(0))[0]
        table = torch.stack([*means, first_bad.double(), bad_value.double()], 1).tolist()
        for row, trial in enumerate(self.trials):
            if not trial.active:
                continue
            values = table[row]
            k = int(values[len(means)])
            for c, e in enumerate(ends):
                if e >= k:
                    break
                trial.hooks.on_step(StepReport(first + e, self.epoch, values[c]))
            if k < n:
                v = values[len(means) + 1]
                self._end(trial, "diverged", loss_diverged(v, self.epoch, first + k))

    def _report_epoch(self, metrics: dict[str, Tensor], stats: Tensor) -> None:
        """Each active trial's epoch report, boundary grid and snapshot, in train()'s order."""
        names = list(metrics)
        table = torch.cat([torch.stack([metrics[k].float() for k in names], 1), stats], 1)
        rows = table.tolist()  # the one host transfer of the epoch
        seconds = time.perf_counter() - self.started
        grids = self._grids()
        for row, trial in enumerate(self.trials):
            if not trial.active:
                continue
            values = dict(zip(names, rows[row], strict=False))
            problem = metrics_diverged(values, self.epoch, self.step) if self.epoch else None
            if problem:
                self._end(trial, "diverged", problem)
                continue
            layers = self._layer_stats(rows[row][len(names) :])
            trial.hooks.on_epoch(EpochReport(self.epoch, self.step, values, layers, seconds))
            if row in grids:
                trial.hooks.on_boundary(grids[row])
            if self.epoch % trial.snapshot_every == 0:
                self._snapshot(trial, self.epoch)

    def _grids(self) -> dict[int, BoundaryGrid]:
        if self.boundary is None:
            return {}
        rows = [
            r for r, t in enumerate(self.trials) if t.active and self.epoch % t.boundary_every == 0
        ]
        if not rows:
            return {}
        outputs = self.evaluator.predict(self.boundary.inputs)
        if len(rows) < len(self.trials):  # (the usual case, all, keeps the view as it is)
            outputs = outputs[torch.tensor(rows, device=self.device)]
        return dict(zip(rows, self.boundary.grids(outputs, self.epoch), strict=True))

    def _layer_stats(self, flat: list[float]) -> list[LayerStats]:
        """LayerStats as LayerWatch.collect() builds them from [weights, grads, updates]."""
        n = len(self.stack.dense)
        measured = len(flat) == 3 * n
        stats = []
        for k, d in enumerate(self.stack.dense):
            w = flat[k]
            grad = flat[n + k] if measured else None
            ratio = flat[2 * n + k] / w if measured and w > 0 else None
            stats.append(LayerStats(d.index, self.layer_types[k], grad, w, ratio))
        return stats

    def _snapshot(self, trial: _Trial, epoch: int) -> None:
        """The trial's weights now, as its snapshot of `epoch` (once per epoch).

        Unstacking into the trial's module and copying its state_dict cost ~0.3 ms a
        snapshot on the training thread (0.33 s of a 64-trial spiral group's 1,152); views
        of one CPU copy of the stack cost ~0.015 ms a snapshot, hook call included, and make
        the same files."""
        if epoch in trial.snapshotted:
            return
        trial.snapshotted.add(epoch)
        if self.layout is None:  # weights the stack does not hold alone: the module's own
            trial.hooks.on_snapshot(epoch, self._unstacked(trial))
            return
        state = self._host_states(self.layout)[self.row[id(trial)]]
        trial.hooks.on_snapshot_state(epoch, state, lambda: self._unstacked(trial))

    def _host_states(self, layout: Layout) -> list[dict[str, Tensor]]:
        """Every row's state_dict as views of one CPU copy of the stack, made once per step
        however many trials snapshot it (a step changes `flat` in place; dropping trials
        replaces it). All rows at once: one unbind per tensor, ~0.2 ms for 64 trials, where
        slicing a row's views trial by trial cost ~0.025 ms a trial."""
        flat = self.stack.flat
        if self.host is None or self.host[0] != self.step or self.host[1] is not flat:
            self.host = (self.step, flat, _row_states(flat.detach().to("cpu", copy=True), layout))
        return self.host[2]

    def _unstacked(self, trial: _Trial) -> nn.Module:
        self.stack.unstack(self.row[id(trial)], trial.params)
        return trial.model

    def _test_outputs(self) -> Tensor | None:
        """(T, N, ...) outputs of every trial on the test set (None: no test set)."""
        x = self.test_set.x
        return self.evaluator.predict(x) if x.shape[0] else None

    def _end(
        self,
        trial: _Trial,
        status: Status,
        error: str | None,
        *,
        model: bool = True,
        test: Tensor | None = None,
    ) -> None:
        """End one trial as train() ends a run with this status; the rest go on. `test`:
        a succeeded trial's outputs on the test set (None: there is no test set), which
        the group computes for all its trials in one pass."""
        trial.active = False
        self.live = self._active()
        self.live_hooks = [t.hooks for t in self.live]
        if model and status != "diverged":  # the last epoch's weights; a diverged model is NaN
            self._snapshot(trial, self.epoch)
        result = RunResult(
            status, epochs=self.epoch, steps=self.step, error=error,
            summary=trial.summary.as_dict(),
        )  # fmt: skip
        if model:
            if status == "succeeded" and test is not None:
                classes = self.data.info.target.size
                record_test_outputs(result, test, self.objective, self.test_set, classes)
            trial.hooks.on_model(self._unstacked(trial))
        self.results[self.index[id(trial)]] = _finish(trial.hooks, result, self.created)

    def _drop_ended(self) -> None:
        """Take trials that ended during the epoch out of the stack."""
        rows = [r for r, t in enumerate(self.trials) if t.active]
        if len(rows) < len(self.trials) and rows:
            self.stack.keep(torch.tensor(rows, device=self.device))
            self.optimizer.keep(rows)
            self.trials = [self.trials[r] for r in rows]
            self.row = {id(trial): r for r, trial in enumerate(self.trials)}

    def _weight_stats(self) -> Tensor:
        return self.stack.layer_norms(self.stack.flat.detach())

    def _stats(self) -> Tensor:
        """(T, 3 * layers): weight norms, gradient norms, update norms of the last step."""
        weights = self._weight_stats()
        if self.measured is None:
            return weights
        grads, before = self.measured
        self.measured = None
        updates = self.stack.layer_norms(self.stack.flat.detach() - before)
        return torch.cat([weights, grads, updates], 1)
