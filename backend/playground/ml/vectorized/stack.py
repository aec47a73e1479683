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
        self._plan_columns()
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
        return self._run(x)

    @torch.no_grad()
    def evaluate(self, x: Tensor) -> Tensor:
        """Outputs (T, B, ..., k) of one batch (B, ..., in) that every trial reads.

        Evaluation (metrics, boundary grids of T x 2,500 points) is where a group spends
        most of its FLOPs, so it takes shortcuts training does not (see `_columns`); results
        stay within ~2e-6 of the exact forward. Linear layers and element-wise activations
        treat every row alike, so any leading dimensions are flattened into rows.
        """
        if not self._columns_fit(x.dim()):  # rare: the exact forward
            return self._run(x.expand(self.trials, *x.shape))
        out = self._columns(x.reshape(-1, x.shape[-1]))
        return out.reshape(self.trials, *x.shape[:-1], out.shape[-1])

    def _columns(self, x: Tensor) -> Tensor:
        """`evaluate` of rows (N, in) with the samples along the last dimension: each
        layer is W (T, out, in) @ h (T, in, N), the first one matrix product of the shared
        inputs for all trials (T * out, in) @ (in, N), and the result (T, k, N) comes back
        as a transposed view (T, N, k).

        Measured on the spiral 2-8-8-2 group (64 trials x 2,500 grid points, one thread):
        ~3 ms against ~13 ms for the row layout. The row layout's products are (2,500 x 8)
        @ (8 x 8) per trial, which torch's CPU bmm handles with a copy of the output each;
        here they are (8 x 8) @ (8 x 2,500), a wide product BLAS runs as is. And tanh, by far
        the dearest activation (torch's CPU tanh ~11 ns a value against sigmoid's ~2), is
        folded into the weights: tanh(z) = 2 sigmoid(2z) - 1, the inner 2 scales the layer's
        W and b, the outer 2 s - 1 goes into the next layer's (W' = 2W, b' = b - W 1), so a
        tanh layer costs one in-place sigmoid pass instead of a tanh (or four passes).
        """
        t = self.trials
        h = x.T  # (in, N): the caller's; every op below works on a fresh temporary
        params = iter(self.layer_params)
        pending = False  # h holds s where the layer's true output is 2 s - 1 (a folded tanh)
        first = True
        for i, op in enumerate(self.ops):
            if not isinstance(op, Dense):
                if pending and not self._folded[i]:
                    h.mul_(2).sub_(1)
                    pending = False
                if self._folded[i]:  # the Dense before it computed 2z: tanh(z) = 2 s - 1
                    h.sigmoid_()
                    pending = True
                else:
                    h = self._column_ops[i](h)
                continue
            weight, bias = next(params)
            w, b = weight.detach(), (bias.detach() if bias is not None else None)
            if pending:  # W (2 s - 1) + b = (2W) s + (b - W 1)
                shift = -w.sum(2)
                b, w = (shift if b is None else b + shift), 2 * w
                pending = False
            if i + 1 < len(self.ops) and self._folded[i + 1]:  # tanh next: compute 2z
                w, b = 2 * w, (2 * b if b is not None else None)
            if first:  # (T * out, in) @ (in, N): all trials' first layer in one product
                w2 = w.reshape(t * op.out_features, op.in_features)
                h = w2 @ h if b is None else torch.addmm(b.reshape(-1, 1), w2, h)
                h = h.view(t, op.out_features, -1)
                first = False
            else:
                h = torch.bmm(w, h) if b is None else torch.baddbmm(b.unsqueeze(2), w, h)
        if pending:
            h.mul_(2).sub_(1)
        return h.transpose(1, 2)

    def _plan_columns(self) -> None:
        """Which ops `_columns` runs, and how: `_folded[i]` marks a Tanh right after a
        Linear (folded into it), `_column_ops[i]` is op i for (T, features, N) inputs."""
        self._folded = [
            isinstance(op, nn.Tanh) and i > 0 and isinstance(self.ops[i - 1], Dense)
            for i, op in enumerate(self.ops)
        ]
        self._column_ops: dict[int, nn.Module] = {}  # op index -> the op (not Linear)
        self._softmax_dims: list[int | None] = []  # each (Log)Softmax's dim, batched
        for i, op in enumerate(self.ops):
            if isinstance(op, nn.Softmax | nn.LogSoftmax):
                self._softmax_dims.append(op.dim)
                self._column_ops[i] = type(op)(1)  # the features are dimension 1 here
            elif isinstance(op, nn.Tanh):
                self._column_ops[i] = FastTanh()  # in place: h is always a temporary
            elif isinstance(op, nn.Module):  # element-wise (group_key admits no others)
                self._column_ops[i] = op

    def _columns_fit(self, rank: int) -> bool:
        """Whether `_columns` computes this stack for inputs (B, ..., in) of `rank`
        dimensions: a Linear first, and every (Log)Softmax over the features (batched for
        (T, B, ..., k), that is dimension `rank` or -1)."""
        over_features = all(d in (rank, -1) for d in self._softmax_dims)
        return isinstance(self.ops[0], Dense) and over_features

    def _run(self, h: Tensor) -> Tensor:
        t = self.trials
        params = iter(self.layer_params)
        for op in self.ops:
            if isinstance(op, Dense):
                w, b = next(params)
                shape = h.shape
                h3 = h if h.dim() == 3 else h.reshape(t, -1, shape[-1])  # (T, rows, in)
                wt = w.transpose(1, 2)
                h3 = torch.bmm(h3, wt) if b is None else torch.baddbmm(b.unsqueeze(1), h3, wt)
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
