"""The run spec: the JSON contract that API clients and the UI send (data + model + training).

Every field is declared once here or in the modules it imports, with type, default, bounds
and a description; the catalog is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from playground.ml.claims import EXPECT_HELP, Expect
from playground.ml.datasets import DataSpec
from playground.ml.inits import InitSpec
from playground.ml.layers import Layer
from playground.ml.losses import Loss
from playground.ml.optimizers import Adam, Optimizer
from playground.ml.schedulers import Constant, Scheduler
from playground.ml.spec_model import SpecModel

NO_NUL = r"^[^\x00]*$"  # stored text: PostgreSQL cannot hold a NUL character


# Read before the layers are parsed, so that no spec costs more than a bounded amount of
# CPU (a 25,000-layer spec took seconds of shape inference before its 422; blocks nested
# hundreds deep overflowed the parser's recursion). Deployments' own limits come later.
MAX_NESTING = 8  # blocks (Residual) inside blocks
MAX_LAYERS_READ = 10_000  # layers in all, nested ones included


def count_layers(model: Any) -> tuple[int, int]:
    """(layers in all, deepest nesting: 0 = no blocks) of a raw `model` section, walked
    without recursion and stopping once either bound is passed."""
    count, deepest = 0, 0
    stack: list[tuple[Any, int]] = [(model.get("layers") if isinstance(model, dict) else None, 0)]
    while stack and count <= MAX_LAYERS_READ and deepest <= MAX_NESTING:
        layers, depth = stack.pop()
        if not isinstance(layers, list):
            continue
        deepest = max(deepest, depth)
        count += len(layers)
        stack += [(x["layers"], depth + 1) for x in layers if isinstance(x, dict) and "layers" in x]
    return count, deepest


class ModelSpec(SpecModel):
    """A feed-forward stack; each layer's input size is inferred from the previous one."""

    layers: list[Layer] = Field(min_length=1, description="Layers from input to output.")

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        count, depth = count_layers(data)
        if depth > MAX_NESTING:
            raise ValueError(f"blocks are nested deeper than {MAX_NESTING} levels")
        if count > MAX_LAYERS_READ:
            raise ValueError(f"more than {MAX_LAYERS_READ} layers in all; that many are not read")
        return data


class GradClip(SpecModel):
    """Gradient clipping (D10): give exactly one of max_norm or value."""

    max_norm: float | None = Field(None, gt=0, le=1e6, description="Clip the total L2 norm.")
    value: float | None = Field(None, gt=0, le=1e6, description="Clip each entry to +-value.")

    @model_validator(mode="after")
    def _one(self) -> GradClip:
        if (self.max_norm is None) == (self.value is None):
            raise ValueError("give exactly one of max_norm or value")
        return self


class EarlyStopping(SpecModel):
    """Stop when the monitored validation metric stops improving (E7)."""

    monitor: Literal["val_loss", "val_accuracy"] = Field("val_loss", description="Metric.")
    patience: int = Field(5, ge=1, le=10000, description="Epochs without improvement allowed.")
    min_delta: float = Field(0.0, ge=0, le=1e6, description="Smallest change that counts.")
    restore_best: bool = Field(True, description="End with the weights of the best epoch.")


class Augment(SpecModel):
    """On-the-fly training-set augmentation (E6); validation and test data stay untouched."""

    noise: float = Field(0.0, ge=0, le=10, description="Std of Gaussian noise added to inputs.")
    hflip: bool = Field(False, description="Mirror images left-right with probability 1/2.")
    shift: int = Field(0, ge=0, le=16, description="Random image shift of up to this many pixels.")


class TrainingSpec(SpecModel):
    """How to train: epochs, batches, loss, optimizer, schedule, regularisation, seed."""

    epochs: int = Field(20, ge=1, description="Passes over the training set.")
    batch_size: Annotated[int, Field(ge=1, le=65536)] | Literal["full"] = Field(
        32, description='Samples per step; "full" = full-batch gradient descent (D1).'
    )
    loss: Loss | None = Field(
        None,
        description="Loss; default CrossEntropyLoss for classification, MSELoss for regression.",
    )
    optimizer: Optimizer = Field(default_factory=Adam, description="Optimizer and its arguments.")
    scheduler: Scheduler = Field(default_factory=Constant, description="Learning-rate schedule.")
    l1: float = Field(0.0, ge=0, le=10, description="L1 penalty weight on weights (E2, C5).")
    l2: float = Field(0.0, ge=0, le=10, description="L2 penalty weight added to the loss (C5).")
    grad_clip: GradClip | None = Field(None, description="Gradient clipping.")
    init: InitSpec | None = Field(None, description="Weight/bias initialisation for all layers.")
    early_stopping: EarlyStopping | None = Field(None, description="Early stopping.")
    augment: Augment | None = Field(None, description="Training-set augmentation.")
    seed: int = Field(
        0, ge=0, le=2**32 - 1, description="Seeds initialisation, shuffling, dropout."
    )
    device: str = Field(
        "auto",
        pattern=r"^(auto|cpu|cuda(:\d{1,2})?)$",
        description='"auto", "cpu", "cuda", "cuda:N".',
    )
    cuda_graphs: Literal["auto", "off"] = Field(
        "auto",
        description="On a GPU, replay each training step as one CUDA graph where the run "
        'allows it ("auto": saves the kernel launches that dominate a tiny net\'s step) or '
        'launch its kernels one by one ("off"). The CPU ignores it.',
    )
    log_every: int | None = Field(
        None, ge=1, le=100000, description="Steps between step-loss reports (default: automatic)."
    )
    boundary_every: int | None = Field(
        None, ge=1, le=100000, description="Epochs between decision-boundary grids (2-D data)."
    )


class RunSpec(SpecModel):
    """One experiment: which data, which network, how to train it."""

    name: str = Field("", max_length=200, pattern=NO_NUL, description="A label for the run.")
    description: str = Field(
        "", max_length=2000, pattern=NO_NUL, description="What the run demonstrates."
    )
    data: DataSpec = Field(description="The data set and its parameters.")
    model: ModelSpec = Field(description="The network.")
    training: TrainingSpec = Field(default_factory=TrainingSpec, description="Training settings.")
    expect: Expect | None = Field(None, description=EXPECT_HELP)
