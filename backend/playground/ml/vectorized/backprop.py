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

import torch
from torch import Tensor, nn

from playground.ml.losses import CrossEntropyLoss, MSELoss
from playground.ml.objective import Objective
from playground.ml.vectorized.stack import Dense, Stack

# y = f(x) -> df/dx from y, for the activations this path knows.
_DERIVATIVES = {
    nn.Tanh: lambda y: 1 - y * y,
    nn.Sigmoid: lambda y: y * (1 - y),
    nn.ReLU: lambda y: (y > 0).to(y.dtype),
    nn.Identity: None,
}


class Backprop:
    """`stack`'s per-trial losses and their gradient with respect to `stack.flat`."""

    def __init__(self, stack: Stack, objective: Objective) -> None:
        self.stack, self.objective = stack, objective
        self.cross_entropy = isinstance(objective.spec, CrossEntropyLoss)

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
            or (type(op) in _DERIVATIVES and not getattr(op, "inplace", False))
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
                h = op(h)
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
            elif (derivative := _DERIVATIVES[type(op)]) is not None:
                d = d * derivative(seen[i + 1])
        # `flat` holds each Linear's weight, then its bias, layer after layer.
        return h, loss, torch.cat([g for layer in grads for g in layer], 1)

    def _loss(self, out: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """(T,) mean losses and their gradient with respect to the outputs."""
        batch = out.shape[1]
        if self.cross_entropy:
            top = out.amax(-1, keepdim=True)
            e = (out - top).exp_()
            total = e.sum(-1, keepdim=True)
            ids = y.unsqueeze(-1)
            log_p = out.gather(-1, ids) - top - total.log()
            d = e.div_(total)  # softmax, then minus the one-hot target
            d.scatter_add_(-1, ids, torch.full_like(log_p, -1.0))
            return -log_p.squeeze(-1).mean(1), d.div_(batch)
        diff = out - y.reshape(out.shape)
        return diff.square().flatten(1).mean(1), diff.mul_(2 / diff[0].numel())
