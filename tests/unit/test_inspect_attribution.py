"""Saliency and FGSM against gradients taken by hand with torch.autograd.grad."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import Tensor, nn

from playground.ml.datasets import LoadedData
from playground.ml.datasets.text import vocabulary
from playground.ml.errors import SpecError
from playground.ml.inspect.common import ungrid
from playground.ml.spec import RunSpec
from tests.factories import layers, linear
from tests.unit.inspect_kit import DIGITS, built, close_to_grid, view


def cnn() -> tuple[RunSpec, nn.Sequential, LoadedData]:
    return built(
        data=DIGITS,
        model=layers(
            {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "activation": "Tanh"},
            {"type": "Flatten"},
            linear(10),
        ),
    )


def score_grad(model: nn.Module, x: Tensor, score: Any) -> Tensor:
    x = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(score(model(x)), x)
    return grad


def test_saliency_is_the_absolute_gradient_of_the_class_score() -> None:
    spec, model, data = cnn()
    x = data.test.x[5:6]
    logits = model(x).detach()[0]
    predicted = int(logits.argmax())
    out = view(spec, model, data, view="saliency", index=5)
    assert (out["target"], out["predicted"]) == (predicted, predicted)
    assert out["probabilities"] == pytest.approx(logits.softmax(0).tolist(), abs=1e-6)
    oracle = score_grad(model, x, lambda o: o[0, predicted]).abs()[0]  # (1, 8, 8)
    close_to_grid(out["saliency"], oracle)
    other = (predicted + 1) % 10
    out = view(spec, model, data, view="saliency", index=5, target=other)
    close_to_grid(out["saliency"], score_grad(model, x, lambda o: o[0, other]).abs()[0])


def test_saliency_of_one_logit_for_two_classes() -> None:
    spec, model, data = built(
        data={"dataset": "breast_cancer"},
        model=layers(linear(4, activation="ReLU"), linear(1)),
        training={"loss": {"type": "BCEWithLogitsLoss"}},
    )
    x = data.test.x[:1]
    out = view(spec, model, data, view="saliency", index=0, target=0)
    close_to_grid(out["saliency"], score_grad(model, x, lambda o: -o[0, 0]).abs()[0])
    p1 = float(torch.sigmoid(model(x).detach()[0, 0]))
    assert out["probabilities"] == pytest.approx([1 - p1, p1], abs=1e-6)


def test_fgsm_steps_along_the_sign_of_the_loss_gradient() -> None:
    spec, model, data = cnn()
    eps = 0.25
    x = data.test.x[2:3]
    target = int(model(x).argmax())
    out = view(spec, model, data, view="adversarial", index=2, eps=eps)
    # loss = -score_target: the step lowers the target class's score
    grad = score_grad(model, x, lambda o: -o[0, target])
    x_adv = x + eps * grad.sign()
    assert out["target"] == out["before"]["predicted"] == target
    # the perturbation is +-eps (0 where the gradient is 0): exact in the bytes
    assert torch.equal(ungrid(out["perturbation"]), (eps * grad.sign())[0])
    close_to_grid(out["perturbed"], x_adv[0])
    new = model(x_adv).detach()[0]
    assert out["after"]["predicted"] == int(new.argmax())
    assert out["after"]["probabilities"] == pytest.approx(new.softmax(0).tolist(), abs=1e-6)
    assert new[target] < model(x).detach()[0, target]  # the target's score went down


def test_attribution_needs_a_classifier_with_float_inputs() -> None:
    regression = built(data={"dataset": "plane"}, model=layers(linear(1)))
    with pytest.raises(SpecError, match="saliency needs a classifier") as e:
        view(*regression, view="saliency")
    assert e.value.errors[0].loc == ("view",)
    tokens = built(
        data={"dataset": "chars", "n_samples": 50, "seq_len": 8},
        model=layers(
            {"type": "Embedding", "embedding_dim": 4},
            {"type": "Flatten"},
            linear(len(vocabulary())),
        ),
    )
    with pytest.raises(SpecError, match="adversarial needs float inputs"):
        view(*tokens, view="adversarial")
    spec, model, data = cnn()
    with pytest.raises(
        SpecError, match="target 10 is out of range: the data set has 10 classes"
    ) as e:
        view(spec, model, data, view="saliency", target=10)
    assert e.value.errors[0].loc == ("target",)
