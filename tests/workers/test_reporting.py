"""The tick contract: the loop ticks before every step; PipeHooks flushes only on a tick."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import torch
from safetensors.torch import save
from torch import nn

from playground.executors.control import Hold, RunControl
from playground.executors.events import Progress
from playground.executors.reporting import GroupPipe, PipeHooks, SnapshotWriter
from playground.ml.hooks import EpochReport, GroupTicks, Hooks, RunResult, StepReport
from playground.ml.snapshots import snapshot_path
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.vectorized import group, train_group
from tests.factories import spec_dict


class _Counting(Hooks):
    def __init__(self) -> None:
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1


def test_the_loop_ticks_before_every_step_and_before_each_validation() -> None:
    hooks = _Counting()
    result = train(RunSpec.model_validate(spec_dict(training={"epochs": 2})), hooks)

    assert result.status == "succeeded", result.error
    assert hooks.ticks == result.steps + result.epochs


def test_reading_cancelled_sends_nothing_and_a_tick_sends_what_is_due() -> None:
    sent: list[object] = []
    control = RunControl.local()
    hooks = PipeHooks(1, sent.append, control)
    hooks.on_epoch(EpochReport(0, 0, {"val_loss": 1.0}, [], 0.0))  # urgent: first sign of life
    assert sent == []
    assert not hooks.cancelled
    assert sent == []  # a plain read

    hooks.tick()
    assert len(sent) == 1
    assert isinstance(sent[0], Progress)
    assert [r.epoch for r in sent[0].epochs] == [0]

    hooks._last_flush += 3600  # not due for an hour
    hooks.on_step(StepReport(1, 1, 0.5))
    hooks.tick()
    assert len(sent) == 1  # buffered until due

    control.cancel(0)
    assert hooks.cancelled


def test_each_trial_of_a_group_reads_its_own_cancel_flag() -> None:
    control = RunControl.local()
    trials = [PipeHooks(run, lambda _: None, control, trial=i) for i, run in enumerate([5, 6, 7])]
    control.cancel(1)
    assert [h.cancelled for h in trials] == [False, True, False]
    trials[2].cancelled = True  # the setter writes its own flag only
    assert [control.cancelled(i) for i in range(3)] == [False, True, True]
    control.reset()
    assert not any(h.cancelled for h in trials)


def test_a_forgotten_pause_ends_by_itself_and_says_so() -> None:
    sent: list[object] = []
    control = RunControl.local()
    hooks = PipeHooks(1, sent.append, control, max_pause=0.2)
    control.set_hold(Hold.PAUSE)
    held = hooks.tick()
    assert 0.2 <= held < 1.0
    assert [(type(e).__name__, getattr(e, "paused", None)) for e in sent] == [
        ("Paused", True),
        ("Paused", False),
    ]
    assert not control.holding()  # resumed: the slot is free to train again
    assert hooks.tick() == 0.0


def test_a_group_ticks_once_a_step_flushing_every_trial_together_and_naming_the_cancelled() -> None:
    sent: list[Progress] = []
    control = RunControl.local()
    # Trial 1 of the job failed to parse: the group's members are trials 0, 2 and 3.
    members = [
        PipeHooks(run, sent.append, control, trial=i, flush_interval=math.inf)  # type: ignore[arg-type]
        for i, run in [(0, 5), (2, 7), (3, 8)]
    ]
    ticks = GroupPipe(members, control, flush_interval=3600)
    for k, hooks in enumerate(members):
        hooks.on_step(StepReport(1, 1, 0.5 + k))
    assert ticks.tick() == []
    assert sent == []  # nothing is due yet, and a trial never flushes on its own timer

    ticks._last_flush -= 3601
    assert ticks.tick() == []
    assert [p.run_id for p in sent] == [5, 7, 8]  # every trial's buffer in one burst
    assert [p.steps[0].loss for p in sent] == [0.5, 1.5, 2.5]

    control.cancel(3)
    control.cancel(1)  # not a member: ignored
    assert ticks.tick() == [2]  # positions among the members, not flag numbers


def test_a_group_given_ticks_never_ticks_its_trials_and_ends_the_named_one_cancelled() -> None:
    class Named(GroupTicks):
        def __init__(self) -> None:
            self.calls = 0

        def tick(self) -> list[int]:
            self.calls += 1
            return [1] if self.calls > 5 else []

    specs = [RunSpec.model_validate(spec_dict(training={"epochs": 2, "seed": s})) for s in range(3)]
    hooks = [_Counting() for _ in specs]
    ticks = Named()
    results = train_group(specs, hooks, ticks=ticks)
    assert [r.status for r in results] == ["succeeded", "cancelled", "succeeded"]
    assert [h.ticks for h in hooks] == [0, 0, 0]
    assert ticks.calls == results[0].steps + results[0].epochs  # before each step and validation


def _no_module() -> nn.Module:
    raise AssertionError("a module was built for a state given as it is")


def test_a_state_given_to_pipe_hooks_is_written_as_it_is(tmp_path: Path) -> None:
    sent: list[object] = []
    hooks = PipeHooks(9, sent.append, RunControl.local(), artifacts=tmp_path)
    state = {"0.weight": torch.randn(3, 2), "0.bias": torch.zeros(3)}
    hooks.on_snapshot_state(5, state, _no_module)
    hooks.on_end(RunResult("succeeded"))
    assert snapshot_path(tmp_path, 9, 5).read_bytes() == save(state)
    progress = [e for e in sent if isinstance(e, Progress)]
    assert [s.epoch for p in progress for s in p.snapshots] == [5]


class _CancelAfter(PipeHooks):
    """PipeHooks whose run asks to stop after `ticks` ticks, as a user's cancel would."""

    def __init__(self, *args: Any, ticks: int | None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.left = ticks

    def tick(self) -> float:
        if self.left is not None:
            self.left -= 1
            self.cancelled = self.left < 0
        return super().tick()


def _group_files(root: Path, *, modules: bool) -> dict[str, bytes]:
    """A group's snapshot files, written through each trial's module (the old way: the
    weights unstacked, then copied out of its state_dict) or from the stack's rows."""
    specs = [
        RunSpec.model_validate(spec_dict(training={"epochs": 4, "seed": s, "batch_size": 16}))
        for s in range(4)
    ]
    control, writer = RunControl.local(), SnapshotWriter(root)
    # 120 points to train on: 8 steps and 9 ticks an epoch. Trial 1 stops mid-epoch 3 and
    # is dropped from the stack after it (the rows move); trial 2 stops before epoch 4's
    # first step, at the step of epoch 3's snapshots, in the new rows.
    stop_after = {1: 20, 2: 27}
    hooks = [
        _CancelAfter(
            10 + i, lambda _: None, control, trial=i, writer=writer, ticks=stop_after.get(i)
        )
        for i in range(len(specs))
    ]
    with pytest.MonkeyPatch.context() as patch:
        if modules:
            patch.setattr(group, "_state_layout", lambda *_: None)
        else:
            patch.setattr(PipeHooks, "on_snapshot", lambda *_: pytest.fail("a module was used"))
        results = train_group(specs, hooks)
    writer.close()
    assert [r.status for r in results] == ["succeeded", "cancelled", "cancelled", "succeeded"]
    assert [(r.epochs, r.steps) for r in results[1:3]] == [(3, 18), (4, 24)]
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_groups_snapshots_from_its_rows_are_those_its_modules_wrote(tmp_path: Path) -> None:
    rows = _group_files(tmp_path / "rows", modules=False)
    assert rows == _group_files(tmp_path / "modules", modules=True)
    names = set(rows)
    assert {f"runs/{r}/epoch-0004.safetensors" for r in (10, 12, 13)} <= names
    assert "runs/11/epoch-0003.safetensors" in names  # the cancelled trial's last weights
    assert "runs/11/epoch-0004.safetensors" not in names
    last = [rows[f"runs/{r}/epoch-0004.safetensors"] for r in (10, 12, 13)]
    assert len(set(last)) == 3
    assert last[1] == rows["runs/12/epoch-0003.safetensors"]  # stopped before a step
