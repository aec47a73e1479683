"""PLAYGROUND_EXECUTOR picks the engine; RAY_ADDRESS (the name Ray itself reads) the cluster."""

from __future__ import annotations

import pytest
import torch
from pydantic import ValidationError

from playground.api.main import make_executor
from playground.config import MEMORY_SHARE, Settings, machine_memory
from playground.executors import host
from playground.executors.local import LocalExecutor


def test_the_local_pool_is_the_default_and_ray_is_chosen_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("PLAYGROUND_EXECUTOR", "RAY_ADDRESS", "PLAYGROUND_RAY_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(make_executor(Settings(), lambda event: None), LocalExecutor)
    assert Settings().ray_address is None  # a local Ray, started by the server

    pytest.importorskip("ray", reason="ray is not installed (pip install -e '.[ray]')")
    from playground.executors.ray import RayExecutor

    monkeypatch.setenv("PLAYGROUND_EXECUTOR", "ray")
    monkeypatch.setenv("RAY_ADDRESS", "ray-head:6379")
    settings = Settings()
    assert settings.ray_address == "ray-head:6379"
    executor = make_executor(settings, lambda event: None)  # nothing starts before start()
    assert isinstance(executor, RayExecutor)


@pytest.mark.parametrize(
    "bad",
    [{"executor": "kubernetes"}, {"ray_gpus_per_run": 0}, {"ray_gpus_per_run": 2},
     {"ray_cpus_per_run": 0}, {"ray_max_running": -1}, {"workers_per_gpu": 0},
     {"workers_per_gpu": 33}],
)  # fmt: skip
def test_bad_engine_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**bad)  # type: ignore[arg-type]


def test_local_workers_share_each_gpu_and_spread_over_the_gpus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert host.default_devices(workers=3) == ["cuda:0", "cuda:1"]  # one per GPU by default
    assert host.default_devices(workers=3, per_gpu=2) == ["cuda:0", "cuda:1", "cuda:0", "cuda:1"]
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    assert host.default_devices(workers=3, per_gpu=4) == ["cpu"] * 3
    monkeypatch.setenv("PLAYGROUND_WORKERS_PER_GPU", "4")
    assert Settings().workers_per_gpu == 4


def test_each_local_worker_gets_its_share_of_memory_gpu_workers_included(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With GPUs the pool starts workers_per_gpu x GPUs processes, not `workers`: the
    default per-run memory limit divides the machine's memory between those."""
    monkeypatch.delenv("PLAYGROUND_LIMITS__MAX_RUN_MEMORY", raising=False)
    usable = machine_memory() * MEMORY_SHARE
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    settings = Settings(workers=2, workers_per_gpu=4)
    assert settings.local_workers() == 2
    assert settings.limits.max_run_memory == int(usable / 2)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    settings = Settings(workers=2, workers_per_gpu=4)
    assert settings.local_workers() == len(host.default_devices(2, per_gpu=4)) == 8
    assert settings.limits.max_run_memory == int(usable / 8)
