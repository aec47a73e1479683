"""The Runs use cases without HTTP: what each stores, submits and announces."""

from __future__ import annotations

import asyncio
import json
import math

import pytest
from sqlalchemy import event as sa_event

from playground.executors.events import Event, Finished, Progress, Started
from playground.ml.errors import SpecError
from playground.ml.hooks import EpochReport, RunResult, RunStart, StepReport
from playground.ml.spec import RunSpec
from playground.services.manager import RUNS_TOPIC, RunManager, run_topic
from playground.services.messages import encode
from playground.services.runs import NotRunningError
from playground.store.states import RunStatus
from tests.factories import make_spec, spec_dict
from tests.services.conftest import Published, Service


def test_create_stores_the_resolved_spec_submits_it_and_announces_it(service: Service) -> None:
    first = service.runs.create(spec=make_spec(), tags=["a"])
    second = service.runs.create(spec=make_spec(name=""))

    assert (first.status, first.queue_position, first.tags) == (RunStatus.QUEUED, 0, ["a"])
    assert second.queue_position == 1
    assert second.name == "spiral run"  # no name given: named after its data set
    # The stored spec has every default filled in, and the worker gets the same spec.
    stored = service.runs.get(first.id).spec
    assert stored["training"]["seed"] == 0
    assert "scheduler" in stored["training"]
    run_id, sent = service.executor.submitted[0]
    assert run_id == first.id
    assert RunSpec.model_validate_json(sent).model_dump(mode="json") == stored
    service.settle()
    statuses = service.published.messages(RUNS_TOPIC)
    assert [(m["run_id"], m["status"]) for m in statuses] == [
        (first.id, "queued"),
        (second.id, "queued"),
    ]


def test_an_invalid_spec_is_neither_stored_nor_submitted(service: Service) -> None:
    bad = make_spec(model={"layers": [{"type": "Conv2d", "out_channels": 4, "kernel_size": 3}]})
    with pytest.raises(SpecError) as raised:
        service.runs.create(spec=bad)
    assert raised.value.errors[0].loc[:2] == ("model", "layers")
    assert service.runs.page().items == []
    assert service.executor.submitted == []


def test_cancel_delete_rerun_and_update(service: Service) -> None:
    run = service.runs.create(spec=make_spec())
    service.runs.cancel(run_id=run.id)
    assert service.executor.cancelled == [run.id]

    again = service.runs.rerun(run_id=run.id, seed=7)
    assert again.id != run.id
    assert again.seed == 7
    assert service.runs.get(again.id).spec["training"]["seed"] == 7

    changed = service.runs.update(run_id=again.id, name="renamed", tags=["x", "y"])
    assert (changed.name, changed.tags, changed.notes) == ("renamed", ["x", "y"], "")

    service.runs.delete(run_id=again.id)
    assert service.runs.store.get_run(again.id) is None
    assert service.executor.cancelled == [run.id, again.id]  # it was still queued
    service.settle()
    assert {"type": "deleted", "run_id": again.id} in service.published.messages(RUNS_TOPIC)


def test_a_grouped_trial_cannot_be_paused_and_the_refusal_says_why(service: Service) -> None:
    run = service.runs.create(spec=make_spec())
    service.runs.manager.on_event(_train_events(run.id)[0])  # Started: running
    service.settle()
    service.executor.grouped.add(run.id)
    with pytest.raises(NotRunningError, match="train together and cannot be paused one by one"):
        service.runs.hold(run_id=run.id, action="pause")
    service.executor.grouped.clear()
    with pytest.raises(NotRunningError, match="only a running run can pause"):
        service.runs.hold(run_id=run.id, action="pause")  # the fake holds nothing


def _train_events(run_id: int) -> list[Started | Progress | Finished]:
    start = RunStart({"params": 1}, 0, "cpu", {}, log_every=1, total_steps=2)
    epoch = EpochReport(1, 2, {"train_loss": math.nan, "lr": 0.1}, [], 0.5)
    return [
        Started(run_id, start),
        Progress(run_id, steps=[StepReport(1, 1, 0.7)], epochs=[epoch]),
        Finished(run_id, RunResult("succeeded", epochs=1, steps=2, test={"accuracy": 0.5})),
    ]


def test_replay_renders_what_live_viewers_saw(service: Service) -> None:
    run = service.runs.create(spec=make_spec())
    for event in _train_events(run.id):
        service.runs.manager.on_event(event)
    service.settle()

    replay = service.runs.replay(run_id=run.id, after=0)
    assert replay is not None
    assert replay.finished
    live = service.published.messages(run_topic(run.id))
    assert [m["type"] for m in replay.messages] == [m["type"] for m in live]
    assert [m["type"] for m in replay.messages] == [
        "status", "status", "start", "step", "epoch", "result", "status",
    ]  # fmt: skip
    # NaN goes over the wire as null, never as a bare NaN that JSON parsers reject.
    epoch = next(m for m in replay.messages if m["type"] == "epoch")
    assert json.loads(encode(epoch))["metrics"] == {"train_loss": None, "lr": 0.1}
    # A viewer that saw up to the start message gets only what came after it.
    start_seq = next(m["seq"] for m in replay.messages if m["type"] == "start")
    later = service.runs.replay(run_id=run.id, after=start_seq)
    assert later is not None
    assert [m["type"] for m in later.messages] == ["step", "epoch", "result", "status"]


def test_replay_of_an_unknown_run_is_none(service: Service) -> None:
    assert service.runs.replay(run_id=12345, after=0) is None


def test_recover_fails_running_runs_and_resubmits_queued_ones(service: Service) -> None:
    running = service.runs.create(spec=make_spec())
    queued = service.runs.create(spec=RunSpec.model_validate(spec_dict(name="q")))
    service.runs.store.set_status(running.id, RunStatus.RUNNING)
    service.executor.submitted.clear()

    failed, resumed = service.runs.recover()

    assert (failed, resumed) == ([running.id], [queued.id])
    assert service.runs.get(running.id).error == "interrupted by server restart"
    assert [r for r, _ in service.executor.submitted] == [queued.id]


def test_system_is_the_executors_status(service: Service) -> None:
    service.runs.create(spec=make_spec())
    status = service.runs.system()
    assert status.executor["queued"] == 1
    assert (status.snapshots, status.snapshot_bytes) == (0, 0)


def test_progress_nobody_watches_is_stored_but_not_rendered(service: Service) -> None:
    """The API renders and encodes a run's progress only while someone follows the run;
    what nobody saw live is all in the replay, and status changes always go out."""
    store = service.runs.store
    published = Published()
    manager = RunManager(store, published, service.loop, watched=lambda topic: False)
    manager.start()
    run = service.runs.create(spec=make_spec())
    for event in _train_events(run.id):
        manager.on_event(event)
    manager.stop()
    service.loop.run_until_complete(asyncio.sleep(0))

    live = [m["type"] for m in published.messages(run_topic(run.id))]
    assert live == ["status", "status"]  # running, then succeeded: no start, step, epoch
    replay = service.runs.replay(run_id=run.id, after=0)
    assert replay is not None
    assert [m["type"] for m in replay.messages] == [
        "status", "status", "start", "step", "epoch", "result", "status",
    ]  # fmt: skip


def test_a_groups_interleaved_events_are_stored_in_few_commits_each_run_in_order(
    service: Service,
) -> None:
    """Trials of a group start together and end interleaved with their last progress; the
    writer stores them in one commit per kind where each run's order allows, and every
    run's replay is what it would be alone."""
    runs = [service.runs.create(spec=make_spec()) for _ in range(3)]
    events = [_train_events(r.id) for r in runs]
    second = [Progress(r.id, steps=[StepReport(2, 1, 0.6)]) for r in runs]
    burst: list[Event] = [e[0] for e in events] + [e[1] for e in events]  # starts, progress
    for e, more in zip(events, second, strict=True):
        burst += [more, e[2]]  # progress, end, progress, end, ...
    commits: list[object] = []
    engine = service.runs.store._engine

    def count(conn: object) -> None:
        commits.append(conn)

    sa_event.listen(engine, "commit", count)
    try:
        service.runs.manager._handle_all(burst)
    finally:
        sa_event.remove(engine, "commit", count)
    service.settle()

    assert len(commits) == 3  # the starts, all the progress, the ends
    for run in runs:
        replay = service.runs.replay(run_id=run.id, after=0)
        assert replay is not None
        assert [m["type"] for m in replay.messages] == [
            "status", "status", "start", "step", "epoch", "step", "result", "status",
        ]  # fmt: skip
        assert service.runs.get(run.id).status == RunStatus.SUCCEEDED
