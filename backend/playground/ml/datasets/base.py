"""Spec fields every data set shares, and the registry record that describes one set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.types import Task

# Validation and test together may take at most this share, so training keeps >= 10%.
MAX_HELD_OUT = 0.9

Kind = Literal["2d", "tabular", "image", "sequence", "text", "file"]


class SplitSpec(BaseModel):
    """Fractions of the samples held out for validation and test; training gets the rest."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    val: float = Field(
        0.2,
        ge=0.0,
        le=0.5,
        description="Fraction of the samples held out for validation: used to compare "
        "settings and for early stopping, never for training. 0 disables validation.",
    )
    test: float = Field(
        0.2,
        ge=0.0,
        le=0.5,
        description="Fraction of the samples held out for the final test, reported once "
        "at the end. 0 disables the test split.",
    )

    @model_validator(mode="after")
    def _leave_room_for_training(self) -> SplitSpec:
        if self.val + self.test >= MAX_HELD_OUT:
            raise ValueError(
                f"split.val + split.test must be below {MAX_HELD_OUT} "
                f"(got {self.val + self.test:g}) so that training keeps some data"
            )
        return self


class DataBase(BaseModel):
    """Fields that every data set takes."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    seed: int = Field(
        0,
        ge=0,
        le=2**63 - 1,
        description="Seed for generating, sampling and splitting the data; the same spec "
        "and seed always give the same tensors.",
    )
    split: SplitSpec = Field(
        SplitSpec(),
        description="How the samples are divided into train, validation and test.",
    )
    normalize: bool = Field(
        True,
        description="Standardise float inputs to mean 0 and std 1 using statistics of the "
        "training split only; validation and test reuse them. Token ids are never changed.",
    )


# Parameter types shared by several sets: bounds and help text are written once here.
NSamples = Annotated[
    int,
    Field(
        ge=10,
        le=100_000,
        description="Number of samples to generate, before splitting into train/val/test.",
    ),
]
NClasses = Annotated[int, Field(ge=2, le=10, description="Number of classes.")]
Noise = Annotated[float, Field(ge=0.0, le=2.0)]


def _distinct(classes: list[int] | None) -> list[int] | None:
    if classes is not None and len(set(classes)) != len(classes):
        raise ValueError("each class may be listed once")
    return classes


# Transfer learning's classic exercise trains on some classes and fine-tunes on others.
ClassSubset = Annotated[
    list[Annotated[int, Field(ge=0, le=9)]] | None,
    Field(
        min_length=2,
        max_length=10,
        description="Keep only these classes, e.g. [5, 6, 7, 8, 9]; they are relabelled "
        "0, 1, 2, ... in the order given (so 5 becomes class 0), and the model needs one "
        "output per kept class. Empty: every class.",
    ),
    AfterValidator(_distinct),
]  # units differ per set: see each description

S = TypeVar("S", bound=DataBase)


@dataclass(frozen=True)
class DatasetDef(Generic[S]):
    """One catalog entry: its spec model, help text and the two functions behind it."""

    id: str
    params: type[S]
    title: str
    description: str  # one line, for the catalog and the UI
    task: Task | Literal["auto"]  # "auto": decided by the uploaded file and spec
    kind: Kind
    describe: Callable[[S, DataContext], DataInfo]
    load: Callable[[S, DataContext], LoadedData]


AnyDef = DatasetDef[Any]
