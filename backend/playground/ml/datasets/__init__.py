"""Data sets for run specs: a registry of generated, bundled and uploaded sets (F6, F7, E8).

`DataSpec` validates the `data` section of a run spec; `describe` tells its shapes
cheaply; `load` builds seeded train/val/test tensors.
"""

from playground.ml.datasets.base import DatasetDef, Kind, SplitSpec
from playground.ml.datasets.features import FEATURES, Feature
from playground.ml.datasets.plane import Plane
from playground.ml.datasets.registry import DATASETS, DataSpec, describe, load
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData, Split

__all__ = [
    "DATASETS",
    "FEATURES",
    "DataContext",
    "DataInfo",
    "DataSpec",
    "DatasetDef",
    "Feature",
    "Kind",
    "LoadedData",
    "Plane",
    "Split",
    "SplitSpec",
    "describe",
    "load",
]
