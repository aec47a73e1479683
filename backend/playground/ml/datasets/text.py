"""Character-level text: windows of a shipped English text as token ids (chars)."""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np

from playground.ml.datasets.base import DatasetDef, NSamples
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData, Split
from playground.ml.datasets.sequences import SeqLen, SequenceBase, StepTargets
from playground.ml.datasets.splits import split_sizes, to_split
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

TEXT_PATH = Path(__file__).with_name("data") / "chars.txt"


class CharsData(SequenceBase):
    """Windows of a short English text; predict the next character.

    The text is cut into three contiguous parts in the split fractions (train first),
    and each split's windows come only from its own part, so no validation or test
    window overlaps a training window.
    """

    dataset: Literal["chars"] = "chars"
    n_samples: NSamples = 2000
    seq_len: SeqLen = 32
    targets: StepTargets = "last"


@cache
def corpus() -> str:
    """The shipped text."""
    return TEXT_PATH.read_text(encoding="utf-8")


@cache
def vocabulary() -> tuple[str, ...]:
    """Distinct characters of the text, sorted; a character's id is its index here."""
    return tuple(sorted(set(corpus())))


@cache
def _token_ids() -> np.ndarray:
    index = {ch: i for i, ch in enumerate(vocabulary())}
    return np.array([index[ch] for ch in corpus()], dtype=np.int64)  # (L,)


def _regions(spec: CharsData) -> list[tuple[int, int, int]]:
    """(start, end, n_windows) of the train, val and test parts of the text."""
    length = len(corpus())
    n_val_chars = int(length * spec.split.val + 0.5)
    n_test_chars = int(length * spec.split.test + 0.5)
    cuts = (0, length - n_val_chars - n_test_chars, length - n_test_chars, length)
    counts = split_sizes(spec.n_samples, spec.split.val, spec.split.test)
    names = ("train", "val", "test")
    regions = []
    for name, (start, end), count in zip(names, pairwise(cuts), counts, strict=True):
        if count and end - start < spec.seq_len + 1:
            raise SpecError.at(
                ("data", "seq_len"),
                f"seq_len {spec.seq_len} is too long for the {name} part of the text "
                f"({end - start} characters); lower seq_len or enlarge that split",
            )
        regions.append((start, end, count))
    return regions


def describe(spec: CharsData, ctx: DataContext) -> DataInfo:
    """Shapes and split sizes; reads only the small shipped text."""
    counts = [count for _, _, count in _regions(spec)]
    vocab = vocabulary()
    steps = spec.seq_len if spec.targets == "every_step" else None
    target = TargetInfo("classification", len(vocab), steps=steps, class_names=vocab)
    return DataInfo(TensorType((spec.seq_len,), vocab=len(vocab)), target, *counts)


def _windows(spec: CharsData, region: tuple[int, int, int], rng: np.random.Generator) -> Split:
    """`count` windows of seq_len + 1 ids at random offsets inside [start, end)."""
    start, end, count = region
    if count == 0:
        empty = np.zeros((0, spec.seq_len), dtype=np.int64)
        y_empty = empty if spec.targets == "every_step" else empty[:, 0]
        return to_split(empty, y_empty, None, tokens=True)
    offsets = rng.integers(start, end - spec.seq_len, size=count)  # last start: end - T - 1
    windows = _token_ids()[offsets[:, None] + np.arange(spec.seq_len + 1)]  # (n, T + 1)
    y = windows[:, 1:] if spec.targets == "every_step" else windows[:, -1]
    return to_split(windows[:, :-1], y, None, tokens=True)  # ids are never normalised


def load(spec: CharsData, ctx: DataContext) -> LoadedData:
    """Cut seeded random windows from each part of the text."""
    rng = np.random.default_rng(spec.seed)
    train, val, test = (_windows(spec, region, rng) for region in _regions(spec))
    return LoadedData(describe(spec, ctx), train, val, test)


DEFS = (
    DatasetDef(
        "chars",
        CharsData,
        "Characters",
        "Character-level English text (short essays); predict the next character.",
        "classification",
        "text",
        describe,
        load,
    ),
)
