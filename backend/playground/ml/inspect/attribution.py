"""Attribution views: saliency (H4) and the fast gradient sign method (H5)."""

from __future__ import annotations

import torch
from torch import Tensor

from playground.ml.inspect.common import (
    Result,
    Subject,
    check_target,
    class_score,
    floats,
    grid,
    last_step,
)
from playground.ml.inspect.requests import AdversarialView, SaliencyView


def saliency(s: Subject, request: SaliencyView) -> Result:
    """|d score_target / d input| for one sample, shaped like the input."""
    _check(s, "saliency")
    x = s.sample(request)
    _, probs, predicted = _predict(s, x)
    target = check_target(s.objective, request.target, predicted)
    grad = _input_grad(s, x, target)
    return {
        "split": request.split,
        "index": request.index,
        "label": s.label(request),
        "target": target,
        "predicted": predicted,
        "probabilities": floats(probs),
        "input": grid(x[0]),
        "saliency": grid(grad.abs()[0], lo=0.0),
    }


def adversarial(s: Subject, request: AdversarialView) -> Result:
    """x' = x + eps * sign(grad_x loss) with loss = -score_target: one step that lowers the
    target class's score; the new input and its prediction."""
    _check(s, "adversarial")
    x = s.sample(request)
    _, probs, predicted = _predict(s, x)
    target = check_target(s.objective, request.target, predicted)
    grad = -_input_grad(s, x, target)  # gradient of the loss -score_target
    perturbation = request.eps * grad.sign()
    x_adv = x + perturbation
    _, new_probs, new_predicted = _predict(s, x_adv)
    return {
        "split": request.split,
        "index": request.index,
        "label": s.label(request),
        "target": target,
        "eps": request.eps,
        "before": {"predicted": predicted, "probabilities": floats(probs)},
        "after": {"predicted": new_predicted, "probabilities": floats(new_probs)},
        "input": grid(x[0]),
        "perturbation": grid(perturbation[0], lo=-request.eps, hi=request.eps),
        "perturbed": grid(x_adv[0]),
    }


def _check(s: Subject, view: str) -> None:
    s.need_classifier(view)
    s.need_float_inputs(view)


def _predict(s: Subject, x: Tensor) -> tuple[Tensor, Tensor, int]:
    """Outputs (1, K), class probabilities (K,) and the predicted class of one sample."""
    with torch.no_grad():
        out = last_step(s.model.eval()(x))
    probs = s.objective.read_out(out)[0]
    return out, probs, int(s.objective.predict(out)[0])


def _input_grad(s: Subject, x: Tensor, target: int) -> Tensor:
    """d score_target / d x for a batch of one sample, shape like x."""
    x = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        score = class_score(s.objective, last_step(s.model.eval()(x)), target).sum()
        (grad,) = torch.autograd.grad(score, x)
    return grad.detach()
