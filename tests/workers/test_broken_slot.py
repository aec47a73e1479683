"""A worker that can never boot is retried a few times, then its runs fail with a message."""

from __future__ import annotations

from playground.executors.local import MAX_BOOT_FAILURES, LocalExecutor
from tests.workers.eventlog import TIMEOUT, EventLog, spec_json


def test_a_slot_that_keeps_dying_while_booting_gives_up_and_fails_its_queue() -> None:
    log = EventLog()
    # No machine has GPU 99, so every worker dies at boot, after importing torch.
    with LocalExecutor(log, devices=["cuda:99"], warm_up=False) as executor:
        executor.submit(1, spec_json())
        assert executor.wait_ready(TIMEOUT * MAX_BOOT_FAILURES)

        finished = log.finished(1)
        assert finished.result.status == "failed"
        assert "no worker process could start" in (finished.result.error or "")
        assert executor.status()["pool"][0]["state"] == "broken"
