"""Ablation proposals: one change per removable or switchable component, checked."""

from __future__ import annotations

from typing import Any

from playground.ml import ablation
from tests.factories import make_spec


def resolved(**sections: Any) -> dict[str, Any]:
    return make_spec(**sections).model_dump(mode="json")


def labels(spec: dict[str, Any]) -> list[str]:
    return [p.label for p in ablation.propose(spec)]


def test_a_plain_spec_has_only_its_optimizer_to_ablate() -> None:
    assert labels(resolved()) == ["plain SGD instead of Adam"]
    plain = resolved(training={"optimizer": {"type": "SGD", "lr": 0.1}})
    assert labels(plain) == []
    momentum = resolved(training={"optimizer": {"type": "SGD", "lr": 0.1, "momentum": 0.9}})
    assert labels(momentum) == ["plain SGD instead of SGD with momentum"]


def test_every_training_switch() -> None:
    spec = resolved(training={
        "l1": 0.001, "l2": 0.01, "scheduler": {"type": "CosineAnnealingLR", "T_max": 5},
        "optimizer": {"type": "AdamW", "lr": 0.003, "weight_decay": 0.05},
        "augment": {"noise": 0.1}, "early_stopping": {"patience": 3},
    })  # fmt: skip
    proposals = {p.label: p for p in ablation.propose(spec)}
    assert list(proposals) == [
        "no L1 penalty (l1 0.001 -> 0)", "no L2 penalty (l2 0.01 -> 0)",
        "no weight decay (0.05 -> 0)", "constant learning rate (no CosineAnnealingLR)",
        "plain SGD instead of AdamW", "no augmentation", "no early stopping",
    ]  # fmt: skip
    training = proposals["no weight decay (0.05 -> 0)"].spec["training"]
    assert training["optimizer"]["weight_decay"] == 0.0
    assert training["l2"] == 0.01  # one change at a time
    sgd = proposals["plain SGD instead of AdamW"].spec["training"]["optimizer"]
    assert sgd == {"type": "SGD", "lr": 0.003}
    assert proposals["no early stopping"].spec["training"]["early_stopping"] is None
    assert all(p.error is None for p in ablation.check(list(proposals.values())))


def test_layers_inside_and_outside_blocks() -> None:
    spec = resolved(model={"layers": [
        {"type": "Linear", "out_features": 8},
        {"type": "BatchNorm1d", "activation": "ReLU"},
        {"type": "Residual", "activation": "Tanh", "layers": [
            {"type": "Linear", "out_features": 8}, {"type": "Dropout", "p": 0.2},
        ]},
        {"type": "LayerNorm"},
        {"type": "Linear", "out_features": 2},
    ]})  # fmt: skip
    proposals = ablation.check(ablation.propose(spec))
    by_label = {p.label: p for p in proposals}
    assert list(by_label)[:4] == [
        "no BatchNorm1d at model.layers[1]", "no shortcut in the Residual at model.layers[2]",
        "no Dropout at model.layers[2].layers[1]", "no LayerNorm at model.layers[3]",
    ]  # fmt: skip
    types = [
        x["type"] for x in by_label["no BatchNorm1d at model.layers[1]"].spec["model"]["layers"]
    ]
    assert types == ["Linear", "ReLU", "Residual", "LayerNorm", "Linear"]  # its activation stays
    flat = by_label["no shortcut in the Residual at model.layers[2]"].spec["model"]["layers"]
    assert [x["type"] for x in flat] == ["Linear", "BatchNorm1d", "Linear", "Dropout", "Tanh",
                                         "LayerNorm", "Linear"]  # fmt: skip
    inner = by_label["no Dropout at model.layers[2].layers[1]"].spec["model"]["layers"][2]
    assert [x["type"] for x in inner["layers"]] == ["Linear"]
    assert all(p.error is None for p in proposals)


def test_a_proposal_that_changes_a_shape_says_why() -> None:
    # A block whose only layer is a Dropout: dropping that leaves an empty block.
    spec = resolved(model={"layers": [
        {"type": "Linear", "out_features": 8},
        {"type": "Residual", "layers": [{"type": "Dropout", "p": 0.5}]},
        {"type": "Linear", "out_features": 2},
    ]})  # fmt: skip
    [shortcut, dropout, _sgd] = ablation.check(ablation.propose(spec))
    assert shortcut.error is None
    assert dropout.error is not None
    assert dropout.error.startswith("it would not fit: ")
    assert "model.layers[1].layers" in dropout.error
