"""The input preprocessing of a run, as constants an exported model can carry."""

from __future__ import annotations

from playground.ml.datasets import DATASETS, DataContext, LoadedData
from playground.ml.export.pytorch import Preprocess
from playground.ml.inspect.inputs import standardizer
from playground.ml.spec import RunSpec

# Loaders that standardise float32 arrays in float32 (the others compute in float64).
FLOAT32_KINDS = {"image"}
FLOAT32_SETS = {"npz"}


def preprocessing(spec: RunSpec, data: LoadedData, ctx: DataContext) -> Preprocess:
    """Raw inputs are what the data set gives with "normalize": false (2-D sets after the
    feature map, images scaled to [0, 1]); the statistics are the training split's."""
    info = data.info.input
    dataset = str(spec.data.dataset)
    kind = DATASETS[dataset].kind
    raw = _raw_words(kind, spec)
    if info.is_tokens:
        return Preprocess(info.shape, tokens=True, raw="token ids")
    if not spec.data.normalize:
        return Preprocess(info.shape, raw=raw)
    # 2-D sets keep the standardiser they trained with; the others are refitted on the raw
    # training split, exactly as their loaders fit them.
    fitted = data.plane.standardizer if data.plane is not None else None
    fitted = fitted or standardizer(spec, data, ctx)
    float32 = kind in FLOAT32_KINDS or dataset in FLOAT32_SETS
    return Preprocess(info.shape, fitted.mean, fitted.std, float32=float32, raw=raw)


def _raw_words(kind: str, spec: RunSpec) -> str:
    if kind == "2d":
        features = getattr(spec.data, "features", None) or ["x", "y"]
        return f"features ({', '.join(features)}) of the raw points"
    if kind == "image":
        return "pixel values scaled to [0, 1]"
    return 'inputs as the data set gives them with "normalize": false'
