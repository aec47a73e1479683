"""ONNX export against an oracle: for every layer case of test_layer_shapes, onnxruntime
computes what the PyTorch model computes; the cases that cannot be exported (or that
onnxruntime cannot run on the CPU) are listed here, so a change in either shows up."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import torch

from playground.ml.builder import build_model
from playground.ml.export.onnx import OnnxExportError, onnx_bytes
from playground.ml.types import TensorType
from tests.unit.test_layer_shapes import CASES, EVEN_SAME, Spec, parse, sample

# torch's exporter refuses adaptive pooling whose output size does not divide the input's.
NOT_EXPORTED = {
    "AdaptiveAvgPool1d-4", "AdaptiveAvgPool1d-list", "AdaptiveAvgPool2d-nonsquare",
    "AdaptiveAvgPool2d-upsample", "AdaptiveMaxPool2d-nonsquare",
}  # fmt: skip
# Exported, but onnxruntime's CPU kernels refuse them: dilation in a 'same' convolution,
# output_padding with dilation in a transposed one.
NOT_RUN = {"Conv1d-same-dilated", "Conv2d-same-even-kernel", "ConvTranspose1d-dilation-outpad"}


@EVEN_SAME
@pytest.mark.parametrize(("shape", "vocab", "layers"), CASES)
def test_onnx_matches_pytorch(
    shape: tuple[int, ...], vocab: int | None, layers: Spec, request: pytest.FixtureRequest
) -> None:
    case = request.node.callspec.id
    torch.manual_seed(0)
    model = build_model(parse(layers), TensorType(shape, vocab)).eval()
    if case in NOT_EXPORTED:
        with pytest.raises(OnnxExportError, match="export to ONNX failed"):
            onnx_bytes(model, TensorType(shape, vocab))
        return
    session = ort.InferenceSession(
        onnx_bytes(model, TensorType(shape, vocab)), providers=["CPUExecutionProvider"]
    )
    x = sample(shape, vocab)  # a batch of 3: the exported batch size (2) is not baked in
    if case in NOT_RUN:
        with pytest.raises(Exception, match="ONNXRuntimeError"):
            session.run(None, {"input": x.numpy()})
        return
    (out,) = session.run(None, {"input": x.numpy()})
    with torch.no_grad():
        expected = model(x).numpy()
    np.testing.assert_allclose(out, expected, atol=1e-4, rtol=1e-4)
