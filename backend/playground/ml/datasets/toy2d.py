"""2-D toy sets (curriculum F6): points in the plane, with feature transforms as inputs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, TypeVar

import numpy as np
import torch
from pydantic import AfterValidator, Field

from playground.ml.datasets import toy2d_points as points
from playground.ml.datasets.base import DataBase, DatasetDef, NClasses, Noise, NSamples
from playground.ml.datasets.features import Feature, feature_matrix
from playground.ml.datasets.normalize import PER_COLUMN
from playground.ml.datasets.plane import Plane, bounds
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.splits import make_splits, partition, split_sizes
from playground.ml.types import TargetInfo, TensorType


def _unique(names: list[Feature]) -> list[Feature]:
    if len(set(names)) != len(names):
        raise ValueError("features must not repeat")
    return names


Features = Annotated[
    list[Feature],
    Field(
        min_length=1,
        description="Inputs computed from each point (x, y): any of x, y, x2 (x squared), "
        "y2, xy (product), sinx, siny. Order sets the input columns.",
    ),
    AfterValidator(_unique),
]


class Toy2DBase(DataBase):
    """Fields of every 2-D set."""

    n_samples: NSamples = 500
    features: Features = Field(["x", "y"])  # pydantic copies the list for each instance


class CircleData(Toy2DBase):
    """Inner disc (class 'inside') surrounded by a ring (class 'outside')."""

    dataset: Literal["circle"] = "circle"
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian jitter added to each coordinate, as a fraction of the "
        "ring's outer radius (5 units).",
    )


class XorData(Toy2DBase):
    """Class 'same sign' where x and y share a sign (quadrants I and III)."""

    dataset: Literal["xor"] = "xor"
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian jitter added to each coordinate after labelling, as a "
        "fraction of the plane's half-width (5 units).",
    )


class GaussianData(Toy2DBase):
    """One Gaussian blob per class, centres evenly spaced on a circle."""

    dataset: Literal["gaussian"] = "gaussian"
    n_classes: NClasses = 2
    noise: Noise = Field(
        0.2,
        description="Std of each blob, as a fraction of the plane's half-width (5 units); "
        "centres lie 3.5 units from the origin.",
    )


class SpiralData(Toy2DBase):
    """Interleaved spiral arms, one per class."""

    dataset: Literal["spiral"] = "spiral"
    n_classes: NClasses = 2
    turns: float = Field(
        1.25,
        ge=0.25,
        le=4,
        description="How often each arm winds round the centre; more turns are harder "
        "(1.75 is the classic playground's spiral).",
    )
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian jitter added to each coordinate, in data units (the "
        "arms reach radius 5), as in the classic playground.",
    )


class MoonsData(Toy2DBase):
    """Two interleaving half circles, as scikit-learn's make_moons."""

    dataset: Literal["moons"] = "moons"
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian noise added to each coordinate, in the moons' own "
        "units (each half circle has radius 1).",
    )


class PlaneData(Toy2DBase):
    """Regression: the target is the linear function (x + y) / 10 on [-5, 5]^2."""

    dataset: Literal["plane"] = "plane"
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian noise added to the target (which spans -1 to 1).",
    )


class MultiGaussianData(Toy2DBase):
    """Regression: the target is a sum of six positive and negative Gaussian bumps."""

    dataset: Literal["multi_gaussian"] = "multi_gaussian"
    noise: Noise = Field(
        0.1,
        description="Std of Gaussian noise added to the target (which spans about -1 to 1).",
    )


# A generator returns raw points (N, 2) float64 and targets: class ids (N,) int64 or
# regression values (N, 1) float64. All randomness comes from the generator passed in.
T = TypeVar("T", bound=Toy2DBase)
Generate = Callable[[T, np.random.Generator], tuple[np.ndarray, np.ndarray]]


def _classes(*names: str) -> TargetInfo:
    return TargetInfo("classification", n_classes=len(names), class_names=names)


def _numbered(prefix: str, k: int) -> TargetInfo:
    return _classes(*(f"{prefix} {c}" for c in range(k)))


REGRESSION = TargetInfo("regression", n_outputs=1)


def _definition(
    params: type[T],
    generate: Generate[T],
    target: Callable[[T], TargetInfo],
    title: str,
    description: str,
) -> DatasetDef[T]:
    """Registry entry for one 2-D set: shared describe/load around its generator."""

    def describe(spec: T, ctx: DataContext) -> DataInfo:
        n_train, n_val, n_test = split_sizes(spec.n_samples, spec.split.val, spec.split.test)
        return DataInfo(TensorType((len(spec.features),)), target(spec), n_train, n_val, n_test)

    def load(spec: T, ctx: DataContext) -> LoadedData:
        data_rng, split_rng = np.random.default_rng(spec.seed).spawn(2)
        raw, y = generate(spec, data_rng)
        x = feature_matrix(torch.from_numpy(raw), spec.features).numpy()  # (N, F) float64
        parts = partition(len(x), spec.split.val, spec.split.test, split_rng)
        axes = PER_COLUMN if spec.normalize else None
        train, val, test, standardizer = make_splits(x, y, parts, normalize_axes=axes)
        labels = y if y.ndim == 1 else y[:, 0]  # regression: the single target column
        plane = Plane(
            x_range=bounds(raw[:, 0]),
            y_range=bounds(raw[:, 1]),
            train_points=raw[parts.train],
            train_labels=labels[parts.train],
            test_points=raw[parts.test],
            test_labels=labels[parts.test],
            features=tuple(spec.features),
            standardizer=standardizer,
        )
        return LoadedData(describe(spec, ctx), train, val, test, plane)

    dataset_id = params.model_fields["dataset"].default
    task = target(params()).task
    return DatasetDef(dataset_id, params, title, description, task, "2d", describe, load)


DEFS = (
    _definition(
        CircleData,
        points.circle,
        lambda s: _classes("outside", "inside"),
        "Circle",
        "A disc of one class inside a ring of the other; needs a non-linear boundary.",
    ),
    _definition(
        XorData,
        points.xor,
        lambda s: _classes("different sign", "same sign"),
        "XOR",
        "Label is whether x and y share a sign; no single line separates the classes.",
    ),
    _definition(
        GaussianData,
        points.gaussian,
        lambda s: _numbered("blob", s.n_classes),
        "Gaussian blobs",
        "One Gaussian cloud per class; linearly separable when the noise is low.",
    ),
    _definition(
        SpiralData,
        points.spiral,
        lambda s: _numbered("arm", s.n_classes),
        "Spiral",
        "Interleaved spiral arms, one per class; the hardest 2-D set.",
    ),
    _definition(
        MoonsData,
        points.moons,
        lambda s: _classes("upper", "lower"),
        "Two moons",
        "Two interleaving half circles, like scikit-learn's make_moons.",
    ),
    _definition(
        PlaneData,
        points.plane,
        lambda s: REGRESSION,
        "Plane (regression)",
        "Regression on a tilted plane: the target is (x + y) / 10 plus noise.",
    ),
    _definition(
        MultiGaussianData,
        points.multi_gaussian,
        lambda s: REGRESSION,
        "Multi-Gaussian (regression)",
        "Regression on a surface made of six positive and negative Gaussian bumps.",
    ),
)
