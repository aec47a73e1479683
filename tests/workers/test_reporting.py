"""The tick contract: the loop ticks before every step; PipeHooks flushes only on a tick."""

from __future__ import annotations

import math

from playground.executors.control import Hold, RunControl
from playground.executors.events import Progress
from playground.executors.reporting import GroupPipe, PipeHooks
from playground.ml.hooks import EpochReport, GroupTicks, Hooks, StepReport
from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.vectorized import train_group
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
