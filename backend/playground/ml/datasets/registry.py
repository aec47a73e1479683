"""The catalog of data sets: id -> definition, the spec union, describe() and load()."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from playground.ml.datasets import (
    csv_file,
    images,
    npz_file,
    sequences,
    tabular,
    text,
    toy2d,
    upload,
)
from playground.ml.datasets.base import AnyDef
from playground.ml.datasets.csv_file import CsvData
from playground.ml.datasets.images import DigitsData, FashionMnistData, MnistData
from playground.ml.datasets.npz_file import NpzData
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.sequences import AddingData, ParityData, SineData
from playground.ml.datasets.tabular import BreastCancerData, IrisData, WineData
from playground.ml.datasets.text import CharsData
from playground.ml.datasets.toy2d import (
    CircleData,
    GaussianData,
    MoonsData,
    MultiGaussianData,
    PlaneData,
    SpiralData,
    XorData,
)
from playground.ml.datasets.upload import UploadData

# The `data` section of a run spec; the `dataset` field picks the model.
DataSpec = Annotated[
    CircleData
    | XorData
    | GaussianData
    | SpiralData
    | MoonsData
    | PlaneData
    | MultiGaussianData
    | IrisData
    | WineData
    | BreastCancerData
    | DigitsData
    | MnistData
    | FashionMnistData
    | SineData
    | ParityData
    | AddingData
    | CharsData
    | CsvData
    | NpzData
    | UploadData,
    Field(discriminator="dataset"),
]

DATASETS: dict[str, AnyDef] = {
    d.id: d
    for module in (toy2d, tabular, images, sequences, text, upload, csv_file, npz_file)
    for d in module.DEFS
}


def describe(spec: DataSpec, ctx: DataContext) -> DataInfo:
    """Input type, target and split sizes without generating the data (cheap).

    Raises SpecError (loc starting with "data") when the set cannot be built.
    """
    return DATASETS[spec.dataset].describe(spec, ctx)


def load(spec: DataSpec, ctx: DataContext) -> LoadedData:
    """The data set as CPU tensors; the same spec always gives the same tensors."""
    return DATASETS[spec.dataset].load(spec, ctx)
