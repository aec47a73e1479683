"""CUDA graph steps (ml/cuda_graphs.py) as far as a CPU can check them: which runs are
eligible, and the step logic around the capture through a stand-in for the graph (replaying
a "graph" = running its recorded step again), including a capture that fails."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import torch

from playground.ml import cuda_graphs
from playground.ml import train as train_module
from playground.ml.cuda_graphs import WARMUP_STEPS, GraphSteps, Step, ineligible
from playground.ml.hooks import EpochReport, Hooks, RunResult, StepReport
from playground.ml.train import train
from tests.factories import make_spec

CUDA = torch.device("cuda")  # ineligible() only reads the device's type: no GPU is touched
FULL = [(0, 16), (16, 32), (32, 40)]  # two full batches of 16, a ragged one of 8


def why(
    device: torch.device = CUDA,
    types: frozenset[str] = frozenset(),
    batches: list[tuple[int, int]] = FULL,
    **training: Any,
) -> str | None:
    spec = make_spec(training={"epochs": 20, **training})
    return ineligible(spec.training, device, batches, set(types))


def test_a_plain_run_on_a_gpu_is_eligible() -> None:
    assert why() is None
    assert why(optimizer={"type": "SGD", "lr": 0.1, "momentum": 0.9}) is None
    assert why(optimizer={"type": "AdamW"}, grad_clip={"max_norm": 1.0}, l2=0.01) is None
    assert why(optimizer={"type": "RMSprop", "momentum": 0.9}) is None


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"device": torch.device("cpu")}, "for GPUs"),
        ({"cuda_graphs": "off"}, "cuda_graphs is off"),
        ({"augment": {"noise": 0.1}}, "augmentation"),
        ({"optimizer": {"type": "Adagrad"}}, "Adagrad keeps its step count"),
        ({"scheduler": {"type": "StepLR"}}, "learning-rate schedule"),
        ({"types": frozenset({"Linear", "LSTM"})}, "LSTM layers train eagerly"),
        ({"epochs": 2}, "too few steps"),  # 4 full-size steps: 3 warm up, 1 replay
        # One batch an epoch: it is also the step that measures layer stats, always eager.
        ({"batches": [(0, 40)], "batch_size": "full", "epochs": 1000}, "too few steps"),
    ],
)
def test_ineligible_runs_say_why(kwargs: dict[str, Any], reason: str) -> None:
    assert reason in (why(**kwargs) or "")


def test_the_setting_is_validated() -> None:
    with pytest.raises(ValueError, match="cuda_graphs"):
        make_spec(training={"cuda_graphs": "always"})


class Recorder(Hooks):
    def __init__(self) -> None:
        self.steps: list[StepReport] = []
        self.epochs: list[EpochReport] = []

    def on_step(self, report: StepReport) -> None:
        self.steps.append(report)

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs.append(report)


def trained(spec_sections: dict[str, Any]) -> tuple[RunResult, Recorder]:
    rec = Recorder()
    result = train(make_spec(**spec_sections), rec)
    assert result.status == "succeeded", result.error
    return result, rec


def same_run(a: tuple[RunResult, Recorder], b: tuple[RunResult, Recorder]) -> None:
    """Every reported number equal: step losses, epoch metrics, layer stats, test metrics."""
    assert a[0].test == b[0].test
    assert a[0].confusion == b[0].confusion
    assert [(s.step, s.loss) for s in a[1].steps] == [(s.step, s.loss) for s in b[1].steps]
    assert [(e.metrics, e.layers) for e in a[1].epochs] == [
        (e.metrics, e.layers) for e in b[1].epochs
    ]


# 120 training samples in batches of 16: 7 full batches and a ragged one of 8 per epoch.
SECTIONS: dict[str, Any] = {"training": {"epochs": 4, "batch_size": 16, "log_every": 3}}


def test_on_the_cpu_auto_trains_as_off_and_never_builds_graph_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[GraphSteps] = []
    monkeypatch.setattr(train_module, "GraphSteps", lambda *a, **k: built.append(a))  # type: ignore[arg-type]
    auto = trained({"training": {**SECTIONS["training"], "cuda_graphs": "auto"}})
    off = trained({"training": {**SECTIONS["training"], "cuda_graphs": "off"}})
    same_run(auto, off)
    assert built == []


class Spy:
    """Stands in for torch's capture: 'replaying' runs the recorded step again, eagerly."""

    def __init__(self, fail: bool = False) -> None:
        self.fail, self.captures, self.steps = fail, 0, []  # type: ignore[var-annotated]

    def __call__(self, record: Step) -> Step:
        self.captures += 1
        if self.fail:
            raise RuntimeError("operation not permitted when stream is capturing")
        return record


def graphed(monkeypatch: pytest.MonkeyPatch, capture: Spy, sections: dict[str, Any]) -> Any:
    """train() with every run eligible, the capture replaced, and the GraphSteps kept."""
    made: list[GraphSteps] = []

    class Kept(GraphSteps):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(train_module, "ineligible", lambda *a: None)
    # Capturable Adam state lives on the GPU only (torch refuses it on the CPU).
    monkeypatch.setattr(train_module, "make_capturable", lambda optimizer: None)
    monkeypatch.setattr(train_module, "GraphSteps", Kept)
    monkeypatch.setattr(cuda_graphs, "capture_graph", capture)
    return trained(sections), made


@pytest.mark.parametrize(
    "optimizer",
    [
        {"type": "Adam", "lr": 0.01},
        {"type": "SGD", "lr": 0.05, "momentum": 0.9},
        {"type": "RMSprop", "lr": 0.01, "momentum": 0.5},
    ],
)
def test_replayed_steps_train_exactly_as_eager_ones(
    monkeypatch: pytest.MonkeyPatch, optimizer: dict[str, Any]
) -> None:
    sections = {"training": {**SECTIONS["training"], "optimizer": optimizer, "l2": 0.01}}
    eager = trained(sections)
    spy = Spy()
    run, made = graphed(monkeypatch, spy, sections)
    same_run(run, eager)
    (steps,) = made
    assert spy.captures == 1
    # Per epoch: 7 full batches replayed, and the ragged 8th eager (it is also the one that
    # measures layer stats). The first WARMUP_STEPS full-size steps warm up eagerly.
    assert steps.replays == 4 * 7 - WARMUP_STEPS
    assert steps.eager_steps == 4 * 1 + WARMUP_STEPS
    assert not steps.failed


def test_a_full_last_batch_steps_eagerly_to_measure_layer_stats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sections = {"training": {**SECTIONS["training"], "batch_size": 20}}  # 6 full batches
    eager = trained(sections)
    run, made = graphed(monkeypatch, Spy(), sections)
    same_run(run, eager)
    (steps,) = made
    assert steps.replays == 4 * 5 - WARMUP_STEPS
    assert steps.eager_steps == 4 + WARMUP_STEPS


def test_a_failed_capture_is_logged_once_and_the_run_trains_eagerly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    eager = trained(SECTIONS)
    spy = Spy(fail=True)
    with caplog.at_level(logging.WARNING, logger="playground.ml.cuda_graphs"):
        run, made = graphed(monkeypatch, spy, SECTIONS)
    same_run(run, eager)
    (steps,) = made
    assert steps.failed
    assert steps.replays == 0
    assert spy.captures == 1
    assert steps.eager_steps == 4 * 8
    warnings = [r for r in caplog.records if "capture failed" in r.getMessage()]
    assert len(warnings) == 1
    assert "stream is capturing" in warnings[0].getMessage()
