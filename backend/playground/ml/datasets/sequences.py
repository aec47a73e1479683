"""Synthetic sequence sets for recurrent and attention models: sine, parity, adding."""

from __future__ import annotations

from typing import Annotated, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from playground.ml.datasets.base import DataBase, DatasetDef, Noise, NSamples
from playground.ml.datasets.normalize import PER_CHANNEL_LAST
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.splits import make_splits, partition, split_sizes
from playground.ml.types import TargetInfo, TensorType

# Cap on n_samples x seq_len, so one spec cannot ask for gigabytes of memory.
MAX_STEPS_TOTAL = 20_000_000
# Sine frequencies in cycles per step: periods between 8 and 40 steps.
SINE_FREQ = (1 / 40, 1 / 8)

SeqLen = Annotated[int, Field(ge=2, le=1000, description="Length of each input sequence.")]
StepTargets = Annotated[
    Literal["last", "every_step"],
    Field(
        description="'last': one target per sequence, after its final step (many-to-one). "
        "'every_step': a target at every position (many-to-many); y gains a step dimension.",
    ),
]


class SequenceBase(DataBase):
    """Fields of every sequence set."""

    n_samples: NSamples = 1000
    seq_len: SeqLen = 20

    @model_validator(mode="after")
    def _bounded_size(self) -> Self:
        if self.n_samples * self.seq_len > MAX_STEPS_TOTAL:
            raise ValueError(
                f"n_samples x seq_len must be at most {MAX_STEPS_TOTAL:,} "
                f"(got {self.n_samples * self.seq_len:,})"
            )
        return self


class SineData(SequenceBase):
    """Windows of noisy sine waves with random frequency and phase; predict the next value."""

    dataset: Literal["sine"] = "sine"
    noise: Noise = Field(
        0.05, description="Std of Gaussian noise added to every value of the unit-amplitude sine."
    )
    targets: StepTargets = "last"


class ParityData(SequenceBase):
    """Random bit strings; the class is the parity (odd number of ones) of the bits."""

    dataset: Literal["parity"] = "parity"
    targets: StepTargets = "last"


class AddingData(SequenceBase):
    """The adding problem: sum the two values whose marker channel is 1."""

    dataset: Literal["adding"] = "adding"


def _steps(spec: SineData | ParityData) -> int | None:
    return spec.seq_len if spec.targets == "every_step" else None


def _target(spec: SequenceBase) -> TargetInfo:
    if isinstance(spec, ParityData):
        return TargetInfo("classification", 2, steps=_steps(spec), class_names=("even", "odd"))
    steps = _steps(spec) if isinstance(spec, SineData) else None
    return TargetInfo("regression", n_outputs=1, steps=steps)


def describe(spec: SequenceBase, ctx: DataContext) -> DataInfo:
    """Shapes and split sizes of a sequence set."""
    channels = 2 if isinstance(spec, AddingData) else 1
    sizes = split_sizes(spec.n_samples, spec.split.val, spec.split.test)
    return DataInfo(TensorType((spec.seq_len, channels)), _target(spec), *sizes)


def _sine(spec: SineData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, t = spec.n_samples, spec.seq_len
    freq = rng.uniform(*SINE_FREQ, size=(n, 1))
    phase = rng.uniform(0.0, 2 * np.pi, size=(n, 1))
    series = np.sin(2 * np.pi * freq * np.arange(t + 1) + phase)  # (N, T + 1)
    series += rng.normal(0.0, spec.noise, series.shape)
    x = series[:, :t, None]  # (N, T, 1)
    y = series[:, 1:, None] if spec.targets == "every_step" else series[:, t:]  # (N,T,1)|(N,1)
    return x, y


def _parity(spec: ParityData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    bits = rng.integers(0, 2, size=(spec.n_samples, spec.seq_len))  # (N, T)
    prefix_parity = np.cumsum(bits, axis=1) % 2  # (N, T): parity of bits[:, : t + 1]
    y = prefix_parity if spec.targets == "every_step" else prefix_parity[:, -1]
    return bits[:, :, None].astype(np.float64), y.astype(np.int64)


def _adding(spec: AddingData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n, t = spec.n_samples, spec.seq_len
    values = rng.uniform(0.0, 1.0, size=(n, t))
    # Two distinct marked positions per row: the first two of a random ordering.
    marked = np.argsort(rng.random((n, t)), axis=1)[:, :2]  # (N, 2)
    markers = np.zeros((n, t))
    np.put_along_axis(markers, marked, 1.0, axis=1)
    x = np.stack([values, markers], axis=2)  # (N, T, 2): value, marker
    y = (values * markers).sum(axis=1, keepdims=True)  # (N, 1)
    return x, y


def load(spec: SequenceBase, ctx: DataContext) -> LoadedData:
    """Generate the sequences and split them."""
    data_rng, split_rng = np.random.default_rng(spec.seed).spawn(2)
    if isinstance(spec, SineData):
        x, y = _sine(spec, data_rng)
    elif isinstance(spec, ParityData):
        x, y = _parity(spec, data_rng)
    else:
        assert isinstance(spec, AddingData)
        x, y = _adding(spec, data_rng)
    parts = partition(len(x), spec.split.val, spec.split.test, split_rng)
    axes = PER_CHANNEL_LAST if spec.normalize else None
    train, val, test, _ = make_splits(x, y, parts, normalize_axes=axes)
    return LoadedData(describe(spec, ctx), train, val, test)


DEFS = (
    DatasetDef(
        "sine",
        SineData,
        "Sine prediction",
        "Windows of noisy sine waves; predict the next value (or every next value).",
        "regression",
        "sequence",
        describe,
        load,
    ),
    DatasetDef(
        "parity",
        ParityData,
        "Parity",
        "Random bit strings; classify whether the number of ones is odd.",
        "classification",
        "sequence",
        describe,
        load,
    ),
    DatasetDef(
        "adding",
        AddingData,
        "Adding problem",
        "Sum the two values marked in a second channel; a test of long-range memory.",
        "regression",
        "sequence",
        describe,
        load,
    ),
)
