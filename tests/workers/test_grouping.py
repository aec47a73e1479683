"""Which submitted trials share a queue entry (grouping.py), without processes."""

from __future__ import annotations

import json

from playground.executors.control import MAX_TRIALS
from playground.executors.grouping import Job, plan_groups, split
from playground.ml.datasets import DataContext
from playground.ml.limits import Limits
from playground.ml.spec import RunSpec
from tests.factories import layers, linear
from tests.workers.harness import spec_json

CTX = DataContext()


def same_shape(spec: RunSpec) -> str:
    """Groups specs with equal data and model (what the worker tests use)."""
    return spec.model_dump_json(include={"data", "model"})


def trial(run_id: int, **sections: object) -> Job:
    return run_id, spec_json(training={"seed": run_id}, **sections)


def plan(jobs: list[Job], workers: int = 1, limits: Limits | None = None) -> list[list[int]]:
    entries = plan_groups(
        jobs, grouper=same_shape, limits=limits or Limits(), ctx=CTX, workers=workers
    )
    return [[run_id for run_id, _ in entry] for entry in entries]


def test_equal_keys_share_an_entry_placed_where_their_first_trial_was() -> None:
    wide = {"model": layers(linear(16, activation="Tanh"), linear(2))}
    jobs = [trial(1), trial(2, **wide), trial(3), trial(4, **wide), trial(5)]
    assert plan(jobs) == [[1, 3, 5], [2, 4]]


def test_bad_specs_and_keyless_specs_go_alone_in_order() -> None:
    jobs = [trial(1), (2, "{not json"), trial(3), (4, json.dumps({"data": {}})), trial(5)]
    assert plan(jobs) == [[1, 3, 5], [2], [4]]
    # a model over a limit: validation fails, so each runs alone and its worker says why
    assert plan([trial(1), trial(2)], limits=Limits(max_parameters=10)) == [[1], [2]]
    alone = plan_groups(
        [trial(1), trial(2)], grouper=lambda _: None, limits=Limits(), ctx=CTX, workers=1
    )
    assert [[r for r, _ in e] for e in alone] == [[1], [2]]


def test_a_group_is_spread_over_the_workers_in_balanced_parts() -> None:
    jobs = [trial(i) for i in range(1, 66)]
    assert [len(e) for e in plan(jobs, workers=2)] == [33, 32]
    assert [len(e) for e in plan(jobs[:15], workers=2)] == [15]  # too few to split
    assert [len(e) for e in plan(jobs[:16], workers=4)] == [8, 8]  # at least 8 each
    assert [r for e in plan(jobs, workers=3) for r in e] == list(range(1, 66))  # order kept


def test_a_group_stays_within_one_run_s_limits() -> None:
    jobs = [(i, "{}") for i in range(600)]
    limits = Limits()
    assert [len(e) for e in split(jobs, 100, 100, limits=limits, workers=1)] == [200] * 3
    assert max(len(e) for e in split(jobs, 1, 1, limits=limits, workers=1)) <= MAX_TRIALS
    # 600 trials of 100k parameters each: 60M over 20M per run -> 3 parts
    assert len(split(jobs, 100_000, 1, limits=limits, workers=1)) == 3
    heavy = Limits(max_flops_per_sample=1000)
    assert [len(e) for e in split(jobs[:10], 1, 400, limits=heavy, workers=1)] == [2] * 5
    # Each trial adds 100 MB to a group that shares 500 MB (data, process): 2 GB -> 15 each.
    memory = Limits(max_run_memory="2GB")
    parts = split(jobs[:60], 1, 1, limits=memory, workers=1, memory=(10**8, 5 * 10**8))
    assert [len(e) for e in parts] == [15] * 4
