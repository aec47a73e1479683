"""The export zip: spec.json, weights.safetensors, model.py, model.onnx and a README."""

from __future__ import annotations

import io
import zipfile

README = """NN Playground: run {run_id}, weights of epoch {epoch}

spec.json           the run spec (data, model, training) exactly as it ran
weights.safetensors the model's state_dict at epoch {epoch} (safetensors: no pickle)
model.py            plain PyTorch: build_model(), load(path), preprocess(raw)
{onnx_line}

In Python, with only torch and safetensors installed, in this folder:

    from model import load, preprocess
    model = load("weights.safetensors")
    outputs = model(preprocess(raw))   # raw: a batch of inputs in the data set's units

preprocess() carries the normalisation constants of the run's training split, so the
outputs are the predictions the playground showed.
"""


def bundle(
    *, run_id: int, epoch: int, spec_json: bytes, weights: bytes, model_py: str,
    onnx: bytes | None, onnx_error: str | None,
) -> bytes:  # fmt: skip
    """The zip's bytes; without model.onnx when the export failed (README says why)."""
    if onnx is not None:
        onnx_line = "model.onnx          the same network as ONNX (input: preprocess(raw))"
    else:
        onnx_line = f"(no model.onnx: {onnx_error})"
    readme = README.format(run_id=run_id, epoch=epoch, onnx_line=onnx_line)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("spec.json", spec_json)
        z.writestr("weights.safetensors", weights)
        z.writestr("model.py", model_py)
        if onnx is not None:
            z.writestr("model.onnx", onnx)
        z.writestr("README.txt", readme)
    return buf.getvalue()
