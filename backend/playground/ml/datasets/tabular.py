"""Small tabular classification sets bundled with scikit-learn (no download)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from playground.ml.datasets.base import DataBase, DatasetDef
from playground.ml.datasets.normalize import PER_COLUMN
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.splits import make_splits, partition, split_sizes
from playground.ml.types import TargetInfo, TensorType


class IrisData(DataBase):
    """Fisher's iris flowers: 150 samples, 4 measurements, 3 species."""

    dataset: Literal["iris"] = "iris"


class WineData(DataBase):
    """Wine recognition: 178 samples, 13 chemical measurements, 3 cultivars."""

    dataset: Literal["wine"] = "wine"


class BreastCancerData(DataBase):
    """Wisconsin breast cancer: 569 samples, 30 cell-nucleus features, 2 diagnoses."""

    dataset: Literal["breast_cancer"] = "breast_cancer"


TabularData = IrisData | WineData | BreastCancerData


def _sklearn() -> Any:
    """sklearn.datasets, imported on first use: with scipy it costs 1-2 s at import, which
    every worker, the CLI and the API would otherwise pay whether or not a table is used."""
    from sklearn import datasets

    return datasets


@dataclass(frozen=True)
class _Table:
    """Fixed facts of a bundled table, so describe() needs no file access."""

    loader: Callable[[], Any]  # sklearn loader returning a Bunch with data/target
    n_samples: int
    n_features: int
    class_names: tuple[str, ...]  # as sklearn names them (checked by the tests)


TABLES: dict[str, _Table] = {
    "iris": _Table(lambda: _sklearn().load_iris(), 150, 4, ("setosa", "versicolor", "virginica")),
    "wine": _Table(lambda: _sklearn().load_wine(), 178, 13, ("class_0", "class_1", "class_2")),
    "breast_cancer": _Table(
        lambda: _sklearn().load_breast_cancer(), 569, 30, ("malignant", "benign")
    ),
}


def describe(spec: TabularData, ctx: DataContext) -> DataInfo:
    """Shapes and split sizes of a bundled table."""
    table = TABLES[spec.dataset]
    target = TargetInfo(
        "classification", n_classes=len(table.class_names), class_names=table.class_names
    )
    sizes = split_sizes(table.n_samples, spec.split.val, spec.split.test)
    return DataInfo(TensorType((table.n_features,)), target, *sizes)


def load(spec: TabularData, ctx: DataContext) -> LoadedData:
    """Read the table from scikit-learn's package data and split it."""
    bunch = TABLES[spec.dataset].loader()
    x = np.asarray(bunch.data, dtype=np.float64)  # (N, F)
    y = np.asarray(bunch.target, dtype=np.int64)  # (N,)
    parts = partition(len(x), spec.split.val, spec.split.test, np.random.default_rng(spec.seed))
    axes = PER_COLUMN if spec.normalize else None
    train, val, test, _ = make_splits(x, y, parts, normalize_axes=axes)
    return LoadedData(describe(spec, ctx), train, val, test)


DEFS = (
    DatasetDef(
        "iris",
        IrisData,
        "Iris",
        "150 iris flowers, 4 measurements each, 3 species.",
        "classification",
        "tabular",
        describe,
        load,
    ),
    DatasetDef(
        "wine",
        WineData,
        "Wine",
        "178 wines, 13 chemical measurements each, 3 cultivars.",
        "classification",
        "tabular",
        describe,
        load,
    ),
    DatasetDef(
        "breast_cancer",
        BreastCancerData,
        "Breast cancer",
        "569 tumour samples, 30 cell-nucleus features each, malignant or benign.",
        "classification",
        "tabular",
        describe,
        load,
    ),
)
