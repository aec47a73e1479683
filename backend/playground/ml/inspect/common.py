"""What every view works on, and the helpers they share: samples, encodings, read-outs."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import torch
from torch import Tensor, nn

from playground.ml.boundary import quantize
from playground.ml.datasets import DataContext, LoadedData, Split
from playground.ml.errors import SpecError
from playground.ml.inspect.layers import LayerRef, walk
from playground.ml.inspect.requests import SampleView, SplitName
from playground.ml.objective import Objective
from playground.ml.spec import RunSpec

Result = dict[str, Any]


@dataclass
class Subject:
    """A trained model with its spec and data; views read it and never change it."""

    spec: RunSpec
    model: nn.Module
    data: LoadedData
    ctx: DataContext

    @cached_property
    def layers(self) -> list[LayerRef]:
        return walk(self.spec.model.layers, self.model)

    @cached_property
    def objective(self) -> Objective:
        return Objective.create(self.spec.training, self.data.info.target)

    @property
    def dataset(self) -> str:
        return str(self.spec.data.dataset)

    def split(self, name: SplitName) -> Split:
        return {"train": self.data.train, "val": self.data.val, "test": self.data.test}[name]

    def sample(self, request: SampleView) -> Tensor:
        """(1, *input) the requested sample; SpecError at ("index",) if there is none."""
        split = self.split(request.split)
        n = len(split)
        if n == 0:
            raise SpecError.at(
                ("split",), f"the {request.split} split is empty (data.split.{request.split} is 0)"
            )
        if request.index >= n:
            raise SpecError.at(
                ("index",),
                f"index {request.index} is out of range: the {request.split} split has {n} "
                f"samples (0 to {n - 1})",
            )
        return split.x[request.index : request.index + 1]

    def label(self, request: SampleView) -> Any:
        """The sample's target as plain numbers (class id(s) or values)."""
        return self.split(request.split).y[request.index].tolist()

    def need(self, kinds: tuple[type[nn.Module], ...], view: str, what: str) -> list[LayerRef]:
        """The layers whose module is one of `kinds`; SpecError at ("view",) if none."""
        found = [r for r in self.layers if isinstance(r.core, kinds)]
        if not found:
            raise SpecError.at(("view",), f"{view} needs {what}; this model has none")
        return found

    def need_classifier(self, view: str) -> None:
        if not self.objective.classify:
            raise SpecError.at(
                ("view",),
                f"{view} needs a classifier; data set '{self.dataset}' is a regression task",
            )

    def need_float_inputs(self, view: str) -> None:
        if self.data.info.input.is_tokens:
            raise SpecError.at(
                ("view",),
                f"{view} needs float inputs; data set '{self.dataset}' gives token ids, whose "
                "gradient is not defined",
            )


def class_score(objective: Objective, out: Tensor, target: int) -> Tensor:
    """The score (logit) of class `target` for each row of (B, K) outputs, shape (B,).

    With one logit for two classes, class 1's score is the logit and class 0's its negative.
    """
    if objective.binary_single:
        return out[:, 0] if target == 1 else -out[:, 0]
    return out[:, target]


def last_step(out: Tensor) -> Tensor:
    """(B, K) outputs; many-to-many models (B, T, K) are read at their last step."""
    return out[:, -1] if out.dim() == 3 else out.reshape(out.shape[0], -1)


def check_target(objective: Objective, target: int | None, predicted: int) -> int:
    """The class a request names, or the predicted one; SpecError at ("target",)."""
    if target is None:
        return predicted
    n = objective.target.size
    if target >= n:
        raise SpecError.at(
            ("target",), f"target {target} is out of range: the data set has {n} classes"
        )
    return target


def grid(values: Tensor, lo: float | None = None, hi: float | None = None) -> Result:
    """A tensor as uint8 bytes: {"shape", "lo", "hi", "data"}, value = lo + (hi-lo) * q / 255.

    `data` is base64 of the row-major bytes, as in a boundary grid.
    """
    v = values.detach().float().cpu()
    lo = float(v.min()) if lo is None else lo
    hi = float(v.max()) if hi is None else hi
    return {"shape": list(v.shape), "lo": lo, "hi": hi, "data": quantize(v.reshape(-1), lo, hi)}


def ungrid(encoded: Result) -> Tensor:
    """The float values of a `grid` (for tests and tools)."""
    raw = torch.frombuffer(bytearray(base64.b64decode(encoded["data"])), dtype=torch.uint8)
    lo, hi = float(encoded["lo"]), float(encoded["hi"])
    span = hi - lo if hi > lo else 1.0
    return (lo + raw.float() * (span / 255)).reshape(encoded["shape"])


def histogram(values: Tensor, bins: int) -> Result:
    """{"lo", "hi", "counts"}: `bins` equal-width bins from the minimum to the maximum."""
    v = values.detach().float().reshape(-1)
    if v.numel() == 0:
        return {"lo": 0.0, "hi": 0.0, "counts": [0] * bins}
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:  # one value: a bin of width 1 around it
        lo, hi = lo - 0.5, hi + 0.5
    counts = torch.histc(v, bins=bins, min=lo, max=hi)
    return {"lo": lo, "hi": hi, "counts": [int(c) for c in counts.tolist()]}


def floats(t: Tensor) -> Any:
    """A tensor as (nested) lists of Python floats."""
    return t.detach().double().cpu().tolist()
