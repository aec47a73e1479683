"""The baseline of bench/engine_vs_plain.py: models and a training loop written by hand.

This is the loop a user writes after the PyTorch tutorials, nothing added: no DataLoader
(the data set is already tensors), a shuffle per epoch, index -> forward -> loss ->
zero_grad -> backward -> step, the running train loss and accuracy read with `.item()`
per step (as the tutorials do), then validation loss and accuracy once per epoch under
no_grad, and test accuracy once at the end. That is the same per-epoch train and
validation metrics the engine reports; the engine's extras (epoch-0 evaluation, layer
statistics, boundary grids, the confusion matrix, spec validation) are not copied here,
since they are what the ratio measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from playground.ml.datasets import DataContext, load
from playground.ml.spec import RunSpec

MakeOptimizer = Callable[[Iterator[nn.Parameter]], torch.optim.Optimizer]


@dataclass
class Metrics:
    """What the loop computed, so that no read is dead code."""

    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    test_accuracy: float


def mlp_2_8_8_2() -> nn.Module:
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))


def digits_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
    )  # fmt: skip


class LastStateLSTM(nn.Module):
    """(B, L, 1) -> LSTM -> the final hidden state (B, H) -> Linear -> (B, 2)."""

    def __init__(self, hidden: int = 64) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x: Tensor) -> Tensor:
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])  # type: ignore[no-any-return]


class TinyTransformer(nn.Module):
    """(B, L, 1) -> Linear 32 + sinusoids -> 2 encoder layers -> mean over L -> Linear 2."""

    def __init__(self, length: int = 6, dim: int = 32) -> None:
        super().__init__()
        self.embed = nn.Linear(1, dim)
        pos = torch.arange(length, dtype=torch.float32).unsqueeze(1)
        rate = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(1e4) / dim))
        table = torch.zeros(length, dim)
        table[:, 0::2], table[:, 1::2] = torch.sin(pos * rate), torch.cos(pos * rate)
        self.register_buffer("table", table)
        self.encoder = nn.Sequential(*(
            nn.TransformerEncoderLayer(dim, 4, 64, dropout=0.0, batch_first=True)
            for _ in range(2)
        ))  # fmt: skip
        self.head = nn.Linear(dim, 2)

    def forward(self, x: Tensor) -> Tensor:
        h = self.encoder(self.embed(x) + self.table)
        return self.head(h.mean(1))  # type: ignore[no-any-return]


def plain_run(
    raw: dict[str, object], make_model: Callable[[], nn.Module], make_opt: MakeOptimizer
) -> Metrics:
    """Load the spec's data, then train and evaluate by hand; `raw` gives only data,
    epochs and batch size (the model and optimizer are the hand-written ones)."""
    spec = RunSpec.model_validate(raw)
    data = load(spec.data, DataContext())
    torch.manual_seed(spec.training.seed)
    model = make_model()
    opt = make_opt(model.parameters())
    x, y = data.train.x, data.train.y
    bs = int(spec.training.batch_size)
    train_loss = train_acc = val_loss = val_acc = 0.0
    for _ in range(spec.training.epochs):
        model.train()
        perm = torch.randperm(len(x))
        total, correct = 0.0, 0
        for i in range(0, len(x), bs):
            idx = perm[i : i + bs]
            xb, yb = x[idx], y[idx]
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            correct += (out.argmax(1) == yb).sum().item()
        train_loss, train_acc = total / len(x), correct / len(x)
        model.eval()
        with torch.no_grad():
            out = model(data.val.x)
            val_loss = F.cross_entropy(out, data.val.y).item()
            val_acc = (out.argmax(1) == data.val.y).float().mean().item()
    with torch.no_grad():
        test_acc = (model(data.test.x).argmax(1) == data.test.y).float().mean().item()
    return Metrics(train_loss, train_acc, val_loss, val_acc, test_acc)
