"""Runs through the warm pool: event order, parallel workers, a burst, bad specs."""

from __future__ import annotations

from playground.executors.events import Finished, Progress, Started
from playground.executors.reporting import FLUSH_INTERVAL
from tests.workers.harness import Pool, check_sequence, spec_json


def test_one_run_reports_start_every_epoch_and_test_metrics(pool: Pool) -> None:
    run = pool.new_id()
    pool.executor.submit(run, spec_json())
    finished = pool.log.finished(run)

    assert finished.result.status == "succeeded", finished.result.error
    assert check_sequence(pool.log.of(run), epochs=3) is finished
    assert {"loss", "accuracy"} <= finished.result.test.keys()
    start = pool.log.of(run)[0]
    assert isinstance(start, Started)
    assert start.start.device == "cpu"


def test_two_workers_train_in_parallel(pool: Pool) -> None:
    runs = [pool.new_id(), pool.new_id()]
    for run in runs:
        pool.executor.submit(run, spec_json(training={"epochs": 100}))
    for run in runs:
        pool.log.wait_started(run)
    # Both started before either ended, on two different processes.
    assert pool.executor.status()["busy"] == 2
    assert {pool.pids()[run] for run in runs} == set(pool.pids().values())

    for run in runs:
        result = pool.log.finished(run).result
        assert result.status == "succeeded", result.error
        check_sequence(pool.log.of(run), epochs=100)
        # Coalesced: one batch per FLUSH_INTERVAL at most, plus epoch 0's and the last.
        batches = sum(isinstance(e, Progress) for e in pool.log.of(run))
        assert 2 <= batches <= result.seconds / FLUSH_INTERVAL + 2


def test_a_burst_of_twenty_runs_all_finish_once(pool: Pool) -> None:
    runs = [pool.new_id() for _ in range(20)]
    for run in runs:
        pool.executor.submit(run, spec_json(training={"seed": run}))
    for run in runs:
        pool.log.wait_end(run)

    for run in runs:
        finished = check_sequence(pool.log.of(run), epochs=3)
        assert finished.result.status == "succeeded", finished.result.error
        assert sum(isinstance(e, Finished) for e in pool.log.of(run)) == 1


def test_bad_specs_fail_with_a_message_and_the_workers_live_on(pool: Pool) -> None:
    pids = set(pool.pids().values())
    bad = {
        "{not json": "invalid spec: ",
        spec_json(training={"epochs": 0}): "training.epochs",
        spec_json(training={"epochs": 20_000}): "epochs",  # over Limits.max_epochs
    }
    for text, expected in bad.items():
        run = pool.new_id()
        pool.executor.submit(run, text)
        finished = pool.log.finished(run)
        assert finished.result.status == "failed"
        assert expected in (finished.result.error or "")

    run = pool.new_id()
    pool.executor.submit(run, spec_json())
    assert pool.log.finished(run).result.status == "succeeded"
    assert set(pool.pids().values()) == pids
