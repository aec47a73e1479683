"""Sequence views: attention weights per head (A13) and recurrent states over time (A12)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from playground.ml.datasets.text import vocabulary
from playground.ml.inspect.common import Result, Subject, grid
from playground.ml.inspect.layers import capture_inputs
from playground.ml.inspect.requests import AttentionView, HiddenStatesView, SampleView
from playground.ml.layers.modules import EncoderBlock, Recurrent, SelfAttention


def attention(s: Subject, request: AttentionView) -> Result:
    """softmax(Q K^T / sqrt(d)) per head, (heads, L, L): row = query position, column = key."""
    refs = s.need(
        (SelfAttention, EncoderBlock),
        "attention",
        "a MultiheadAttention or TransformerEncoderLayer",
    )
    x = s.sample(request)
    with torch.no_grad(), capture_inputs([r.core for r in refs]) as inputs:
        s.model.eval()(x)
        layers = []
        for ref, h in zip(refs, inputs, strict=True):
            assert h is not None
            weights = _weights(ref.core, h)[0]  # (heads, L, L)
            layers.append(
                {
                    "layer": ref.path,
                    "type": ref.type,
                    "heads": [grid(w, lo=0.0, hi=1.0) for w in weights],
                }
            )
    return {**_sample_info(s, request, x), "layers": layers}


def _weights(module: nn.Module, x: Tensor) -> Tensor:
    """Per-head attention weights (B, heads, L, L) of a self-attention block on input x."""
    if isinstance(module, EncoderBlock):
        layer = module.layer
        h = layer.norm1(x) if layer.norm_first else x  # what its self-attention reads
        mha, mask = layer.self_attn, module.mask
    else:
        assert isinstance(module, SelfAttention)
        h, mha, mask = x, module.mha, module.mask
    _, w = mha(h, h, h, attn_mask=mask, need_weights=True, average_attn_weights=False)
    assert isinstance(w, Tensor)
    return w


def hidden_states(s: Subject, request: HiddenStatesView) -> Result:
    """The last stacked layer's hidden state at every step, (L, directions * hidden_size)."""
    refs = s.need((Recurrent,), "hidden_states", "an RNN, GRU or LSTM layer")
    x = s.sample(request)
    with torch.no_grad(), capture_inputs([r.core for r in refs]) as inputs:
        s.model.eval()(x)
        layers = []
        for ref, h in zip(refs, inputs, strict=True):
            assert h is not None
            assert isinstance(ref.core, Recurrent)
            states, _ = ref.core.rnn(h)  # (1, L, D * H), whatever return_sequences says
            layers.append(
                {
                    "layer": ref.path,
                    "type": ref.type,
                    "directions": ref.core.directions,
                    "states": grid(states[0]),  # (L, D * H): row = step
                }
            )
    return {**_sample_info(s, request, x), "layers": layers}


def _sample_info(s: Subject, request: SampleView, x: Tensor) -> Result:
    """Which sample, its label, and its characters for text sets (to label the axes)."""
    tokens = None
    if s.dataset == "chars" and not x.is_floating_point():
        vocab = vocabulary()
        tokens = [vocab[int(i)] for i in x[0].tolist()]
    return {
        "split": request.split,
        "index": request.index,
        "label": s.label(request),
        "tokens": tokens,
    }
