"""The training loop: `train(spec, hooks)` builds, trains and evaluates one run.

What a step does to gradients is in step.py; evaluation over a split in metrics.py. The
module is a little over 300 lines on purpose: `_Run` is one run's state, and its loop,
reporting and snapshot points read best side by side.

The whole data set lives on the device as tensors; a step is index -> forward -> loss ->
backward -> step with no host sync. Losses are kept on the device and read in one
transfer every `log_every` steps; everything per-epoch is read in one more.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

import torch
from torch import Tensor

from playground.ml.augment import augment
from playground.ml.batches import batch_slices, has_batchnorm
from playground.ml.boundary import BoundaryMaker
from playground.ml.builder import build_model
from playground.ml.cuda_graphs import GraphSteps, ineligible, make_capturable
from playground.ml.datasets import DataContext, LoadedData, Split, load
from playground.ml.device import resolve_device
from playground.ml.early_stopping import BestEpoch
from playground.ml.errors import SpecError
from playground.ml.hooks import EpochReport, Hooks, LayerStats, RunResult, RunStart, StepReport
from playground.ml.hot_path import bare_step, flat_forward, grad_clearer
from playground.ml.layer_stats import LayerWatch
from playground.ml.limits import Limits
from playground.ml.metrics import evaluate, initial_metrics, record_test, to_floats
from playground.ml.objective import Objective
from playground.ml.optimizers import Perceptron
from playground.ml.run_reports import (
    failure_message,
    loss_diverged,
    metrics_diverged,
    report_intervals,
    start_report,
    time_limit_message,
)
from playground.ml.spec import RunSpec
from playground.ml.step import (
    clip_gradients,
    penalized_weights,
    perceptron_surrogate,
    weight_penalty,
)
from playground.ml.transfer import Transfer, sources
from playground.ml.transfer import apply as apply_transfers
from playground.ml.validate import Summary, validate

log = logging.getLogger(__name__)

READS_PER_SECOND = 20  # most step-loss reads (device syncs) per second; plus one per epoch


class DivergedError(Exception):
    """The loss became NaN or infinite."""


class CancelledError(Exception):
    """The hooks asked to stop."""


class TimeLimitError(Exception):
    """The run trained longer than Limits.max_seconds."""


def train(
    spec: RunSpec,
    hooks: Hooks | None = None,
    *,
    limits: Limits | None = None,
    ctx: DataContext | None = None,
    transfers: list[Transfer] | None = None,
    memory_cap: int | None = None,
    summary: Summary | None = None,
) -> RunResult:
    """Validate, train and test one run; every outcome ends in a RunResult and on_end.

    `transfers` are the weights the service resolved for layers with a `from_run`;
    `memory_cap` the bytes the caller's process may grow by (for the out-of-memory message);
    `summary` the spec's validation, when the caller has made it (a worker, to choose threads).
    Failures of the run (bad spec, divergence, errors while training) become the result;
    only an exception raised by `hooks.on_end` itself reaches the caller.
    """
    hooks = hooks or Hooks()
    started = time.perf_counter()
    try:
        limits = limits or Limits()
        if summary is None:
            summary = validate(spec, limits=limits, ctx=ctx)
        _check_transfers(spec, transfers or [])
        run = _Run(spec, summary, hooks, ctx or DataContext(), limits.max_seconds, transfers or [])
        result = run.run()
    except Exception as e:  # a run failure must end as a result, never a crash of the caller
        result = RunResult("failed", error=failure_message(e, memory_cap=memory_cap))
    result.seconds = time.perf_counter() - started
    hooks.on_end(result)
    return result


class _Steps(Protocol):
    def __call__(self, xb: Tensor, yb: Tensor, *, measure: bool) -> tuple[Tensor, Tensor]: ...


@dataclass
class _Progress:
    epoch: int = 0
    step: int = 0


class _Run:
    """State of one training run; `run()` drives it."""

    def __init__(
        self,
        spec: RunSpec,
        summary: Summary,
        hooks: Hooks,
        ctx: DataContext,
        max_seconds: float,
        transfers: list[Transfer],
    ) -> None:
        self.spec, self.summary, self.hooks = spec, summary, hooks
        self.max_seconds = max_seconds
        t = spec.training
        self.device = resolve_device(t.device)
        torch.manual_seed(t.seed)  # initialisation and dropout
        self.gen = torch.Generator(device=self.device).manual_seed(t.seed)  # shuffles, augmentation
        self.data: LoadedData = load(spec.data, ctx)
        self.train_set = to_device(self.data.train, self.device)
        self.val_set = to_device(self.data.val, self.device)
        self.test_set = to_device(self.data.test, self.device)
        model = build_model(spec.model.layers, self.data.info.input, t.init)
        # After initialisation, so a transfer leaves the seed's other draws as they were.
        self.frozen = apply_transfers(model, spec, transfers)
        self.model = model.to(self.device)
        self.objective = Objective.create(t, self.data.info.target)
        self.perceptron = isinstance(t.optimizer, Perceptron)
        # Frozen weights are not the optimizer's: no step, no momentum, no weight decay.
        self.optimizer = t.optimizer.build(p for p in self.model.parameters() if p.requires_grad)
        self.scheduler = t.scheduler.build(self.optimizer, t.epochs)
        # The step's calls without torch's per-call extras (hot_path.py; same results).
        self.forward = flat_forward(self.model)
        self.clear_grads = grad_clearer(p for g in self.optimizer.param_groups for p in g["params"])
        self.optimizer_step = bare_step(self.optimizer)  # after the scheduler, which may wrap it
        self.penalized = penalized_weights(self.model)
        self.penalizing = bool(self.penalized) and (t.l1 > 0 or t.l2 > 0)
        types = [r.type for r in summary.rows if r.depth == 0]
        self.watch = LayerWatch(self.model, types)
        self.batches = batch_slices(self.data.info.n_train, t.batch_size, has_batchnorm(self.model))
        # Made once: a list copied to the GPU per epoch would wait for every queued step.
        self.sizes = torch.tensor([hi - lo for lo, hi in self.batches], device=self.device)
        self.steps = self._graph_steps()
        plane = self.data.plane
        self.log_every, self.boundary_every, self.snapshot_every = report_intervals(
            t, len(self.batches), has_plane=plane is not None
        )
        self.boundary = BoundaryMaker(plane, self.objective, self.device) if plane else None
        self.snapshotted: set[int] = set()  # epochs whose weights went to on_snapshot
        self.at = _Progress()
        self.started = time.perf_counter()
        self.deadline = self.started + self.max_seconds  # training time, as reports show it
        self.window: list[Tensor] = []  # per-step losses not yet read from the device
        self.last_read = 0.0

    # ---- driver -------------------------------------------------------------------------
    def run(self) -> RunResult:
        t = self.spec.training
        self.hooks.on_start(self._start_report())
        self._report_epoch(self._evaluate_initial(), self.watch.collect())
        best = BestEpoch(t.early_stopping.monitor if t.early_stopping else None)
        status, error, stopped_early = "succeeded", None, False
        try:
            for epoch in range(1, t.epochs + 1):
                self.at.epoch = epoch
                metrics = self._train_epoch()
                self._check_stop()  # evaluation below is not free on large sets
                stats = self.watch.collect()
                if self.scheduler is not None:
                    self.scheduler.step()
                metrics |= evaluate(self.model, self.objective, self.val_set, "val_")
                self._check_finite(metrics)
                self._report_epoch(metrics, stats)
                stop = t.early_stopping
                min_delta = stop.min_delta if stop else 0.0
                monitoring = best.update(metrics, epoch, self.model, min_delta)
                if monitoring and stop and epoch - best.epoch >= stop.patience:
                    stopped_early = True
                    break
        except DivergedError as e:
            status, error = "diverged", str(e)
        except CancelledError:
            status = "cancelled"
        except TimeLimitError:
            status, error = "failed", time_limit_message(self.max_seconds)
        if status != "diverged":  # the last epoch's weights; a diverged model is NaN
            self._snapshot(self.at.epoch)
        if t.early_stopping and t.early_stopping.restore_best and best.state is not None:
            self.model.load_state_dict(best.state)
            self._snapshot(best.epoch)
        result = RunResult(
            status, epochs=self.at.epoch, steps=self.at.step, error=error,  # type: ignore[arg-type]
            best_epoch=best.epoch if best.monitor else None, stopped_early=stopped_early,
            summary=self.summary.as_dict(),
        )  # fmt: skip
        if status == "succeeded":
            classes = self.data.info.target.size
            record_test(result, self.model, self.objective, self.test_set, classes)
        self.hooks.on_model(self.model)
        return result

    # ---- one epoch ----------------------------------------------------------------------
    def _train_epoch(self) -> dict[str, float]:
        x_all, y_all = self.train_set.x, self.train_set.y
        perm = torch.randperm(x_all.shape[0], generator=self.gen, device=self.device)
        x_all, y_all = x_all[perm], y_all[perm]  # one gather per epoch, slices per step
        aug = self.spec.training.augment
        losses, outs = [], []
        last = len(self.batches) - 1
        self.model.train()
        for m in self.frozen:  # a frozen layer runs as at test time (BatchNorm statistics)
            m.eval()
        for b, (lo, hi) in enumerate(self.batches):
            now = self._check_stop()
            xb, yb = x_all[lo:hi], y_all[lo:hi]
            if aug is not None and xb.is_floating_point():
                xb = augment(xb, aug, self.gen)
            out, loss = self.steps(xb, yb, measure=b == last)
            losses.append(loss)
            outs.append(out)
            self.at.step += 1
            self.window.append(loss)
            # Reading losses syncs with the device: do it at most READS_PER_SECOND times.
            if self.at.step % self.log_every == 0 and now - self.last_read >= 1 / READS_PER_SECOND:
                self._report_steps()
        if self.window:
            self._report_steps(epoch_end=True)  # finds the exact step of a divergence first
        sizes = self.sizes  # (batches,) samples per batch
        metrics = {"train_loss": (torch.stack(losses) * sizes).sum() / sizes.sum()}
        if self.objective.classify:
            metrics["train_accuracy"] = (
                self.objective.correct(torch.cat(outs), y_all) / y_all.numel()
            )
        values = to_floats(metrics)
        values["lr"] = self.optimizer.param_groups[0]["lr"]
        return values

    def _check_stop(self) -> float:
        """Raise when the hooks asked to cancel or the time limit passed (read every step);
        returns the time it read (perf_counter seconds)."""
        held = self.hooks.tick()
        if held:  # paused: not training time
            self.deadline += held
            self.started += held
        if self.hooks.cancelled:
            raise CancelledError
        now = time.perf_counter()
        if now > self.deadline:
            raise TimeLimitError
        return now

    def _graph_steps(self) -> _Steps:
        """The step function: replayed CUDA graphs where the run allows (ml/cuda_graphs.py)."""
        t, nested = self.spec.training, {r.type for r in self.summary.rows}
        why = ineligible(t, self.device, self.batches, nested)
        if why is not None:
            if self.device.type == "cuda":
                log.info("training eagerly: %s", why)
            return self._step
        make_capturable(self.optimizer)
        lo, hi = self.batches[0]
        return GraphSteps(self.optimizer, self._backward, self._clip_and_step, hi - lo)

    def _step(self, xb: Tensor, yb: Tensor, *, measure: bool) -> tuple[Tensor, Tensor]:
        """One optimizer step; returns the detached outputs and loss."""
        self.clear_grads()  # to None, as zero_grad(set_to_none=True) without its extras
        out, loss = self._backward(xb, yb)
        self._clip_and_step(measure)
        return out, loss

    def _backward(self, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        """Forward, loss and backward (into p.grad); returns the detached outputs and loss."""
        if self.perceptron:
            o, surrogate = perceptron_surrogate(self.model, xb, yb)
            surrogate.backward()  # type: ignore[no-untyped-call]
            return o.detach(), self.objective.loss(o, yb).detach()
        out = self.forward(xb)
        loss = self.objective.loss(out, yb)
        total = loss
        if self.penalizing:
            t = self.spec.training
            total = loss + weight_penalty(self.penalized, t.l1, t.l2, self.device)
        total.backward()  # type: ignore[no-untyped-call]
        return out.detach(), loss.detach()

    def _clip_and_step(self, measure: bool) -> None:
        if measure:
            self.watch.before_step()
        if self.spec.training.grad_clip is not None:
            clip_gradients(self.model.parameters(), self.spec.training.grad_clip)
        self.optimizer_step()

    # ---- reporting ----------------------------------------------------------------------
    def _report_steps(self, epoch_end: bool = False) -> None:
        """Read the pending losses in one transfer; report one mean per log_every steps.

        Windows end at multiples of log_every (and at the end of an epoch), whenever the
        read happens, so the reported series does not depend on timing.
        """
        values = torch.stack(self.window).tolist()
        first = self.at.step - len(values) + 1
        self.window = []
        self.last_read = time.perf_counter()
        start = 0
        for i, v in enumerate(values):
            step = first + i
            if not math.isfinite(v):
                raise DivergedError(loss_diverged(v, self.at.epoch, step))
            if step % self.log_every == 0 or (epoch_end and i == len(values) - 1):
                chunk = values[start : i + 1]
                self.hooks.on_step(StepReport(step, self.at.epoch, sum(chunk) / len(chunk)))
                start = i + 1

    def _report_epoch(self, metrics: dict[str, float], stats: list[LayerStats]) -> None:
        seconds = time.perf_counter() - self.started
        self.hooks.on_epoch(EpochReport(self.at.epoch, self.at.step, metrics, stats, seconds))
        if self.boundary is not None and self.at.epoch % self.boundary_every == 0:
            self.hooks.on_boundary(self.boundary(self.model, self.at.epoch))
        if self.at.epoch % self.snapshot_every == 0:
            self._snapshot(self.at.epoch)

    def _snapshot(self, epoch: int) -> None:
        """Hand the current weights to the hooks as those of `epoch`, once per epoch."""
        if epoch not in self.snapshotted:
            self.snapshotted.add(epoch)
            self.hooks.on_snapshot(epoch, self.model)

    def _start_report(self) -> RunStart:
        return start_report(
            self.spec, self.summary, self.device, self.log_every, len(self.batches), self.data
        )

    # ---- evaluation ---------------------------------------------------------------------
    def _evaluate_initial(self) -> dict[str, float]:
        metrics = initial_metrics(self.model, self.objective, self.train_set, self.val_set)
        metrics["lr"] = self.optimizer.param_groups[0]["lr"]
        return metrics

    def _check_finite(self, metrics: dict[str, float]) -> None:
        problem = metrics_diverged(metrics, self.at.epoch, self.at.step)
        if problem:
            raise DivergedError(problem)


def _check_transfers(spec: RunSpec, transfers: list[Transfer]) -> None:
    """Weights from stored runs arrive resolved by the service; a bare spec lacks them."""
    wanted = sources(spec)
    if len(wanted) != len(transfers):
        raise SpecError.at(
            (*wanted[0][0], "from_run"),
            "weights from a stored run are copied only for runs started through the server "
            "(it finds the run's snapshot); this spec came without them",
        )


def to_device(split: Split, device: torch.device) -> Split:
    return Split(split.x.to(device), split.y.to(device))
