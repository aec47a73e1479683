"""Loss and gradients of every trial of a stack written out by hand, for the common group:
Linear layers with tanh, ReLU or sigmoid, softmax cross-entropy on class ids (or mean
squared error on values), one feature vector per sample.

Why by hand: a group's step is small tensors (64 trials x 10 samples x 8 units), where
autograd's graph bookkeeping costs more than the arithmetic: this path took ~300 us a step
against ~500 us for forward + autograd.grad on the spiral 2-8-8-2 net with 64 trials. The
operations are the ones autograd runs for these layers (baddbmm's transposed products,
tanh's 1 - y^2, log-softmax's softmax - one-hot), so the gradients agree to float rounding
(~2e-7 measured) and a trial still follows its run alone to within the group's 1e-5.
Anything else (other activations or losses, label smoothing, sequences) keeps autograd:
`Backprop.fits` says which.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from playground.ml.losses import CrossEntropyLoss, MSELoss
from playground.ml.objective import Objective
from playground.ml.vectorized.stack import Dense, Stack

Backward = Callable[[Tensor, Tensor], Tensor]  # (d loss / d y, y) -> d loss / d x

# For the activations this path knows: the forward function, and the backward one that
# autograd itself runs for it, d(loss)/dx from d(loss)/dy and the output y (tanh's
# d * (1 - y^2), sigmoid's d * y * (1 - y), ReLU's d where y > 0), each one fused kernel:
# written out in tensor operations they were three kernels a layer, and a group's step is
# kernel launches more than arithmetic. Functions, not the modules' __call__ (hooks,
# dispatch: ~5 us a call).
_aten = torch.ops.aten
_ACTIVATIONS: dict[type[nn.Module], tuple[Callable[[Tensor], Tensor], Backward | None]] = {
    nn.Tanh: (torch.tanh, _aten.tanh_backward),
    nn.Sigmoid: (torch.sigmoid, _aten.sigmoid_backward),
    nn.ReLU: (torch.relu, lambda d, y: _aten.threshold_backward(d, y, 0)),
    nn.Identity: (lambda h: h, None),
}


class Backprop:
    """`stack`'s per-trial losses and their gradient with respect to `stack.flat`."""

    def __init__(self, stack: Stack, objective: Objective) -> None:
        self.stack, self.objective = stack, objective
        self.cross_entropy = isinstance(objective.spec, CrossEntropyLoss)
        self._ones: dict[torch.Size, Tensor] = {}  # -1s to subtract the one-hot targets

    @staticmethod
    def fits(stack: Stack, objective: Objective, x: Tensor) -> bool:
        """Whether this path computes exactly what autograd would for this group."""
        spec = objective.spec
        if x.dim() != 2:  # (N, features): one feature vector per sample
            return False
        ce = isinstance(spec, CrossEntropyLoss) and spec.label_smoothing == 0
        mse = isinstance(spec, MSELoss) and not objective.classify
        ops_known = all(
            isinstance(op, Dense)
            or (type(op) in _ACTIVATIONS and not getattr(op, "inplace", False))
            for op in stack.ops
        )  # an in-place activation would overwrite an output the backward pass reads
        return (ce or mse) and ops_known and isinstance(stack.ops[0], Dense)

    @torch.no_grad()
    def __call__(self, x: Tensor, y: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Outputs (T, B, K), losses (T,) and gradients (T, P) of inputs (T, B, in) and
        targets (T, B) (class ids) or (T, B, K) (values)."""
        stack = self.stack
        seen = [x]  # the input of each op, then the output of the last
        h = x
        params = iter(stack.layer_params)
        for op in stack.ops:
            if isinstance(op, Dense):
                w, b = next(params)
                h = torch.bmm(h, w.transpose(1, 2)) if b is None else torch.baddbmm(b.unsqueeze(1), h, w.transpose(1, 2))  # fmt: skip
            else:
                h = _ACTIVATIONS[type(op)][0](h)
            seen.append(h)
        loss, d = self._loss(h, y)
        grads: list[list[Tensor]] = [[] for _ in stack.dense]  # per Linear: weight, bias
        k = len(stack.dense)
        for i in range(len(stack.ops) - 1, -1, -1):  # from the output back
            op = stack.ops[i]
            if isinstance(op, Dense):
                k -= 1
                w, b = stack.layer_params[k]
                grads[k].append(torch.bmm(d.transpose(1, 2), seen[i]).flatten(1))
                if b is not None:
                    grads[k].append(d.sum(1))
                if i > 0:
                    d = torch.bmm(d, w)
            elif (backward := _ACTIVATIONS[type(op)][1]) is not None:
                d = backward(d, seen[i + 1])
        # `flat` holds each Linear's weight, then its bias, layer after layer.
        return h, loss, torch.cat([g for layer in grads for g in layer], 1)

    def _minus_ones(self, shape: torch.Size, like: Tensor) -> Tensor:
        """A (T, B, 1) tensor of -1, made once per batch shape (a kernel a step saved)."""
        ones = self._ones.get(shape)
        if ones is None:
            ones = self._ones[shape] = torch.full(shape, -1.0, dtype=like.dtype, device=like.device)
        return ones

    def _loss(self, out: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """(T,) mean losses and their gradient with respect to the outputs."""
        batch = out.shape[1]
        if self.cross_entropy:
            # What cross_entropy and its backward compute: log_softmax, the picked entries'
            # mean, and softmax minus the one-hot target over the batch size.
            log_p = torch.log_softmax(out, -1)
            ids = y.unsqueeze(-1)
            loss = log_p.gather(-1, ids).squeeze(-1).mean(1).neg_()
            d = log_p.exp_()  # softmax (log_p is not needed any more)
            d.scatter_add_(-1, ids, self._minus_ones(ids.shape, d))
            return loss, d.div_(batch)
        diff = out - y.reshape(out.shape)
        return diff.square().flatten(1).mean(1), diff.mul_(2 / diff[0].numel())
