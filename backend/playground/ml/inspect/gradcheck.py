"""Back-propagation checked against centred finite differences in float64 (D13)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
from torch import Tensor, nn

from playground.ml.errors import SpecError
from playground.ml.inspect.common import Result, Subject
from playground.ml.inspect.layers import walk
from playground.ml.inspect.requests import GradcheckView
from playground.ml.layers.modules import Sign

TINY = 1e-12  # both gradients below this: the entry agrees (relative error 0)


def gradcheck(s: Subject, request: GradcheckView) -> Result:
    """Per layer with parameters: the largest |analytic - numeric| / max(|analytic|, |numeric|)
    over the `entries` parameter entries with the largest gradients."""
    if any(isinstance(m, Sign) for m in s.model.modules()):
        raise SpecError.at(
            ("view",),
            "gradcheck needs a differentiable model; Sign is a step whose straight-through "
            "gradient finite differences cannot reproduce",
        )
    model = copy.deepcopy(s.model).double().eval()  # the learner's model is left as it was
    refs = walk(s.spec.model.layers, model)
    x, y = s.data.train.x[: request.samples], s.data.train.y[: request.samples]
    x = x.double() if x.is_floating_point() else x
    y = y.double() if y.is_floating_point() else y

    def loss() -> Tensor:
        with torch.enable_grad():  # also keeps attention off its fused inference path
            return s.objective.loss(model(x), y)

    params = [p for r in refs for _, p in r.own_parameters()]
    grads = dict(zip(map(id, params), torch.autograd.grad(loss(), params), strict=True))
    layers = []
    for ref in refs:
        own = ref.own_parameters()
        if own:
            entries = _check_layer(own, grads, loss, request)
            worst = max(e["rel_error"] for e in entries)
            layers.append(
                {"layer": ref.path, "type": ref.type, "max_rel_error": worst, "entries": entries}
            )
    return {
        "samples": int(x.shape[0]),
        "step": request.step,
        "max_rel_error": max((r["max_rel_error"] for r in layers), default=0.0),
        "layers": layers,
    }


def _check_layer(
    own: list[tuple[str, nn.Parameter]],
    grads: dict[int, Tensor],
    loss: Callable[[], Tensor],
    request: GradcheckView,
) -> list[Result]:
    """Numeric vs analytic gradient at the layer's entries with the largest |gradient|."""
    flat = torch.cat([grads[id(p)].reshape(-1) for _, p in own])
    picks = flat.abs().argsort(descending=True, stable=True)[: request.entries].tolist()
    offsets, start = [], 0
    for _, p in own:
        offsets.append(start)
        start += p.numel()
    out = []
    for k in picks:
        t = max(i for i, o in enumerate(offsets) if o <= k)
        name, p = own[t]
        j = k - offsets[t]
        numeric = _central_difference(p, j, loss, request.step)
        analytic = float(flat[k])
        scale = max(abs(analytic), abs(numeric))
        rel = abs(analytic - numeric) / scale if scale > TINY else 0.0
        index = list(torch.unravel_index(torch.tensor(j), p.shape)) if p.dim() else []
        out.append(
            {
                "param": name,
                "index": [int(i) for i in index],
                "analytic": analytic,
                "numeric": numeric,
                "rel_error": rel,
            }
        )
    return out


def _central_difference(p: Tensor, j: int, loss: Callable[[], Tensor], h: float) -> float:
    """(L(w + h) - L(w - h)) / 2h for entry j of parameter p."""
    flat = p.data.view(-1)
    orig = float(flat[j])
    try:
        flat[j] = orig + h
        plus = float(loss().detach())
        flat[j] = orig - h
        minus = float(loss().detach())
    finally:
        flat[j] = orig
    return (plus - minus) / (2 * h)
