"""What one optimizer step does to the gradients: penalties, clipping, the perceptron rule."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import Tensor, nn

from playground.ml.objective import sign_targets
from playground.ml.spec import GradClip


def clip_gradients(params: Iterable[nn.Parameter], clip: GradClip | None) -> None:
    """Clip in place (D10): the total L2 norm to max_norm, or each entry to +-value."""
    if clip is not None and clip.max_norm is not None:
        nn.utils.clip_grad_norm_(params, clip.max_norm)
    elif clip is not None and clip.value is not None:
        nn.utils.clip_grad_value_(params, clip.value)


def weight_penalty(
    weights: list[nn.Parameter], l1: float, l2: float, device: torch.device
) -> Tensor:
    """l1 * sum|w| + l2 / 2 * sum w^2 over weight matrices and kernels (C5)."""
    total = torch.zeros((), device=device)
    if l1 > 0:
        total = total + l1 * sum(p.abs().sum() for p in weights)
    if l2 > 0:
        total = total + l2 / 2 * sum(p.square().sum() for p in weights)
    return total


def penalized_weights(model: nn.Module) -> list[nn.Parameter]:
    """The parameters l1/l2 act on: weight matrices and kernels, never biases, norms or
    frozen layers (the penalty would add nothing the optimizer could act on)."""
    return [
        p for n, p in model.named_parameters() if "weight" in n and p.dim() >= 2 and p.requires_grad
    ]


def perceptron_surrogate(model: nn.Sequential, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
    """(o, surrogate): outputs in {-1, +1} (B, 1) and a loss whose gradient is -(d - o) x.

    Its backward pass gives Rosenblatt's rule w += lr (d - o) x under plain SGD.
    """
    z = without_final_sign(model)(xb)  # the pre-sign output (B, 1)
    o = torch.where(z >= 0, 1.0, -1.0).to(z.dtype)
    d = sign_targets(yb).to(z.dtype).reshape(o.shape)
    return o, -((d - o) * z).sum()


def without_final_sign(model: nn.Sequential) -> nn.Module:
    """The model minus its final Sign (validation guarantees there is one)."""
    last = model[-1]
    if isinstance(last, nn.Sequential):  # a layer with the "activation": "Sign" shorthand
        return nn.Sequential(*list(model)[:-1], last[0])
    return model[:-1]
