"""A long run's replay: a downsampled history (<= ~1,000 points a curve, extremes kept),
then every batch of the tail; seqs in order; frames encoded as the socket sends them."""

from __future__ import annotations

import json
import math

import pytest

from playground.ml.hooks import EpochReport, LayerStats, StepReport
from playground.services import replay
from playground.services.messages import epoch_rows, step_rows
from playground.store.records import Batch
from playground.store.states import RunStatus
from tests.factories import make_spec
from tests.services.conftest import Service

# The run is 10 times shorter than the one the defaults are sized for, and so are the
# limits (a 3,000-epoch run took 45 s to store on PostgreSQL on a busy machine).
EPOCHS = 300
HISTORY_POINTS = 100
TAIL_ROWS = 200
STEPS_PER_EPOCH = 25
SPIKE_EPOCH = 123  # val_loss spikes here: the history must show it
DIP_STEP = 77 * STEPS_PER_EPOCH + 5  # the step loss dips here


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "HISTORY_POINTS", HISTORY_POINTS)
    monkeypatch.setattr(replay, "TAIL_ROWS", TAIL_ROWS)


def _epoch(e: int) -> EpochReport:
    val = 50.0 if e == SPIKE_EPOCH else 1.0 / (1 + e)
    metrics = {"train_loss": 1.0 / (1 + e), "val_loss": val, "lr": 0.01}
    layers = [LayerStats(i, "Linear", 0.1 * i + 1 / (1 + e), 1.0, 1e-3) for i in (0, 2)]
    return EpochReport(e, e * STEPS_PER_EPOCH, metrics, layers, 0.01 * e)


def _long_run(service: Service) -> tuple[int, int]:
    """A running run with EPOCHS epochs stored, one batch an epoch; (run id, last seq)."""
    run = service.runs.create(spec=make_spec())
    store = service.runs.store
    store.set_status(run.id, RunStatus.RUNNING)
    batches = []
    for e in range(EPOCHS):
        steps = [
            StepReport(s, e, -5.0 if s == DIP_STEP else 1.0 / (1 + s))
            for s in range(e * STEPS_PER_EPOCH + 5, (e + 1) * STEPS_PER_EPOCH + 1, 5)
        ]  # log_every 5
        rows = [r for s in steps for r in step_rows(s)] + epoch_rows(_epoch(e))
        batches.append(Batch(run.id, rows, epochs_done=e))
    seqs = store.append_many(batches)
    return run.id, seqs[-1]


def test_long_replay_is_downsampled_then_whole(service: Service) -> None:
    run_id, last_seq = _long_run(service)
    replay = service.runs.replay(run_id=run_id, after=0)
    assert replay is not None
    seqs = [m["seq"] for m in replay.messages]
    assert seqs == sorted(seqs)
    steps = [m for m in replay.messages if m["type"] == "step"]
    epochs = [m for m in replay.messages if m["type"] == "epoch"]
    rows_per_epoch = len(epoch_rows(_epoch(0))) + STEPS_PER_EPOCH // 5
    tail_epochs = TAIL_ROWS // rows_per_epoch + 1
    assert len(steps) <= HISTORY_POINTS + 5 * tail_epochs
    assert len(epochs) <= HISTORY_POINTS + tail_epochs
    assert len(epochs) < EPOCHS // 2  # it was downsampled
    # Extremes of the history survive: the val_loss spike and the step-loss dip.
    assert any(m["epoch"] == SPIKE_EPOCH and m["metrics"]["val_loss"] == 50.0 for m in epochs)
    assert any(m["step"] == DIP_STEP and m["loss"] == -5.0 for m in steps)
    # Each epoch message is whole: every series of that epoch, as a live viewer saw it.
    assert all(set(m["metrics"]) == {"train_loss", "val_loss", "lr"} for m in epochs)
    assert all(len(m["layers"]) == 2 for m in epochs)
    # The tail: every batch after the history, without gaps, up to the last one.
    tail = sorted({m["seq"] for m in epochs[-tail_epochs + 5 :]})
    assert tail == list(range(tail[0], last_seq + 1))
    assert epochs[-1]["epoch"] == EPOCHS - 1
    assert epochs[0]["epoch"] == 0


def test_viewer_resuming_mid_history_gets_only_later_seqs(service: Service) -> None:
    run_id, last_seq = _long_run(service)
    after = last_seq // 2
    replay = service.runs.replay(run_id=run_id, after=after)
    assert replay is not None
    assert min(m["seq"] for m in replay.messages) > after
    assert len([m for m in replay.messages if m["type"] == "epoch"]) < EPOCHS // 4


def test_frames_hold_the_replay_in_order(service: Service) -> None:
    run_id, last_seq = _long_run(service)
    replay = service.runs.replay(run_id=run_id, after=0)
    encoded = service.runs.replay_frames(run_id=run_id, after=0, max_bytes=8 * 1024)
    assert replay is not None
    assert encoded is not None
    assert len(encoded.frames) > 1
    assert all(len(f) < 12 * 1024 for f in encoded.frames)
    sent = [m for f in encoded.frames for m in json.loads(f)]
    assert len(sent) == len(replay.messages)
    assert [m["seq"] for m in sent] == [m["seq"] for m in replay.messages]
    assert (encoded.sent_seq, encoded.last_seq, encoded.final) == (last_seq, last_seq, False)
    # A seq is never split over two frames (a viewer resumes from the last seq it saw).
    firsts = [json.loads(f)[0]["seq"] for f in encoded.frames[1:]]
    lasts = [json.loads(f)[-1]["seq"] for f in encoded.frames[:-1]]
    assert all(a < b for a, b in zip(lasts, firsts, strict=True))
    assert not any(isinstance(v, float) and math.isnan(v) for m in sent for v in m.values())
