"""Every preset shows its idea: its `expect` claims hold when it is trained for real.

Presets whose full run is short (under ~5 s on one CPU thread) are trained here; the others
are listed in BENCH_ONLY with the reason and checked by `bench/presets.py` (`make bench`),
which trains every preset. Claims are checked on one torch thread, as they were measured.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError

from playground.ml.claims import KEYS, Record, check, evaluate
from playground.ml.hooks import EpochReport, RunResult
from playground.ml.spec import RunSpec
from tests.factories import spec_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRESETS = sorted(p.stem for p in EXAMPLES.glob("*.json"))

# Presets too slow for `make test`, each with its reason; bench/presets.py checks them.
BENCH_ONLY: dict[str, str] = {
    "transformer_parity": "two encoder layers over 40 epochs: about 5 s on one thread",
}
FAST = [p for p in PRESETS if p not in BENCH_ONLY]
CURRICULUM_ID = re.compile(r"^[A-H]\d{1,2}\b")


def load(name: str) -> RunSpec:
    return RunSpec.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


@pytest.fixture
def one_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# Curriculum ideas that are pictures or numbers on screen: each has a preset that says so.
SHOWN = ("H1", "H2", "H3", "H4", "H5", "H6", "H7", "A5", "A12", "A13", "B10", "B11", "D13",
         "D14", "E2", "E8", "F3", "G7", "G8", "G9")  # fmt: skip


def test_every_picture_of_the_course_has_a_preset() -> None:
    ids = {i for name in PRESETS for i in re.findall(r"\b[A-H]\d{1,2}\b", load(name).description)}
    assert [i for i in SHOWN if i not in ids] == []


def test_the_examples_readme_lists_every_preset() -> None:
    listed = re.findall(r"^\| \[`([\w]+)\.json`\]", (EXAMPLES / "README.md").read_text(), re.M)
    assert listed == PRESETS


def test_bench_only_names_real_presets() -> None:
    assert set(BENCH_ONLY) <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_states_its_idea_and_a_claim(name: str) -> None:
    spec = load(name)
    assert CURRICULUM_ID.match(spec.description), "the description starts with a curriculum id"
    assert spec.expect, "every preset carries a machine-checked claim"
    assert set(spec.expect) <= set(KEYS)


@pytest.mark.parametrize("name", FAST)
@pytest.mark.usefixtures("one_thread")
def test_preset_claims_hold(name: str) -> None:
    result, checks = check(load(name))
    failed = [c for c in checks if not c.ok]
    assert not failed, "; ".join(
        f"{c.key}: expected {c.describe_expected()}, measured {c.measured}" for c in failed
    ) + (f" (error: {result.error})" if result.error else "")


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({"test.acc": [0.9, 1.0]}, "unknown claim 'test.acc'"),
        ({"status": "crashed"}, "status must be one of"),
        ({"test.accuracy": "high"}, "takes a range"),
        ({"test.accuracy": [1.0, 0.9]}, "lower bound 1.0 is above upper bound 0.9"),
    ],
)
def test_bad_claims_are_clear_spec_errors(expect: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        RunSpec.model_validate(spec_dict() | {"expect": expect})


def test_claims_are_measured_from_what_training_reports() -> None:
    record = Record()
    for epoch, val_loss in enumerate([0.7, 0.3, 0.5]):
        metrics = {"train_loss": 0.2, "val_loss": val_loss, "train_accuracy": 1.0}
        record.on_epoch(EpochReport(epoch, epoch * 10, metrics, [], 0.0))
    result = RunResult("succeeded", epochs=2, steps=20, test={"accuracy": 0.8})
    expect = {"test.accuracy": (0.75, None), "epoch0.val_loss": (None, 0.6),
              "gap.loss": (0.25, 0.35), "rise.val_loss": (0.15, 0.25), "steps": (20, 20)}  # fmt: skip
    checks = {c.key: c for c in evaluate(expect, result, record)}  # type: ignore[arg-type]
    assert [k for k, c in checks.items() if not c.ok] == ["epoch0.val_loss"]
    assert checks["status"].ok  # "succeeded" is implied
    assert checks["gap.loss"].measured == pytest.approx(0.3)
    diverged = evaluate({"status": "diverged"}, RunResult("diverged"), Record())
    assert all(c.ok for c in diverged)
