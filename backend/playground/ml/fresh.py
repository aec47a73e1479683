"""An untrained model set up exactly as train() sets it up, for the short experiments that
run before a real run (the learning-rate finder, the sanity checks).

Same seed, same data on the same device, same init, loss and optimizer: what these
experiments find is what the run itself would meet at its first step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from playground.ml.builder import build_model
from playground.ml.datasets import LoadedData, Split
from playground.ml.device import resolve_device
from playground.ml.objective import Objective
from playground.ml.optimizers import Perceptron
from playground.ml.spec import RunSpec
from playground.ml.step import (
    clip_gradients,
    penalized_weights,
    perceptron_surrogate,
    weight_penalty,
)


@dataclass
class Fresh:
    """A freshly initialised model, its objective and optimizer, the training split."""

    spec: RunSpec
    device: torch.device
    gen: torch.Generator  # shuffles, as train()'s
    train_set: Split  # on `device`
    model: nn.Sequential
    objective: Objective
    optimizer: torch.optim.Optimizer

    @property
    def perceptron(self) -> bool:
        return isinstance(self.spec.training.optimizer, Perceptron)

    def step(self, xb: Tensor, yb: Tensor) -> tuple[Tensor, Tensor]:
        """One optimizer step as train() takes it (penalties, clipping, the perceptron rule);
        returns the detached outputs (B, ...) and the loss (0-d) before the step."""
        t = self.spec.training
        self.model.train()
        if self.perceptron:
            out, total = perceptron_surrogate(self.model, xb, yb)
            loss = self.objective.loss(out, yb)
        else:
            out = self.model(xb)
            loss = total = self.objective.loss(out, yb)
            weights = penalized_weights(self.model)
            if weights and (t.l1 > 0 or t.l2 > 0):
                total = loss + weight_penalty(weights, t.l1, t.l2, self.device)
        self.optimizer.zero_grad(set_to_none=True)
        total.backward()  # type: ignore[no-untyped-call]
        clip_gradients(self.model.parameters(), t.grad_clip)
        self.optimizer.step()
        return out.detach(), loss.detach()


def fresh(spec: RunSpec, data: LoadedData, device: str | None = None) -> Fresh:
    """The model of a validated spec before its first step (seeded as train() seeds it), on
    `device` ("cpu", ...) or else the spec's own."""
    t = spec.training
    on = resolve_device(device or t.device)
    torch.manual_seed(t.seed)  # initialisation and dropout
    gen = torch.Generator(device=on).manual_seed(t.seed)
    train_set = Split(data.train.x.to(on), data.train.y.to(on))
    model = build_model(spec.model.layers, data.info.input, t.init).to(on)
    objective = Objective.create(t, data.info.target)
    return Fresh(spec, on, gen, train_set, model, objective, t.optimizer.build(model.parameters()))
