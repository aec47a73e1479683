"""Every shipped example validates and trains; together they cover the curriculum topics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.validate import validate

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 40


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_and_trains_one_epoch(path: Path) -> None:
    raw = json.loads(path.read_text())
    assert raw["description"], "every example says what it demonstrates"
    spec = RunSpec.model_validate(raw)
    summary = validate(spec)
    assert summary.params > 0
    quick = spec.model_copy(update={"training": spec.training.model_copy(update={"epochs": 1})})
    result = train(quick)
    assert result.status == "succeeded", result.error
    assert result.epochs == 1


def test_examples_cover_the_layer_catalogue() -> None:
    used: set[str] = set()

    def walk(layers: list[dict[str, object]]) -> None:
        for layer in layers:
            used.add(str(layer["type"]))
            if isinstance(layer.get("activation"), str):
                used.add(str(layer["activation"]))
            inner = layer.get("layers")
            if isinstance(inner, list):
                walk(inner)

    for path in EXAMPLES:
        walk(json.loads(path.read_text())["model"]["layers"])
    for needed in ("Linear", "Conv2d", "Conv1d", "MaxPool2d", "AvgPool2d", "ConvTranspose2d",
                   "Residual", "LSTM", "GRU", "RNN", "MultiheadAttention", "TransformerEncoderLayer",
                   "Embedding", "PositionalEncoding", "Maxout", "BatchNorm1d", "BatchNorm2d",
                   "LayerNorm", "Dropout", "Sign", "Tanh", "ReLU", "Sigmoid", "GELU"):  # fmt: skip
        assert needed in used, needed
