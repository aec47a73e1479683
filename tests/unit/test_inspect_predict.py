"""predict: raw inputs go through the same mapping as training data; bad inputs are named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, LoadedData, load
from playground.ml.datasets.text import vocabulary
from playground.ml.errors import SpecError
from playground.ml.inspect import inspect, parse_view
from playground.ml.spec import RunSpec
from tests.factories import layers, linear, make_spec
from tests.unit.inspect_kit import DIGITS, built, view


def raw_test(spec: RunSpec) -> LoadedData:
    """The same data set in its own units (no standardisation)."""
    return load(spec.data.model_copy(update={"normalize": False}), DataContext())


def probabilities(model: nn.Module, x: torch.Tensor) -> list[list[float]]:
    with torch.no_grad():
        return model(x).softmax(-1).tolist()  # type: ignore[no-any-return]


def test_a_point_is_feature_mapped_and_standardised_like_training_data() -> None:
    spec, model, data = built(
        data={"features": ["x", "y", "x2", "sinx"]},
        model=layers(linear(6, activation="Tanh"), linear(2)),
    )
    plane = data.plane
    assert plane is not None
    point = [0.5, -1.25]
    # by hand: the features of the point, standardised with the raw training points' statistics
    tx, ty = plane.train_points[:, 0], plane.train_points[:, 1]
    train = np.stack([tx, ty, tx * tx, np.sin(tx)], 1)
    x, y = point
    feats = (np.array([x, y, x * x, np.sin(x)]) - train.mean(0)) / train.std(0)
    # and a test point given raw: exactly the row the model was evaluated on
    raw = plane.test_points[3].tolist()
    out = view(spec, model, data, view="predict", inputs=[point, raw])
    expected = probabilities(model, torch.tensor(feats, dtype=torch.float32)[None])[0]
    assert out["outputs"][0]["probabilities"] == pytest.approx(expected, abs=1e-6)
    assert out["outputs"][1]["probabilities"] == pytest.approx(
        probabilities(model, data.test.x[3:4])[0], abs=1e-6
    )
    assert out["outputs"][0]["predicted"] == int(np.argmax(expected))
    assert out["classes"] == ["arm 0", "arm 1"]


def test_a_digit_drawing_in_raw_pixels_meets_the_model_as_its_test_sample_did() -> None:
    spec, model, data = built(data=DIGITS, model=layers({"type": "Flatten"}, linear(10)))
    pixels = (raw_test(spec).test.x[:3, 0] * 16).round()  # 0..16, as scikit-learn stores them
    out = view(spec, model, data, view="predict", inputs=pixels.tolist())
    for k in range(3):
        assert out["outputs"][k]["probabilities"] == pytest.approx(
            probabilities(model, data.test.x[k : k + 1])[0], abs=1e-6
        )


def test_tables_and_sequences_in_their_own_units() -> None:
    spec, model, data = built(data={"dataset": "iris"}, model=layers(linear(3)))
    rows = raw_test(spec).test.x[:2].tolist()
    out = view(spec, model, data, view="predict", inputs=rows)
    assert out["outputs"][1]["probabilities"] == pytest.approx(
        probabilities(model, data.test.x[1:2])[0], abs=1e-5
    )
    spec, model, data = built(
        data={"dataset": "sine", "n_samples": 50, "seq_len": 12},
        model=layers({"type": "GRU", "hidden_size": 4}, linear(1)),
    )
    series = raw_test(spec).test.x[0, :, 0].tolist()  # a plain list of values
    out = view(spec, model, data, view="predict", inputs=[series])
    assert out["task"] == "regression"
    with torch.no_grad():
        assert out["outputs"][0]["values"] == pytest.approx(
            model(data.test.x[:1])[0].tolist(), abs=1e-5
        )


def test_text_gives_the_next_character_and_a_seeded_continuation() -> None:
    spec, model, data = built(
        data={"dataset": "chars", "n_samples": 60, "seq_len": 8},
        model=layers(
            {"type": "Embedding", "embedding_dim": 6},
            {"type": "GRU", "hidden_size": 8},
            linear(len(vocabulary())),
        ),
    )
    vocab = vocabulary()
    text = "the cat sat"  # longer than seq_len: the last 8 characters count
    out = view(spec, model, data, view="predict", inputs=[text, "a"], length=12, seed=3)
    ids = torch.tensor([[vocab.index(c) for c in text[-8:]]])
    first = out["outputs"][0]
    assert first["probabilities"] == pytest.approx(probabilities(model, ids)[0], abs=1e-6)
    assert first["predicted"] == vocab[int(np.argmax(first["probabilities"]))]
    assert len(first["continuation"]) == 12
    assert set(first["continuation"]) <= set(vocab)
    again = view(spec, model, data, view="predict", inputs=[text, "a"], length=12, seed=3)
    assert again["outputs"] == out["outputs"]
    short = torch.tensor([[vocab.index(" ")] * 7 + [vocab.index("a")]])  # left-padded with spaces
    assert out["outputs"][1]["probabilities"] == pytest.approx(
        probabilities(model, short)[0], abs=1e-6
    )
    with pytest.raises(SpecError, match="'€' not in the text's") as e:
        view(spec, model, data, view="predict", inputs=["ok", "1 €"])
    assert e.value.errors[0].loc == ("inputs", 1)


def test_a_drawing_of_the_wrong_size_or_range_is_refused() -> None:
    spec, model, data = built(data=DIGITS, model=layers({"type": "Flatten"}, linear(10)))
    good = [[0] * 8 for _ in range(8)]
    with pytest.raises(SpecError, match="a drawing must be 8x8 for digits; got 7x8") as e:
        view(spec, model, data, view="predict", inputs=[good, good[:7]])
    assert e.value.errors[0].loc == ("inputs", 1)
    with pytest.raises(SpecError, match="pixel values of digits run from 0 to 16; got 200") as e:
        view(spec, model, data, view="predict", inputs=[[[200] * 8] * 8])
    assert e.value.errors[0].loc == ("inputs", 0)
    with pytest.raises(SpecError, match="must be a drawing of 8 rows of 8 pixel values"):
        view(spec, model, data, view="predict", inputs=[[[1, 2], [3]]])
    point = built()
    with pytest.raises(SpecError, match=r"a point must be \[x, y\]; got 3 values") as e:
        view(*point, view="predict", inputs=[[1, 2, 3]])
    assert e.value.errors[0].loc == ("inputs", 0)


@pytest.mark.parametrize("shape", [(5,), (1, 6, 6)])
def test_uploads_use_the_statistics_of_their_training_split(
    tmp_path: Path, shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(0)
    (tmp_path / "uploads").mkdir()
    x = rng.normal(3.0, 2.0, (40, *shape)).astype(np.float32)
    np.savez(tmp_path / "uploads" / "mine.npz", x=x, y=np.arange(40) % 2)
    ctx = DataContext(tmp_path)
    spec = make_spec(
        data={"dataset": "npz", "file": "mine.npz"}, model=layers({"type": "Flatten"}, linear(2))
    )
    data = load(spec.data, ctx)
    torch.manual_seed(0)
    model = build_model(spec.model.layers, data.info.input).eval()
    raw = load(spec.data.model_copy(update={"normalize": False}), ctx).test.x[:2]
    out = inspect(
        spec, model, data, parse_view({"view": "predict", "inputs": raw.tolist()}), ctx=ctx
    )
    for k in range(2):
        assert out["outputs"][k]["probabilities"] == pytest.approx(
            probabilities(model, data.test.x[k : k + 1])[0], abs=1e-5
        )
    with pytest.raises(SpecError, match=r"input must have shape") as e:
        inspect(spec, model, data, parse_view({"view": "predict", "inputs": [[1.0]]}), ctx=ctx)
    assert e.value.errors[0].loc == ("inputs", 0)
