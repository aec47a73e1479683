"""Attention weights and recurrent states against hand-written attention and RNN cells."""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
from torch import Tensor, nn

from playground.ml.datasets.text import vocabulary
from playground.ml.errors import SpecError
from playground.ml.inspect.common import ungrid
from tests.factories import layers, linear
from tests.unit.inspect_kit import built, view

CHARS = {"dataset": "chars", "n_samples": 60, "seq_len": 8}


def attention_by_hand(mha: nn.MultiheadAttention, x: Tensor, causal: bool) -> Tensor:
    """softmax(Q K^T / sqrt(d) + mask) per head, (heads, L, L), from the projection weights."""
    e, h = mha.embed_dim, mha.num_heads
    d = e // h
    w, b = mha.in_proj_weight, mha.in_proj_bias
    q, k = (x[0] @ w[i * e : (i + 1) * e].T + b[i * e : (i + 1) * e] for i in (0, 1))
    length = x.shape[1]
    q, k = (t.reshape(length, h, d).transpose(0, 1) for t in (q, k))  # (heads, L, d)
    scores = q @ k.transpose(1, 2) / math.sqrt(d)
    if causal:
        scores = scores.masked_fill(torch.ones(length, length).triu(1).bool(), float("-inf"))
    return scores.softmax(-1)


def close(encoded: dict[str, Any], oracle: Tensor) -> None:
    assert encoded["shape"] == list(oracle.shape)
    step = (encoded["hi"] - encoded["lo"]) / 255
    assert (ungrid(encoded) - oracle).abs().max() <= step / 2 + 1e-5


def test_attention_weights_per_head_of_both_attention_layers() -> None:
    spec, model, data = built(
        data=CHARS,
        model=layers(
            {"type": "Embedding", "embedding_dim": 8},
            {"type": "PositionalEncoding"},
            {"type": "MultiheadAttention", "num_heads": 2, "causal": True},
            {"type": "TransformerEncoderLayer", "nhead": 4, "norm_first": True},
            {"type": "SequencePool", "mode": "last"},
            linear(len(vocabulary())),
        ),
    )
    out = view(spec, model, data, view="attention", split="train", index=4)
    ids = data.train.x[4:5]
    assert out["tokens"] == [vocabulary()[i] for i in ids[0].tolist()]
    with torch.no_grad():
        h1 = model[1](model[0](ids))
        first = attention_by_hand(model[2].mha, h1, causal=True)
        h2 = model[2](h1)
        encoder = model[3].layer
        second = attention_by_hand(encoder.self_attn, encoder.norm1(h2), causal=False)
    assert [(entry["layer"], len(entry["heads"])) for entry in out["layers"]] == [
        ("model.layers[2]", 2),
        ("model.layers[3]", 4),
    ]
    for entry, oracle in zip(out["layers"], (first, second), strict=True):
        for encoded, head in zip(entry["heads"], oracle, strict=True):
            assert (encoded["lo"], encoded["hi"]) == (0.0, 1.0)
            close(encoded, head)
    assert float(ungrid(out["layers"][0]["heads"][0]).triu(1).abs().max()) == 0  # causal


def test_hidden_states_follow_the_rnn_recurrence() -> None:
    spec, model, data = built(
        data={"dataset": "sine", "n_samples": 50, "seq_len": 10},
        model=layers({"type": "RNN", "hidden_size": 4}, linear(1)),
    )
    out = view(spec, model, data, view="hidden_states", index=1)
    rnn = model[0].rnn
    x = data.test.x[1]  # (10, 1)
    h = torch.zeros(4)
    states = []
    with torch.no_grad():
        for x_t in x:
            h = torch.tanh(
                rnn.weight_ih_l0 @ x_t + rnn.bias_ih_l0 + rnn.weight_hh_l0 @ h + rnn.bias_hh_l0
            )
            states.append(h)
    entry = out["layers"][0]
    assert (entry["layer"], entry["directions"]) == ("model.layers[0]", 1)
    close(entry["states"], torch.stack(states))
    assert out["tokens"] is None


def test_bidirectional_stacked_lstm_states_span_both_directions() -> None:
    spec, model, data = built(
        data={"dataset": "sine", "n_samples": 50, "seq_len": 10},
        model=layers(
            {
                "type": "LSTM",
                "hidden_size": 3,
                "num_layers": 2,
                "bidirectional": True,
                "return_sequences": True,
            },
            {"type": "GRU", "hidden_size": 5},
            linear(1),
        ),
    )
    out = view(spec, model, data, view="hidden_states")
    assert [(e["layer"], e["states"]["shape"], e["directions"]) for e in out["layers"]] == [
        ("model.layers[0]", [10, 6], 2),
        ("model.layers[1]", [10, 5], 1),
    ]
    with torch.no_grad():
        full = model[0](data.test.x[:1])[0]  # return_sequences: the same states
    close(out["layers"][0]["states"], full)


def test_sequence_views_need_their_layers() -> None:
    mlp = built(model=layers(linear(2)))
    for name, what in (("attention", "MultiheadAttention"), ("hidden_states", "RNN, GRU or LSTM")):
        with pytest.raises(SpecError, match=f"{name} needs an? {what}") as e:
            view(*mlp, view=name)
        assert e.value.errors[0].loc == ("view",)
