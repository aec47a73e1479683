"""T models of one structure (Linear layers and element-wise activations) as one stack.

All trials' parameters live in one (T, P) tensor `flat`, row t being trial t's
`parameters_to_vector`; each Linear reads views of it, a (T, out, in) weight and a (T, out)
bias, so one `baddbmm` per layer runs every trial's layer at once and the optimizer updates
all parameters of all trials with a few whole-tensor operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils import parameters_to_vector


@dataclass(frozen=True)
class Dense:
    """Where one Linear's parameters sit in a row of `flat` (weight first, then bias)."""

    index: int  # top-level index in model.layers (as LayerStats reports it)
    start: int
    stop: int
    out_features: int
    in_features: int
    bias: bool


class Stack:
    """The parameters of T same-shaped models, their batched forward and their unstacking."""

    def __init__(self, models: list[nn.Sequential]) -> None:
        self.ops: list[Dense | nn.Module] = []
        self.dense: list[Dense] = []
        offset = 0
        for i, entry in enumerate(models[0]):
            for m in entry if isinstance(entry, nn.Sequential) else [entry]:
                if isinstance(m, nn.Linear):
                    size = m.weight.numel() + (m.out_features if m.bias is not None else 0)
                    d = Dense(i, offset, offset + size, m.out_features, m.in_features, m.bias is not None)  # fmt: skip
                    offset += size
                    self.dense.append(d)
                    self.ops.append(d)
                else:
                    self.ops.append(_batched(m))
        self.eval_ops = [FastTanh() if isinstance(m, nn.Tanh) else m for m in self.ops]
        with torch.no_grad():
            self.flat = torch.stack([parameters_to_vector(m.parameters()) for m in models])
        self._views()
        # (P, layers) 0/1: a row's squared entries times this are per-layer sums of squares.
        self.layer_of = torch.zeros(offset, len(self.dense), device=self.flat.device)
        for k, d in enumerate(self.dense):
            self.layer_of[d.start : d.stop, k] = 1.0
        # (1, P) 1 where a weight matrix sits: what l1/l2 act on (never biases), as in train().
        self.weight_mask = torch.zeros(1, offset, device=self.flat.device)
        for d in self.dense:
            self.weight_mask[0, d.start : d.start + d.out_features * d.in_features] = 1.0

    @property
    def trials(self) -> int:
        return self.flat.shape[0]

    def _views(self) -> None:
        """Leaf views of `flat` that autograd differentiates; updating `flat` moves them."""
        t = self.trials
        self.params: list[Tensor] = []
        self.layer_params: list[tuple[Tensor, Tensor | None]] = []
        for d in self.dense:
            w_end = d.start + d.out_features * d.in_features
            w = self.flat[:, d.start : w_end].view(t, d.out_features, d.in_features)
            b = self.flat[:, w_end : d.stop] if d.bias else None
            self.layer_params.append((w.requires_grad_(), b.requires_grad_() if b is not None else None))  # fmt: skip
            self.params += [w] + ([b] if b is not None else [])

    def keep(self, rows: Tensor) -> None:
        """Keep only these trials (rows), e.g. when others have ended."""
        with torch.no_grad():
            self.flat = self.flat[rows]
        self._views()

    def forward(self, x: Tensor) -> Tensor:
        """Outputs (T, B, ..., k) of inputs (T, B, ..., in), one batch per trial."""
        return self._run(x, self.ops)

    @torch.no_grad()
    def evaluate(self, x: Tensor) -> Tensor:
        """Outputs (T, B, ..., k) of one batch (B, ..., in) that every trial reads.

        Evaluation (metrics, boundary grids of T x 2,500 points) is where a group spends
        most of its FLOPs, so it takes shortcuts training does not: the first Linear of all
        trials is one matrix product of the shared inputs, the others add their bias after
        the product, and tanh is FastTanh; results stay within 1e-6 of the exact forward.
        """
        t, first = self.trials, self.ops[0]
        if not isinstance(first, Dense):  # rare: the exact forward
            return self._run(x.expand(t, *x.shape), self.ops)
        w, b = self.layer_params[0]
        flat = x.reshape(-1, first.in_features)
        all_weights = w.detach().reshape(t * first.out_features, first.in_features).T
        h = flat @ all_weights if b is None else torch.addmm(b.detach().reshape(1, -1), flat, all_weights)  # fmt: skip
        h = h.view(-1, t, first.out_features).transpose(0, 1).contiguous()  # (T, rows, out)
        h = h.view(t, *x.shape[:-1], first.out_features)
        return self._run(h, self.eval_ops[1:], start=1, inplace_bias=True)

    def _run(
        self, h: Tensor, ops: list[Dense | nn.Module], start: int = 0, inplace_bias: bool = False
    ) -> Tensor:
        t = self.trials
        params = iter(self.layer_params[start:])
        for op in ops:
            if isinstance(op, Dense):
                w, b = next(params)
                shape = h.shape
                h3 = h if h.dim() == 3 else h.reshape(t, -1, shape[-1])  # (T, rows, in)
                wt = w.transpose(1, 2)
                if b is None:
                    h3 = torch.bmm(h3, wt)
                elif inplace_bias:  # no autograd: add the bias to the product in place
                    h3 = torch.bmm(h3, wt).add_(b.unsqueeze(1))
                else:
                    h3 = torch.baddbmm(b.unsqueeze(1), h3, wt)
                h = h3 if h.dim() == 3 else h3.reshape(*shape[:-1], op.out_features)
            else:
                h = op(h)
        return h

    def layer_norms(self, values: Tensor) -> Tensor:
        """(T, layers): the L2 norm of each Linear's entries (weight and bias together) of a
        (T, P) tensor, as LayerWatch measures one layer's parameters or gradients."""
        return (values.square() @ self.layer_of).sqrt()

    def unstack(self, row: int, params: Sequence[Tensor]) -> None:
        """Copy trial `row`'s parameters into a model's `params` (in `parameters()` order)."""
        with torch.no_grad():
            offset = 0
            for p in params:
                n = p.numel()
                p.copy_(self.flat[row, offset : offset + n].view_as(p))
                offset += n


def _batched(module: nn.Module) -> nn.Module:
    """The activation for inputs with a leading trial dimension: element-wise ones as they
    are; (Log)Softmax's dim counts the batch dimension, so it moves one place right."""
    if isinstance(module, nn.Softmax | nn.LogSoftmax) and module.dim is not None:
        dim = module.dim + 1 if module.dim >= 0 else module.dim
        return type(module)(dim)
    return module


class FastTanh(nn.Module):
    """tanh(x) = 2 sigmoid(2x) - 1, within 2e-7 of torch.tanh, for evaluation only, and
    IN PLACE: evaluation hands it the fresh output of a Linear that nobody else holds.

    torch's CPU tanh is several times slower than its sigmoid (about 11 vs 2 ns a value on
    one thread here); a group's boundary grids put T x 2,500 rows through every hidden
    layer, so there it is most of the cost. In place, because a fresh temporary of that
    size costs about as much as the arithmetic (its pages are mapped anew). Training keeps
    torch.tanh, as a run alone.
    """

    def forward(self, x: Tensor) -> Tensor:
        return x.mul_(2).sigmoid_().mul_(2).sub_(1)
