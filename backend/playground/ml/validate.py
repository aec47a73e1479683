"""Whole-spec validation after pydantic: data, shapes, output size, limits, combinations.

`validate(spec)` is the product's `model.summary()`: it returns the per-layer table or
raises SpecError with JSON paths, and allocates no tensors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from playground.ml.datasets import DataContext, DataInfo, describe
from playground.ml.errors import SpecError, format_path
from playground.ml.layers import Layer
from playground.ml.layers.activations import Sign
from playground.ml.limits import Limits
from playground.ml.memory import MemoryEstimate, describe_estimate, estimate, format_bytes
from playground.ml.objective import Objective
from playground.ml.optimizers import Perceptron
from playground.ml.shapes import LayerInfo, infer_layers, output_of, shortcut_activation
from playground.ml.spec import RunSpec
from playground.ml.types import TensorType


@dataclass(frozen=True)
class Summary:
    """The validated model: per-layer rows and totals, plus what the data set provides."""

    data: DataInfo
    rows: list[LayerInfo]
    output: TensorType
    params: int
    flops: int
    steps_per_epoch: int
    memory: MemoryEstimate

    def as_dict(self) -> dict[str, object]:
        t = self.data.target
        return {
            "input_shape": list(self.data.input.shape),
            "output_shape": list(self.output.shape),
            "task": t.task,
            "classes": t.n_classes,
            "outputs": t.n_outputs,
            "samples": {
                "train": self.data.n_train,
                "val": self.data.n_val,
                "test": self.data.n_test,
            },
            "params": self.params,
            "flops": self.flops,
            "steps_per_epoch": self.steps_per_epoch,
            "memory_bytes": self.memory.total,
            "memory": self.memory.parts,
            "layers": [r.as_dict() for r in self.rows],
        }


def _layer_count(layers: list[Layer]) -> int:
    """Layers in all, those inside blocks included."""
    return sum(1 + _layer_count(getattr(x, "layers", [])) for x in layers)


def batch_count(n: int, batch_size: int | str) -> int:
    size = n if batch_size == "full" else int(batch_size)
    return max(1, math.ceil(n / max(1, size)))


def validate(
    spec: RunSpec, *, limits: Limits | None = None, ctx: DataContext | None = None
) -> Summary:
    """Check everything pydantic cannot see; raise SpecError naming the field and reason."""
    limits = limits or Limits()
    total = _layer_count(spec.model.layers)  # before any shape inference: it costs per layer
    if total > limits.max_layers:
        raise SpecError.at(
            ("model", "layers"),
            f"{total} layers; the limit is {limits.max_layers}",
            "limit_exceeded",
        )
    info = describe(spec.data, ctx or DataContext())
    _check_sizes(spec, info, limits)
    rows = infer_layers(spec.model.layers, info.input, ("model", "layers"))
    output = output_of(rows, info.input)
    params = sum(r.params for r in rows if r.depth == 0)
    flops = sum(r.flops for r in rows if r.depth == 0)
    _check_model_limits(rows, params, flops, limits)
    _check_something_trains(spec, rows)
    objective = Objective.create(spec.training, info.target)
    _check_output(spec, info, objective, output, rows)
    _check_training(spec, info, objective)
    steps = batch_count(info.n_train, spec.training.batch_size)
    if steps * spec.training.epochs > limits.max_steps:
        raise SpecError.at(
            ("training", "epochs"),
            f"{spec.training.epochs} epochs x {steps} steps is {steps * spec.training.epochs} "
            f"optimizer steps; the limit is {limits.max_steps}",
            "limit_exceeded",
        )
    memory = _check_memory(spec, info, rows, params, limits)
    return Summary(info, rows, output, params, flops, steps, memory)


def _check_memory(
    spec: RunSpec, info: DataInfo, rows: list[LayerInfo], params: int, limits: Limits
) -> MemoryEstimate:
    """The run's estimated peak memory; SpecError at the field that would most reduce it
    when it is over the limit."""
    x_bytes = math.prod(info.input.shape) * (8 if info.input.is_tokens else 4)
    t = info.target
    y_bytes = (t.steps or 1) * (8 if t.task == "classification" else 4 * (t.n_outputs or 1))
    n = (info.n_train, info.n_val, info.n_test)
    est = estimate(spec, rows, params, n, x_bytes, y_bytes)
    limit = limits.max_run_memory
    if limit is None or est.total <= limit:
        return est
    where = {
        "activations": ("training", "batch_size"),
        "data": ("data",),
        "evaluation": ("data", "split"),
    }.get(est.biggest(), ("model", "layers"))
    hint = {
        ("training", "batch_size"): "a smaller batch_size or narrower layers",
        ("data",): "fewer samples",
        ("data", "split"): "smaller validation and test splits",
    }.get(where, "a smaller model")
    raise SpecError.at(
        where,
        f"this run would need {describe_estimate(est)}; the limit per run is "
        f"{format_bytes(limit)}: try {hint}",
        "limit_exceeded",
    )


def _check_sizes(spec: RunSpec, info: DataInfo, limits: Limits) -> None:
    total = info.n_train + info.n_val + info.n_test
    if total > limits.max_samples:
        raise SpecError.at(
            ("data",), f"{total} samples; the limit is {limits.max_samples}", "limit_exceeded"
        )
    if info.n_train < 1:
        raise SpecError.at(("data", "split"), "the split leaves no training samples")
    if spec.training.epochs > limits.max_epochs:
        raise SpecError.at(
            ("training", "epochs"),
            f"{spec.training.epochs} epochs; the limit is {limits.max_epochs}",
            "limit_exceeded",
        )


def _check_model_limits(rows: list[LayerInfo], params: int, flops: int, limits: Limits) -> None:
    loc = ("model", "layers")
    if len(rows) > limits.max_layers:
        raise SpecError.at(
            loc, f"{len(rows)} layers; the limit is {limits.max_layers}", "limit_exceeded"
        )
    if params > limits.max_parameters:
        raise SpecError.at(
            loc, f"the model has {params:,} parameters; the limit is {limits.max_parameters:,}",
            "limit_exceeded",
        )  # fmt: skip
    if flops > limits.max_flops_per_sample:
        raise SpecError.at(
            loc, f"the model needs {flops:,} FLOPs per sample; the limit is "
            f"{limits.max_flops_per_sample:,}", "limit_exceeded",
        )  # fmt: skip


def _check_something_trains(spec: RunSpec, rows: list[LayerInfo]) -> None:
    """A model whose every weight is frozen has nothing for the optimizer to change."""

    def frozen(loc: tuple[str | int, ...]) -> bool:
        layers, stack = spec.model.layers, []
        for i in (p for p in loc if isinstance(p, int)):
            layer = layers[i]
            stack.append(layer.freeze)
            layers = getattr(layer, "layers", [])
        return any(stack)

    owners = [  # rows whose own weights count: leaves, and blocks with a projection
        r for r in rows
        if r.params > 0 and (r.type != "Residual" or "projection" in r.label)
    ]  # fmt: skip
    if owners and all(frozen(r.loc) for r in owners):
        raise SpecError.at(
            ("model", "layers"),
            "every layer with weights is frozen, so training would change nothing; "
            "unfreeze at least one layer (usually the last)",
        )


def _check_output(
    spec: RunSpec, info: DataInfo, objective: Objective, output: TensorType, rows: list[LayerInfo]
) -> None:
    if isinstance(spec.training.optimizer, Perceptron):
        _check_perceptron(spec, info)  # before the output size: its messages say more
    problem = objective.check()
    if problem:
        raise SpecError.at(("training", "loss"), problem)
    want = objective.output_shape()
    if output.shape == want and not output.is_tokens:
        return
    last = [r for r in rows if r.depth == 0][-1]
    t = info.target
    what = (
        f"{t.n_classes} classes" if t.task == "classification" else f"{t.n_outputs} target values"
    )
    steps = f" at each of {t.steps} steps" if t.steps else ""
    loss = type(objective.spec).__name__
    raise SpecError.at(
        last.loc,
        f"{format_path(last.loc)} ({last.type}): the model outputs shape {output} per sample, but "
        f"data set '{spec.data.dataset}' has {what}{steps}, so {loss} needs "
        f"{'x'.join(map(str, want))}",
        "output_mismatch",
    )


def _check_training(spec: RunSpec, info: DataInfo, objective: Objective) -> None:
    t = spec.training
    if t.early_stopping is not None and info.n_val == 0:
        raise SpecError.at(
            ("training", "early_stopping"),
            "early stopping needs a validation split (data.split.val > 0)",
        )
    if t.early_stopping and t.early_stopping.monitor == "val_accuracy" and not objective.classify:
        raise SpecError.at(
            ("training", "early_stopping", "monitor"),
            "val_accuracy needs a classification data set",
        )


def _check_perceptron(spec: RunSpec, info: DataInfo) -> None:
    loc = ("training", "optimizer")
    if info.target.task != "classification" or info.target.n_classes != 2 or info.target.steps:
        raise SpecError.at(loc, "the Perceptron rule needs a 2-class data set")
    if spec.training.loss is not None:
        raise SpecError.at(
            ("training", "loss"),
            "the Perceptron rule uses its own error-driven update; leave loss unset",
        )
    last = spec.model.layers[-1]
    ends_in_sign = isinstance(last, Sign) or isinstance(shortcut_activation(last), Sign)
    if not ends_in_sign:
        raise SpecError.at(loc, "the Perceptron rule needs a model ending in a Sign activation")


__all__ = ["Summary", "batch_count", "validate"]
