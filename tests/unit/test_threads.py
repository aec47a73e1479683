"""The torch thread choice (ml/threads.py) and the CLI training with it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from playground.executors.events import Started
from playground.executors.local import LocalExecutor
from playground.ml.threads import (
    PARALLEL_WORK,
    choose_threads,
    step_work,
    threads_for,
    use_threads,
)
from playground.ml.validate import validate
from tests.factories import layers, linear, make_spec, spec_dict
from tests.unit.test_cli import run_cli, write
from tests.workers.harness import TIMEOUT, EventLog, spec_json

WIDE = layers(linear(1024, activation="Tanh"), linear(1024, activation="Tanh"), linear(2))


@pytest.fixture
def restore_threads() -> Iterator[None]:
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_small_work_gets_one_thread() -> None:
    assert choose_threads(0, cores=16) == 1
    assert choose_threads(PARALLEL_WORK - 1, cores=16) == 1


def test_large_work_gets_threads_up_to_the_cores() -> None:
    assert choose_threads(PARALLEL_WORK, cores=16) == 2
    assert choose_threads(3 * PARALLEL_WORK, cores=16) == 4
    assert choose_threads(1000 * PARALLEL_WORK, cores=16) == 16
    assert choose_threads(1000 * PARALLEL_WORK, cores=2) == 2
    assert choose_threads(1000 * PARALLEL_WORK, cores=1) == 1
    assert choose_threads(1000 * PARALLEL_WORK, cores=0) == 1  # never none


def test_an_override_wins() -> None:
    assert choose_threads(0, cores=1, override=3) == 3
    assert choose_threads(1000 * PARALLEL_WORK, cores=16, override=1) == 1
    assert threads_for(make_spec(model=WIDE), cores=16, override=2) == 2


def test_step_work_is_the_largest_layer_times_the_batch() -> None:
    spec = make_spec(model=WIDE, training={"batch_size": 64})
    summary = validate(spec)
    wide = summary.rows[1].flops  # the 1024 x 1024 matmul (and its Tanh)
    assert wide == max(r.flops for r in summary.rows) >= 2 * 1024 * 1024
    assert step_work(summary, 64) == wide * 64
    assert step_work(summary, "full") == wide * summary.data.n_train
    assert step_work(summary, 10**6) == step_work(summary, "full")  # a batch is at most the set


def test_a_recurrent_layer_counts_one_timestep() -> None:
    spec = make_spec(
        data={"dataset": "parity", "seq_len": 6, "n_samples": 200},
        model=layers({"type": "GRU", "hidden_size": 64, "num_layers": 2}, linear(2)),
        training={"batch_size": 32},
    )
    summary = validate(spec)
    gru = summary.rows[0]
    assert step_work(summary, 32) == gru.flops // 6 * 32
    assert threads_for(spec, cores=16) == 1  # the GRU that ran 24x slower on 2 threads


def test_a_residual_block_counts_its_layers_one_by_one() -> None:
    conv = {"type": "Conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1}
    spec = make_spec(
        data={"dataset": "digits"},
        model=layers(
            conv, {"type": "Residual", "layers": [conv, conv]}, {"type": "Flatten"}, linear(10)
        ),
    )
    summary = validate(spec)
    block, inner = summary.rows[1], summary.rows[2]
    assert block.flops > inner.flops
    assert step_work(summary, 16) == inner.flops * 16


def test_tiny_and_wide_specs() -> None:
    assert threads_for(make_spec(), cores=16) == 1
    wide = make_spec(model=WIDE, training={"batch_size": 64})
    assert threads_for(wide, cores=16) == 9  # 134M FLOPs per step
    assert threads_for(wide, cores=2) == 2


def test_a_group_counts_the_work_of_all_its_trials() -> None:
    # One trial's largest op: 134M FLOPs per step; a group of 4 batches 4 such ops into one.
    mid = make_spec(
        model=layers(linear(1024), linear(1024), linear(2)), training={"batch_size": 64}
    )
    work = step_work(validate(mid), 64)
    assert threads_for(mid, cores=64) == 1 + work // PARALLEL_WORK == 9
    assert threads_for(mid, cores=64, trials=4) == 1 + 4 * work // PARALLEL_WORK == 34
    assert threads_for(make_spec(), cores=16, trials=256) == 1  # 256 tiny nets: still tiny


def test_an_invalid_spec_gets_one_thread() -> None:
    assert threads_for(make_spec(model=layers(linear(3))), cores=16) == 1


@pytest.mark.usefixtures("restore_threads")
def test_use_threads_sets_torch() -> None:
    assert use_threads(1) == 1 == torch.get_num_threads()
    assert use_threads(2) == 2 == torch.get_num_threads()  # inter-op threads: set once, no error


def test_cli_train_uses_one_thread_for_a_tiny_net(tmp_path: Path) -> None:
    proc = run_cli("train", write(tmp_path, spec_dict()), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["versions"]["torch_threads"] == "1"


def test_cli_train_threads_option_overrides(tmp_path: Path) -> None:
    proc = run_cli("train", write(tmp_path, spec_dict()), "--json", "--threads", "2")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["versions"]["torch_threads"] == "2"


def test_a_worker_gives_each_job_its_own_count_within_its_share() -> None:
    log = EventLog()
    executor = LocalExecutor(log, workers=1, threads=2, warm_up=False)
    executor.start()
    try:
        assert executor.wait_ready(TIMEOUT)
        wide = spec_json(model=WIDE, training={"epochs": 1, "batch_size": 64})
        for run, spec in ((1, spec_json()), (2, wide), (3, spec_json())):
            executor.submit(run, spec)
        threads = []
        for run in (1, 2, 3):
            assert log.finished(run).result.status == "succeeded"
            start = log.of(run)[0]
            assert isinstance(start, Started)
            threads.append(start.start.versions["torch_threads"])
        assert threads == ["1", "2", "1"]  # the wide net: capped by the share, 2
    finally:
        executor.stop()
