"""A worker that can never boot is retried, then the slot gives up and its runs fail."""

from __future__ import annotations

import pytest

from playground.executors import slots
from playground.executors.local import LocalExecutor
from tests.workers.harness import TIMEOUT, EventLog, spec_json


def test_a_slot_that_keeps_dying_while_booting_gives_up_and_fails_its_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each attempt costs a full boot (~3 s of imports); two show the retry and the give-up.
    monkeypatch.setattr(slots, "MAX_BOOT_FAILURES", 2)
    log = EventLog()
    # No machine has GPU 99, so every worker exits at boot, after importing torch.
    with LocalExecutor(log, devices=["cuda:99"], warm_up=False) as executor:
        executor.submit(1, spec_json())
        assert executor.wait_ready(TIMEOUT)

        finished = log.finished(1)
        assert finished.result.status == "failed"
        assert "no worker process could start (the last one exited with code 1)" in (
            finished.result.error or ""
        )
        assert executor.status()["pool"][0]["state"] == "broken"
