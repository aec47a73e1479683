"""Ensembles (curriculum G5): several trained models of the same data, scored together.

mean_prob averages the members' class probabilities (or, for regression, their outputs);
vote takes each member's predicted class and the majority wins, ties going to the class
with the larger mean probability.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
from torch import Tensor, nn

from playground.ml.datasets import LoadedData
from playground.ml.metrics import predict_all, split_metrics, to_floats
from playground.ml.objective import Objective
from playground.ml.spec import RunSpec

Method = Literal["mean_prob", "vote"]
TINY = 1e-12  # floor of a probability before its log

NOTE = (
    "Members trained from different seeds make partly independent mistakes; averaging "
    "cancels some of them, so an ensemble usually beats its average member."
)


def ensemble(
    members: list[tuple[RunSpec, nn.Module]], data: LoadedData, method: Method
) -> dict[str, Any]:
    """{"members": [{test_accuracy, test_loss}], "ensemble": {...}, "n_test"} on data.test."""
    test = data.test
    scores, reads = [], []
    for spec, model in members:
        objective = Objective.create(spec.training, data.info.target)
        out = predict_all(model, test.x)
        metrics = to_floats(split_metrics(objective, out, test.y, ""))
        scores.append({"test_accuracy": metrics.get("accuracy"), "test_loss": metrics["loss"]})
        reads.append((objective, out))
    classify = data.info.target.task == "classification"
    result = _classes(reads, test.y, method) if classify else _values(reads, test.y)
    return {"members": scores, "ensemble": result, "n_test": len(test), "note": NOTE}


def _classes(reads: list[tuple[Objective, Tensor]], y: Tensor, method: Method) -> dict[str, Any]:
    probs = torch.stack([obj.read_out(out) for obj, out in reads]).mean(0)  # (N, *steps, K)
    if method == "vote":
        k = probs.shape[-1]
        votes = sum(
            nn.functional.one_hot(obj.predict(out), k).float() for obj, out in reads
        )  # (N, *steps, K) counts
        # A mean probability is below 1, so it only breaks ties between equal counts.
        predicted = (torch.as_tensor(votes) + probs * 0.5).argmax(-1)
        return {"test_accuracy": _accuracy(predicted, y), "test_loss": None}
    picked = probs.gather(-1, y.unsqueeze(-1)).squeeze(-1)  # probability of the true class
    loss = -picked.clamp_min(TINY).log().mean()
    return {"test_accuracy": _accuracy(probs.argmax(-1), y), "test_loss": float(loss)}


def _values(reads: list[tuple[Objective, Tensor]], y: Tensor) -> dict[str, Any]:
    objective = reads[0][0]
    mean = torch.stack([out.float() for _, out in reads]).mean(0)
    return {"test_accuracy": None, "test_loss": float(objective.loss(mean, y))}


def _accuracy(predicted: Tensor, y: Tensor) -> float:
    return float((predicted == y).double().mean())
