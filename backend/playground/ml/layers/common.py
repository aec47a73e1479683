"""Base for layers with weights: they may carry an `activation` shorthand and an `init`."""

from __future__ import annotations

from pydantic import Field

from playground.ml.inits import InitSpec
from playground.ml.layers.activations import Activation
from playground.ml.layers.base import LayerSpec


class ParamLayer(LayerSpec):
    """A layer that may be followed by an activation and may override the initialisation."""

    activation: Activation | None = Field(
        None, description='Activation applied after this layer, e.g. "ReLU".'
    )
    init: InitSpec | None = Field(
        None, description="Initialisation for this layer; overrides training.init."
    )
