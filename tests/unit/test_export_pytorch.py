"""model.py generation against an oracle: for every layer case of test_layer_shapes, the
generated build_model() loads the real model's state_dict with strict=True and computes
the same outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

from playground.ml.builder import build_model
from playground.ml.export.pytorch import Preprocess, UnsupportedLayerError, model_source
from playground.ml.types import TensorType
from tests.unit.test_layer_shapes import CASES, EVEN_SAME, Spec, parse, sample


def generated(source: str) -> dict[str, Any]:
    """The module namespace of a generated model.py (our own code, not user data)."""
    namespace: dict[str, Any] = {"__name__": "model"}
    exec(compile(source, "model.py", "exec"), namespace)
    return namespace


@EVEN_SAME
@pytest.mark.parametrize(("shape", "vocab", "layers"), CASES)
def test_generated_model_matches_the_builder(
    shape: tuple[int, ...], vocab: int | None, layers: Spec
) -> None:
    torch.manual_seed(0)
    model = build_model(parse(layers), TensorType(shape, vocab)).eval()
    for p in model.parameters():  # not the init values, which a fresh build could repeat
        p.data.uniform_(-0.5, 0.5)
    pre = Preprocess(shape, tokens=vocab is not None)
    ns = generated(model_source(model, pre, title="Test"))
    copy: nn.Module = ns["build_model"]()
    copy.load_state_dict(model.state_dict(), strict=True)
    copy.eval()
    x = sample(shape, vocab)
    with torch.no_grad():
        torch.testing.assert_close(copy(x), model(x), rtol=0, atol=1e-6)
    assert ns["INPUT_SHAPE"] == shape


def test_preprocess_standardises_with_the_constants() -> None:
    mean, std = np.array([[1.5, -2.0]]), np.array([[0.5, 4.0]])
    model = nn.Sequential(nn.Linear(2, 2))
    ns = generated(model_source(model, Preprocess((2,), mean, std), title="T"))
    out = ns["preprocess"]([[2.0, 2.0], [1.5, -2.0]])
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, torch.tensor([[1.0, 1.0], [0.0, 0.0]]))


def test_unknown_module_is_named_with_its_layer() -> None:
    class Odd(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    with pytest.raises(UnsupportedLayerError, match="does not support layer Odd yet") as e:
        model_source(nn.Sequential(nn.Linear(2, 2), Odd()), Preprocess((2,)), title="T")
    assert e.value.index == 1


@EVEN_SAME
def test_every_generated_file_defines_what_it_uses(tmp_path: Path) -> None:
    """Pyflakes' checks (ruff F) over the model.py of every case: annotations are not run by
    exec, so a name they use but the file lacks would only show up here."""
    for i, p in enumerate(CASES):
        shape, vocab, layers = p.values
        model = build_model(parse(layers), TensorType(shape, vocab))
        source = model_source(model, Preprocess(shape, tokens=vocab is not None), title="T")
        (tmp_path / f"model_{i}.py").write_text(source)
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "check", "--no-cache", "--isolated", "--select", "F,E9", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
