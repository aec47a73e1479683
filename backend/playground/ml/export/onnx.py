"""A model as ONNX bytes (torch's TorchScript-based exporter, which needs the `onnx` package).

The graph takes preprocessed inputs (model.py's preprocess()) with a free batch dimension.
"""

from __future__ import annotations

import io
import warnings

import torch
from torch import nn

from playground.ml.types import TensorType

OPSET = 17


class OnnxExportError(ValueError):
    """The model could not be written as ONNX; the message says why."""


def onnx_bytes(model: nn.Module, x: TensorType) -> bytes:
    """`model` (eval mode) as an ONNX file: input "input" (N, *x.shape), output "output"."""
    if x.vocab is not None:
        example = torch.zeros((2, *x.shape), dtype=torch.int64)
    else:
        example = torch.zeros((2, *x.shape))
    buf = io.BytesIO()
    try:
        with warnings.catch_warnings():
            # torch says the TorchScript exporter is deprecated; the newer one needs
            # onnxscript and fails on more of our modules, so this is the one we use.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                model.eval(), (example,), buf,  # type: ignore[arg-type]  # a file object works too
                dynamo=False, opset_version=OPSET,
                input_names=["input"], output_names=["output"],
                dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            )  # fmt: skip
    except Exception as e:  # torch raises many kinds here: each means "cannot export"
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise OnnxExportError(f"export to ONNX failed: {reason[:300]}") from e
    return buf.getvalue()
