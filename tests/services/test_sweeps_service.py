"""The Sweeps use cases without HTTP: a sweep is validated whole, stored whole, queued as
one group, read with its trials' final metrics, cancelled and deleted with its runs."""

from __future__ import annotations

import json

import pytest

from playground.config import Settings
from playground.executors.events import Finished, Progress, Started
from playground.ml.errors import SpecError
from playground.ml.hooks import BoundaryGrid, EpochReport, RunResult, RunStart
from playground.ml.spec import RunSpec
from playground.ml.sweep_paths import SweepRequest
from playground.services.manager import RUNS_TOPIC
from playground.services.sweeps import SweepNotFoundError, trial_messages
from playground.store.states import RunStatus
from tests.factories import make_spec, spec_dict
from tests.services.conftest import Service

LR = "training.optimizer.lr"
WIDTH = "model.layers[0].out_features"


def request(**fields: object) -> SweepRequest:
    return SweepRequest.model_validate({"name": "lr", "base": spec_dict(), **fields})


def test_a_grid_times_seeds_is_stored_and_queued_as_one_group(service: Service) -> None:
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01], WIDTH: [4, 8]}, seeds=3))

    assert (sweep.kind, sweep.status, sweep.metric, sweep.params) == (
        "sweep", "queued", "val_accuracy", [LR, WIDTH],
    )  # fmt: skip
    assert len(sweep.trials) == 12
    assert sweep.counts == {"queued": 12}
    assert [t.index for t in sweep.trials] == list(range(12))
    first, fourth = sweep.trials[0], sweep.trials[3]
    assert first.params == {LR: 0.1, WIDTH: 4}
    assert fourth.params == {LR: 0.1, WIDTH: 8}
    assert [t.seed for t in sweep.trials[:3]] == [0, 1, 2]  # base seed 0 + i
    ids = [t.run_id for t in sweep.trials]
    assert service.executor.groups == [ids]
    run = service.runs.get(ids[4])
    assert (run.sweep_id, run.trial) == (sweep.id, {"params": {LR: 0.1, WIDTH: 8}, "index": 4,
                                                      "replicate": 1})  # fmt: skip
    assert run.spec["model"]["layers"][0]["out_features"] == 8
    assert run.spec["training"]["optimizer"]["betas"] == [0.9, 0.999]  # resolved, as any run
    sent = json.loads(service.executor.submitted[4][1])
    assert (sent["training"]["optimizer"]["lr"], sent["training"]["seed"]) == (0.1, 1)
    assert [s.id for s in service.sweeps.listing()] == [sweep.id]
    service.settle()
    queued = [m["run_id"] for m in service.published.messages(RUNS_TOPIC)]
    assert queued == ids  # the runs list hears of every trial


def test_random_samples_are_reproducible_from_the_seed(service: Service) -> None:
    random = {LR: {"log_uniform": [1e-4, 1e-1]}, "n": 5}
    one = service.sweeps.create(request=request(random=random, seed=3))
    two = service.sweeps.create(request=request(random=random, seed=3))
    other = service.sweeps.create(request=request(random=random, seed=4))
    lrs = [[t.params[LR] for t in s.trials] for s in (one, two, other)]
    assert lrs[0] == lrs[1] != lrs[2]
    assert all(1e-4 <= lr <= 1e-1 for lr in lrs[0])


def test_one_invalid_trial_rejects_the_whole_sweep(service: Service) -> None:
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(request=request(grid={WIDTH: [8, 4, 2, 0]}))
    [error] = raised.value.errors
    assert error.loc == ("trials", 3, "model", "layers", 0, "out_features")
    assert "model.layers[0].out_features=0" in error.msg  # which params the trial had
    # A limit (not a pydantic bound) is reported the same way.
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(request=request(grid={"training.epochs": [3, 10**6]}))
    assert raised.value.errors[0].loc[:3] == ("trials", 1, "training")
    assert service.sweeps.listing() == []
    assert service.runs.page().items == []
    assert service.executor.submitted == []


def test_a_path_that_leads_nowhere_names_the_path(service: Service) -> None:
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(
            request=request(
                grid={"model.layers[9].out_features": [1]},
                random={"training..l2": {"uniform": [0, 1]}, "n": 2},
            )
        )
    assert [e.loc for e in raised.value.errors] == [
        ("grid", "model.layers[9].out_features"), ("random", "training..l2"),
    ]  # fmt: skip


def test_more_trials_than_the_setting_allows_is_refused(service: Service) -> None:
    service.runs.settings = Settings(
        data_dir=service.runs.settings.data_dir, max_trials_per_sweep=5
    )
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(request=request(grid={LR: [0.1, 0.2, 0.3]}, seeds=2))
    assert raised.value.errors[0].loc == ("trials",)
    assert "6 trials" in raised.value.errors[0].msg
    assert "limit is 5" in raised.value.errors[0].msg
    assert service.runs.page().items == []


def test_the_view_has_final_metrics_and_the_best_trial(service: Service) -> None:
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01, 0.001]}))
    a, b, c = (t.run_id for t in sweep.trials)
    start = RunStart({}, 0, "cpu", {}, log_every=1, total_steps=2)
    for run_id, acc in ((a, 0.7), (b, 0.9)):
        service.runs.manager.on_event(Started(run_id, start))
        epochs = [EpochReport(e, e, {"val_accuracy": acc - 0.5 + 0.5 * e}, [], 0.1) for e in (0, 1)]
        service.runs.manager.on_event(Progress(run_id, steps=[], epochs=epochs))
    service.runs.manager.on_event(Finished(a, RunResult("succeeded", 1, 2, test={"accuracy": 0.6})))
    service.settle()

    got = service.sweeps.get(sweep_id=sweep.id)
    assert got.status == "running"
    assert got.counts == {"succeeded": 1, "running": 1, "queued": 1}
    finals = {t.run_id: t.final for t in got.trials}
    assert finals[a] == {"val_accuracy": 0.7, "test_accuracy": 0.6}
    assert finals[c] == {}
    assert got.best is not None
    assert (got.best.run_id, got.best.value) == (b, 0.9)
    assert [t.epoch for t in got.trials] == [1, 1, 0]


def test_cancel_stops_every_active_trial(service: Service) -> None:
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01, 0.001]}))
    ids = [t.run_id for t in sweep.trials]
    service.runs.store.set_status(ids[0], RunStatus.RUNNING)
    service.runs.store.set_status(ids[0], RunStatus.SUCCEEDED)
    service.sweeps.cancel(sweep_id=sweep.id)
    assert service.executor.cancelled == ids[1:]  # the ended one is left alone
    with pytest.raises(SweepNotFoundError):
        service.sweeps.cancel(sweep_id=sweep.id + 1)


def test_delete_removes_the_sweep_its_runs_and_their_files(service: Service) -> None:
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01]}))
    ids = [t.run_id for t in sweep.trials]
    folder = service.runs.settings.artifacts_dir() / "runs" / str(ids[0])
    folder.mkdir(parents=True)
    (folder / "epoch-0000.safetensors").write_bytes(b"x")
    kept = service.runs.create(spec=make_spec())

    service.sweeps.delete(sweep_id=sweep.id)

    assert all(service.runs.store.get_run(i) is None for i in ids)
    assert not folder.exists()
    assert service.executor.cancelled == ids
    assert [r.id for r in service.runs.page().items] == [kept.id]
    with pytest.raises(SweepNotFoundError):
        service.sweeps.get(sweep_id=sweep.id)
    service.settle()
    deleted = [
        m["run_id"] for m in service.published.messages(RUNS_TOPIC) if m["type"] == "deleted"
    ]
    assert deleted == ids


ABLATABLE = spec_dict(
    model={"layers": [
        {"type": "Linear", "out_features": 8, "activation": "ReLU"},
        {"type": "BatchNorm1d"}, {"type": "Dropout", "p": 0.2},
        {"type": "Linear", "out_features": 2},
    ]},
    training={"l2": 0.01, "scheduler": {"type": "StepLR", "step_size": 2},
              "optimizer": {"type": "Adam", "lr": 0.02}},
)  # fmt: skip


def test_ablation_proposes_one_trial_per_component(service: Service) -> None:
    base = service.runs.create(spec=RunSpec.model_validate(ABLATABLE))
    proposed = service.sweeps.ablate(run_id=base.id, run=False)
    assert proposed.sweep is None
    assert [p.label for p in proposed.proposals] == [
        "no BatchNorm1d at model.layers[1]",
        "no Dropout at model.layers[2]",
        "no L2 penalty (l2 0.01 -> 0)",
        "constant learning rate (no StepLR)",
        "plain SGD instead of Adam",
    ]
    sgd = proposed.proposals[-1].spec["training"]["optimizer"]
    assert sgd == {"type": "SGD", "lr": 0.02}
    assert all(p.error is None for p in proposed.proposals)

    ran = service.sweeps.ablate(run_id=base.id)
    assert ran.sweep is not None
    assert (ran.sweep.kind, ran.sweep.base_run_id, ran.sweep.params) == (
        "ablation", base.id, ["ablation"],
    )  # fmt: skip
    assert next(t.params for t in ran.sweep.trials) == {
        "ablation": "no BatchNorm1d at model.layers[1]"
    }
    assert service.executor.groups[-1] == [t.run_id for t in ran.sweep.trials]


def test_an_ablation_that_no_longer_fits_says_why(service: Service) -> None:
    # The only layer of a Residual block: dropping it leaves an empty block.
    spec = spec_dict(model={"layers": [
        {"type": "Linear", "out_features": 8},
        {"type": "Residual", "layers": [{"type": "Dropout", "p": 0.1}]},
        {"type": "Linear", "out_features": 2},
    ]})  # fmt: skip
    base = service.runs.create(spec=RunSpec.model_validate(spec))
    proposals = service.sweeps.ablate(run_id=base.id, run=False).proposals
    by_label = {p.label: p.error for p in proposals}
    assert by_label["no shortcut in the Residual at model.layers[1]"] is None
    error = by_label["no Dropout at model.layers[1].layers[0]"]
    assert error is not None
    assert "model.layers[1].layers" in error


def test_a_base_wrong_everywhere_is_reported_at_base(service: Service) -> None:
    base = spec_dict(training={"epochz": 3})
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(request=SweepRequest(base=base, grid={LR: [0.1, 0.2]}))
    assert [e.loc for e in raised.value.errors] == [("base", "training", "epochz")]
    # A field the sweep sets is the trials' business: reported per trial.
    bad_width = spec_dict(model={"layers": [{"type": "Linear", "out_features": 0}]})
    with pytest.raises(SpecError) as raised:
        service.sweeps.create(request=SweepRequest(base=bad_width, grid={WIDTH: [2, 0]}))
    assert [e.loc[:2] for e in raised.value.errors] == [("trials", 1)]


def test_a_late_viewer_gets_thinned_curves_and_the_newest_grid(service: Service) -> None:
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01]}))
    a, b = (t.run_id for t in sweep.trials)
    service.runs.manager.on_event(
        Started(a, RunStart({}, 0, "cpu", {}, log_every=1, total_steps=2))
    )
    for e in range(150):
        grids = [BoundaryGrid(e, (0, 1), (0, 1), 2, 1, 0, 1, "AAAA")] if e % 50 == 0 else []
        epoch = EpochReport(e, e, {"train_loss": 1 / (e + 1), "lr": 0.1}, [], float(e))
        service.runs.manager.on_event(Progress(a, steps=[], epochs=[epoch], grids=grids))
    service.settle()

    replay = service.sweeps.replay(sweep_id=sweep.id)
    assert replay is not None
    assert not replay.finished
    assert replay.ended == frozenset()
    assert set(replay.last_seq) == {a, b}
    epochs = [m["epoch"] for m in replay.messages if m["type"] == "epoch"]
    assert len(epochs) == 100
    assert (epochs[0], epochs[-1]) == (0, 149)
    assert epochs == sorted(epochs)
    grids = [m for m in replay.messages if m["type"] == "boundary"]
    assert [(g["run_id"], g["epoch"]) for g in grids] == [(a, 100)]
    assert all(m["seq"] <= replay.last_seq[m["run_id"]] for m in replay.messages)
    wrapped = trial_messages([*replay.messages, {"type": "step", "run_id": a, "seq": 1}])
    assert len(wrapped) == 101  # the step message is not forwarded
    assert wrapped[0] == {"type": "trial", "run_id": a, "message": replay.messages[0]}
    assert service.sweeps.replay(sweep_id=sweep.id + 1) is None


def test_recover_resubmits_a_sweeps_queued_trials_as_one_group(service: Service) -> None:
    plain = service.runs.create(spec=make_spec())
    sweep = service.sweeps.create(request=request(grid={LR: [0.1, 0.01, 0.001]}))
    ids = [t.run_id for t in sweep.trials]
    service.runs.store.set_status(ids[0], RunStatus.RUNNING)
    service.executor.submitted.clear()
    service.executor.groups.clear()

    failed, queued = service.runs.recover()

    assert (failed, queued) == ([ids[0]], [plain.id, *ids[1:]])
    assert service.executor.groups == [ids[1:]]
    assert [r for r, _ in service.executor.submitted] == [plain.id, *ids[1:]]
