"""What a client may ask to see inside a trained network: one request class per view.

Like the run spec, every field is declared once with type, default, bounds and a
description, and the `view` field selects the class; the catalog is generated from these.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, TypeAdapter, ValidationError

from playground.ml.errors import ErrorItem, SpecError, from_validation_error
from playground.ml.spec_model import SpecModel

SplitName = Literal["train", "val", "test"]
MAX_INPUTS = 64  # raw inputs per predict request


class ViewSpec(SpecModel):
    """Fields every view takes; `family` and `fits` feed the catalog."""

    family: ClassVar[str] = ""
    fits: ClassVar[str] = "any model"

    epoch: Annotated[int, Field(ge=0)] | Literal["last"] = Field(
        "last", description='Whose weights: a recorded epoch number, or "last".'
    )


class SampleView(ViewSpec):
    """A view about one sample of the data set."""

    split: SplitName = Field("test", description="Which split the sample comes from.")
    index: int = Field(0, ge=0, le=10_000_000, description="Position of the sample in its split.")


class NeuronsView(ViewSpec):
    """What every unit computes over the 2-D input plane, after its activation (H2)."""

    family: ClassVar[str] = "dense"
    fits: ClassVar[str] = "models of 2-D point data sets"
    view: Literal["neurons"] = "neurons"


class WeightsView(ViewSpec):
    """Weight and bias values of every layer, with histograms."""

    family: ClassVar[str] = "dense"
    view: Literal["weights"] = "weights"
    max_values: int = Field(
        4096, ge=1, le=65536, description="Values sent per tensor; longer ones are cut."
    )
    bins: int = Field(30, ge=2, le=200, description="Histogram bins.")


class ActivationsView(ViewSpec):
    """Per-layer output histograms over a batch, with dead and saturated units (B10, B11)."""

    family: ClassVar[str] = "dense"
    view: Literal["activations"] = "activations"
    split: SplitName = Field("test", description="Which split the batch comes from.")
    samples: int = Field(512, ge=1, le=2048, description="Samples in the batch (the first ones).")
    bins: int = Field(30, ge=2, le=200, description="Histogram bins.")


class FiltersView(ViewSpec):
    """The kernels of one convolution layer, as small images (H3)."""

    family: ClassVar[str] = "conv"
    fits: ClassVar[str] = "models with a Conv1d or Conv2d layer"
    view: Literal["filters"] = "filters"
    layer: Annotated[str, Field(max_length=200)] | Annotated[int, Field(ge=0)] | None = Field(
        None,
        description='The convolution: a spec path ("model.layers[0]") or a top-level layer '
        "index; empty: the first convolution.",
    )


class FeatureMapsView(SampleView):
    """The output maps of every convolution and pooling layer for one sample (H3)."""

    family: ClassVar[str] = "conv"
    fits: ClassVar[str] = "models with convolution or pooling layers"
    view: Literal["feature_maps"] = "feature_maps"


class ReceptiveFieldView(ViewSpec):
    """Receptive field size, jump and start of every convolution and pooling layer (H6)."""

    family: ClassVar[str] = "conv"
    fits: ClassVar[str] = "models with convolution or pooling layers"
    view: Literal["receptive_field"] = "receptive_field"


class SaliencyView(SampleView):
    """|d score / d input| for one sample: which inputs the class score is sensitive to (H4)."""

    family: ClassVar[str] = "attribution"
    fits: ClassVar[str] = "classifiers with float inputs"
    view: Literal["saliency"] = "saliency"
    target: int | None = Field(
        None, ge=0, le=999, description="Class whose score is explained; empty: the predicted one."
    )


class AdversarialView(SampleView):
    """FGSM: one step of size eps along the sign of the input gradient, and its effect (H5)."""

    family: ClassVar[str] = "attribution"
    fits: ClassVar[str] = "classifiers with float inputs"
    view: Literal["adversarial"] = "adversarial"
    target: int | None = Field(
        None,
        ge=0,
        le=999,
        description="Class whose score the step lowers; empty: the predicted one.",
    )
    eps: float = Field(
        0.1, gt=0, le=10, description="Step size, in the model's standardised input units."
    )


class AttentionView(SampleView):
    """Attention weights of every head of every attention layer for one sample (A13)."""

    family: ClassVar[str] = "sequence"
    fits: ClassVar[str] = "models with MultiheadAttention or TransformerEncoderLayer"
    view: Literal["attention"] = "attention"


class HiddenStatesView(SampleView):
    """The hidden state of every recurrent layer over time for one sample (A12)."""

    family: ClassVar[str] = "sequence"
    fits: ClassVar[str] = "models with RNN, GRU or LSTM layers"
    view: Literal["hidden_states"] = "hidden_states"


class PredictView(ViewSpec):
    """The model's answer for inputs you give, in the data set's own units."""

    family: ClassVar[str] = "predict"
    view: Literal["predict"] = "predict"
    inputs: list[Any] = Field(
        min_length=1,
        max_length=MAX_INPUTS,
        description="Raw inputs: [x, y] points for 2-D sets, HxW pixel rows for images, "
        "feature rows for tables, value lists for sequences, strings for text.",
    )
    length: int = Field(
        100, ge=0, le=1000, description="Characters to sample after each text input (chars)."
    )
    temperature: float = Field(
        1.0, gt=0, le=10, description="Sampling temperature for the text continuation."
    )
    seed: int = Field(0, ge=0, le=2**32 - 1, description="Seed of the text sampling.")


class GradcheckView(ViewSpec):
    """Back-propagated gradients against centred finite differences in float64 (D13)."""

    family: ClassVar[str] = "gradcheck"
    fits: ClassVar[str] = "differentiable models (no Sign)"
    view: Literal["gradcheck"] = "gradcheck"
    samples: int = Field(4, ge=1, le=64, description="Training samples in the loss.")
    entries: int = Field(4, ge=1, le=32, description="Parameter entries checked per layer.")
    step: float = Field(1e-6, gt=0, le=1e-2, description="Finite-difference step h.")


View = Annotated[
    NeuronsView
    | WeightsView
    | ActivationsView
    | FiltersView
    | FeatureMapsView
    | ReceptiveFieldView
    | SaliencyView
    | AdversarialView
    | AttentionView
    | HiddenStatesView
    | PredictView
    | GradcheckView,
    Field(discriminator="view"),
]

VIEW_TYPES: tuple[type[ViewSpec], ...] = (
    NeuronsView, WeightsView, ActivationsView, FiltersView, FeatureMapsView,
    ReceptiveFieldView, SaliencyView, AdversarialView, AttentionView, HiddenStatesView,
    PredictView, GradcheckView,
)  # fmt: skip
# view name -> request class
VIEWS: dict[str, type[ViewSpec]] = {str(c.model_fields["view"].default): c for c in VIEW_TYPES}

_ADAPTER: TypeAdapter[View] = TypeAdapter(View)


def parse_view(body: Any) -> View:
    """A request from JSON-like data; SpecError with paths like ("index",) otherwise."""
    try:
        return _ADAPTER.validate_python(body)
    except ValidationError as e:
        raise SpecError([_at_field(i) for i in from_validation_error(e)]) from e


def _at_field(item: ErrorItem) -> ErrorItem:
    """The path as the client wrote it: a bad or missing `view` is at ("view",), and the
    selected view's tag, which pydantic puts first, goes."""
    if item.type in ("union_tag_invalid", "union_tag_not_found"):
        return ErrorItem(("view",), item.msg.replace("unknown type", "unknown view"), item.type)
    if item.loc and item.loc[0] in VIEWS:
        return ErrorItem(item.loc[1:], item.msg, item.type)
    return item
