"""What the inspect-view tests share: a freshly built model, one call of a view, and the
check that a quantised grid matches an oracle tensor."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import Tensor, nn

from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, LoadedData, load
from playground.ml.inspect import inspect, parse_view
from playground.ml.inspect.common import ungrid
from playground.ml.spec import RunSpec
from tests.factories import make_spec

DIGITS = {"dataset": "digits", "n_samples": 100}


def built(**sections: Any) -> tuple[RunSpec, nn.Sequential, LoadedData]:
    """A spec, its freshly initialised model (seed 0, eval mode) and its data."""
    spec = make_spec(**sections)
    data = load(spec.data, DataContext())
    torch.manual_seed(0)
    return spec, build_model(spec.model.layers, data.info.input).eval(), data


def view(spec: RunSpec, model: nn.Module, data: LoadedData, **request: Any) -> dict[str, Any]:
    """The view `request` names, as the API would compute it."""
    return inspect(spec, model, data, parse_view(request))


def close_to_grid(encoded: dict[str, Any], oracle: Tensor, *, own_range: bool = False) -> None:
    """Decoded bytes within half a quantisation step of the oracle (and, with own_range,
    the grid's scale is the oracle's own min..max)."""
    assert encoded["shape"] == list(oracle.shape)
    if own_range:
        assert encoded["lo"] == pytest.approx(float(oracle.min()), abs=1e-5)
        assert encoded["hi"] == pytest.approx(float(oracle.max()), abs=1e-5)
    step = (encoded["hi"] - encoded["lo"]) / 255
    assert (ungrid(encoded) - oracle).abs().max() <= step / 2 + 1e-5
