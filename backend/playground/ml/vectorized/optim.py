"""One optimizer for a stack of trials: torch.optim's SGD, Adam and AdamW update rules on a
(T, P) parameter tensor, each trial with its own settings as (T, 1) columns.

The order of operations follows torch's single-tensor (CPU) implementations line by line,
and the scalars torch computes in Python double precision (bias corrections, 1 - beta,
1 - lr * weight_decay) are computed in float64 here too and only then rounded to float32,
so that a trial's weights follow its run alone to within float rounding. Learning-rate
schedules are torch's own schedulers, one per trial on a one-parameter optimizer built from
the trial's spec, so every schedule steps exactly as in `train()`.
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor, nn

from playground.ml.optimizers import SGD, AdamW
from playground.ml.spec import TrainingSpec


class StackedOptimizer:
    """Steps T trials' parameters at once; also applies their l1/l2 penalties and clipping."""

    def __init__(self, trainings: list[TrainingSpec], weight_mask: Tensor) -> None:
        self.device = weight_mask.device
        first = trainings[0].optimizer
        self.sgd = isinstance(first, SGD)
        self.decoupled = isinstance(first, AdamW)
        self.nesterov = isinstance(first, SGD) and first.nesterov
        self.weight_mask = weight_mask
        self.schedules = [_Schedule(t) for t in trainings]
        col64 = self._column
        opts = [t.optimizer for t in trainings]
        names = ["weight_decay", "momentum", "dampening"] if self.sgd else ["weight_decay", "eps"]
        self.hp64 = {n: col64([getattr(o, n) for o in opts]) for n in names}
        if not self.sgd:  # Adam, AdamW
            self.hp64["beta1"] = col64([getattr(o, "betas")[0] for o in opts])  # noqa: B009
            self.hp64["beta2"] = col64([getattr(o, "betas")[1] for o in opts])  # noqa: B009
        self.hp64["l1"] = col64([t.l1 for t in trainings])
        self.hp64["l2"] = col64([t.l2 for t in trainings])
        clips = [t.grad_clip for t in trainings]
        self.clip_kind = None
        if clips[0] is not None:
            self.clip_kind = "max_norm" if clips[0].max_norm is not None else "value"
            self.hp64["clip"] = col64([getattr(c, self.clip_kind) for c in clips])
        self.state: dict[str, Tensor] = {}
        self.steps = 0
        self._derive()

    def _column(self, values: list[float]) -> Tensor:
        return torch.tensor(values, dtype=torch.float64, device=self.device).unsqueeze(1)

    def _derive(self) -> None:
        """float32 columns of the float64 settings, and which terms any trial uses."""
        hp = self.hp64
        self.hp = {k: v.float() for k, v in hp.items()}
        # Read once per change of the settings, not per epoch: each is a device sync.
        self.any = {k: bool((v != 0).any()) for k, v in hp.items()}
        if self.sgd:
            self.one_minus_dampening = (1 - hp["dampening"]).float()
        else:
            self.one_minus_beta1 = (1 - hp["beta1"]).float()
            self.one_minus_beta2 = (1 - hp["beta2"]).float()
        self._derive_lr()

    def _derive_lr(self) -> None:
        """The columns that follow the learning rates (each epoch, as schedules step)."""
        self.lr64 = self._column(self.lrs())
        self.lr = self.lr64.float()
        self.neg_lr = (-self.lr64).float()
        if not self.sgd:  # AdamW's 1 - lr * weight_decay
            self.decay = (1 - self.lr64 * self.hp64["weight_decay"]).float()

    # ---- per trial, per epoch ----------------------------------------------------------
    def lrs(self) -> list[float]:
        """Each trial's current learning rate, as its optimizer's param group holds it."""
        return [s.lr for s in self.schedules]

    def schedule_step(self) -> None:
        for s in self.schedules:
            s.step()
        self._derive_lr()

    def keep(self, rows: list[int]) -> None:
        """Keep only these trials (rows of the stack), e.g. when others have ended."""
        index = torch.tensor(rows, device=self.device)
        self.hp64 = {k: v[index] for k, v in self.hp64.items()}
        self.state = {k: v[index] for k, v in self.state.items()}
        self.schedules = [self.schedules[r] for r in rows]
        self._derive()

    # ---- per step ----------------------------------------------------------------------
    def penalize(self, grad: Tensor, flat: Tensor) -> Tensor:
        """Add the gradient of l1 * sum|W| + l2 / 2 * sum W^2 over weight matrices (C5)."""
        if self.any["l1"]:
            grad = grad + self.weight_mask * self.hp["l1"] * flat.sign()
        if self.any["l2"]:
            grad = grad + self.weight_mask * (self.hp["l2"] / 2) * (2 * flat)
        return grad

    def clip(self, grad: Tensor) -> Tensor:
        """Each trial's clip_grad_norm_ (1e-6 added to the norm, as torch does) or
        clip_grad_value_ (D10)."""
        if self.clip_kind == "max_norm":
            norm: Tensor = torch.linalg.vector_norm(grad, dim=1, keepdim=True)
            return grad * (self.hp["clip"] / (norm + 1e-6)).clamp(max=1.0)
        if self.clip_kind == "value":
            clipped: Tensor = torch.clamp(grad, -self.hp["clip"], self.hp["clip"])
            return clipped
        return grad

    @torch.no_grad()
    def step(self, flat: Tensor, grad: Tensor) -> None:
        self.steps += 1
        if self.sgd:
            self._sgd(flat, grad)
        else:
            self._adam(flat, grad)

    def _sgd(self, p: Tensor, g: Tensor) -> None:
        """torch's SGD. Its `x.add(y, alpha=a)` is one fused multiply-add per entry (a
        single rounding); `addcmul(x, y, a)` with a column `a` is the same kernel, where
        `x + a * y` rounds twice: bitwise the run alone's update, in one operation."""
        hp = self.hp
        if self.any["weight_decay"]:
            g = torch.addcmul(g, p, hp["weight_decay"])
        if self.any["momentum"]:
            buf = self.state.get("momentum")
            if buf is None:
                buf = self.state["momentum"] = g.clone()
            elif self.any["dampening"]:
                buf.mul_(hp["momentum"]).addcmul_(g, self.one_minus_dampening)
            else:
                buf.mul_(hp["momentum"]).add_(g)
            g = torch.addcmul(g, buf, hp["momentum"]) if self.nesterov else buf
        p.addcmul_(g, self.neg_lr)

    def _adam(self, p: Tensor, g: Tensor) -> None:
        hp = self.hp
        if "exp_avg" not in self.state:
            self.state["exp_avg"] = torch.zeros_like(p)
            self.state["exp_avg_sq"] = torch.zeros_like(p)
        exp_avg, exp_avg_sq = self.state["exp_avg"], self.state["exp_avg_sq"]
        if self.any["weight_decay"]:
            if self.decoupled:
                p.mul_(self.decay)
            else:
                g = g + hp["weight_decay"] * p
        exp_avg.lerp_(g, self.one_minus_beta1)
        exp_avg_sq.mul_(hp["beta2"]).add_(self.one_minus_beta2 * g * g)
        step = float(self.steps)
        bias_correction1 = 1 - self.hp64["beta1"] ** step
        step_size = (self.lr64 / bias_correction1).float()
        bias_correction2_sqrt = ((1 - self.hp64["beta2"] ** step) ** 0.5).float()
        denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(hp["eps"])
        p.sub_(step_size * exp_avg / denom)


class _Schedule:
    """One trial's learning rate over the epochs: torch's scheduler for its spec, driving a
    one-parameter optimizer that is never given a gradient."""

    def __init__(self, training: TrainingSpec) -> None:
        self.optimizer = training.optimizer.build([nn.Parameter(torch.zeros(1))])
        self.scheduler = training.scheduler.build(self.optimizer, training.epochs)
        self.optimizer.step()  # no gradient: changes nothing, but marks the order as correct

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def step(self) -> None:
        if self.scheduler is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                self.scheduler.step()
