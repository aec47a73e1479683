"""The per-step calls of the training loop, without torch's per-call extras where none is used.

A tiny net's step is ~250 us on one core, and torch's bookkeeping around the math takes a
good part of it: every container module call (a layer with an `activation` shorthand is a
Sequential of two), and a profiler annotation (`record_function`) around each
`optimizer.step()` and `zero_grad()`, about 10 % of a 2-8-8-2 step when no profiler runs.
These helpers give the same computation without the extras, and fall back to the ordinary
calls wherever something could observe the difference (a hook, a scheduler that counts
steps, an unknown torch layout). Results are bitwise identical: the same kernels run in
the same order on the same tensors (tests/unit/test_hot_path.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

import torch
from torch import Tensor, nn
from torch.nn.modules import module as torch_module
from torch.optim import optimizer as torch_optimizer


def flat_forward(model: nn.Module) -> Callable[[Tensor], Tensor]:
    """model's forward as one loop over its leaves when it is nested plain Sequentials.

    nn.Sequential.forward is `for m in self: x = m(x)`, so unnesting changes nothing but
    the container calls; a container with hooks, or a subclass, is kept whole.
    """
    if _global_module_hooks():
        return model
    leaves = _leaves(model)
    if len(leaves) == 1 and leaves[0] is model:
        return model

    def forward(x: Tensor) -> Tensor:
        for m in leaves:
            x = m(x)
        return x

    return forward


def _leaves(m: nn.Module) -> list[nn.Module]:
    if type(m) is not nn.Sequential or _has_hooks(m):
        return [m]
    return [leaf for child in m for leaf in _leaves(child)]


def _has_hooks(m: nn.Module) -> bool:
    return bool(
        m._forward_hooks or m._forward_pre_hooks or m._backward_hooks or m._backward_pre_hooks
    )


def _global_module_hooks() -> bool:
    names = ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks")
    return any(getattr(torch_module, n, None) for n in names)


def grad_clearer(params: Iterable[nn.Parameter]) -> Callable[[], None]:
    """`optimizer.zero_grad(set_to_none=True)` for these parameters, minus its annotation."""
    ps = list(params)

    def clear() -> None:
        for p in ps:
            p.grad = None

    return clear


def bare_step(optimizer: torch.optim.Optimizer) -> Callable[[], object]:
    """`optimizer.step` without torch's profiling wrapper, or the step itself where the
    wrapper could matter: step hooks registered, or a scheduler that wrapped the instance's
    step to notice the call (it would warn that the scheduler stepped first)."""
    step = type(optimizer).step
    inner = getattr(step, "__wrapped__", None)
    hooks = (
        optimizer._optimizer_step_pre_hooks,
        optimizer._optimizer_step_post_hooks,
        getattr(torch_optimizer, "_global_optimizer_pre_hooks", True),
        getattr(torch_optimizer, "_global_optimizer_post_hooks", True),
    )
    patched = "step" in vars(optimizer)
    if not getattr(step, "hooked", False) or inner is None or patched or any(hooks):
        return optimizer.step
    return functools.partial(inner, optimizer)
