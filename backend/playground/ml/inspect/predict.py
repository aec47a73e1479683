"""The model's answer for raw inputs a learner gives, through the training pipeline's mapping."""

from __future__ import annotations

import torch
from torch import Tensor

from playground.ml.datasets.text import vocabulary
from playground.ml.inspect.common import Result, Subject, floats, last_step
from playground.ml.inspect.inputs import to_model_inputs
from playground.ml.inspect.requests import PredictView


def predict(s: Subject, request: PredictView) -> Result:
    """Per input: class probabilities and the prediction, or regression values.

    For the chars set: the next-character distribution and a sampled continuation.
    """
    x = to_model_inputs(s.spec, s.data, request.inputs, s.ctx)
    target = s.data.info.target
    if s.dataset == "chars":
        return {"task": target.task, "classes": list(target.class_names), **_text(s, request, x)}
    with torch.no_grad():
        out = s.model.eval()(x)
    values = s.objective.read_out(out)  # (N, *steps, K)
    outputs: list[Result]
    if s.objective.classify:
        predicted = s.objective.predict(out).tolist()
        outputs = [
            {"probabilities": floats(p), "predicted": c}
            for p, c in zip(values, predicted, strict=True)
        ]
    else:
        outputs = [{"values": floats(v)} for v in values]
    return {"task": target.task, "classes": list(target.class_names) or None, "outputs": outputs}


def _text(s: Subject, request: PredictView, x: Tensor) -> Result:
    """Next-character distributions, and `length` characters sampled one at a time."""
    vocab = vocabulary()
    gen = torch.Generator().manual_seed(request.seed)
    window = x.clone()  # (N, T) ids; slides left by one per sampled character
    first: Tensor | None = None
    drawn: list[Tensor] = []
    model = s.model.eval()
    with torch.no_grad():
        for step in range(request.length + 1):
            p = s.objective.read_out(last_step(model(window))).double()  # (N, V)
            if step == 0:
                first = p
            if step == request.length:
                break
            # Sampling from p^(1/T) equals softmax(logits / T) for softmax outputs.
            weights = p.clamp_min(0) ** (1 / request.temperature)
            ids = torch.multinomial(weights, 1, generator=gen)  # (N, 1)
            drawn.append(ids[:, 0])
            window = torch.cat([window[:, 1:], ids], 1)
    assert first is not None
    sampled = torch.stack(drawn, 1).tolist() if drawn else [[] for _ in range(len(x))]
    return {
        "outputs": [
            {
                "probabilities": floats(p),
                "predicted": vocab[int(p.argmax())],
                "continuation": "".join(vocab[i] for i in ids),
            }
            for p, ids in zip(first, sampled, strict=True)
        ]
    }
