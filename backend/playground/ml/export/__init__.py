"""Exporting a trained run: model.py, ONNX, and the zip that bundles them."""
