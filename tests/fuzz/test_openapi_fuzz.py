"""Schemathesis against a live server's own /openapi.json, as an admin: a bounded number of
generated requests per operation (valid and invalid ones), none may answer 5xx, and answers
must match the documented schema. Deterministic (derandomized, no example database) and
capped in wall time so `make test` stays short."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.factories import spec_dict
from tests.fuzz.conftest import Fuzzed, peak_rss_kib
from tests.server import wait_status

EXAMPLES_PER_OPERATION = 60  # x 31 operations: about 1,600 requests, ~90 s on a busy machine
WALL_SECONDS = 150  # all operations together; those left after it are skipped (and listed)
# A websocket route in the schema only as a plain GET; the stream is tested in tests/api.
SKIP_PATHS = ("/stream",)


@dataclass
class Tally:
    base_url: str
    headers: dict[str, str]
    deadline: float
    sent: dict[str, int] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    nonconforming: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def send(self, label: str, case: Any) -> None:
        """One request; failures are recorded, not raised, so hypothesis does not spend the
        time budget shrinking them (the recorded case is already small enough to read)."""
        try:
            response = case.call(base_url=self.base_url, headers=self.headers, timeout=30)
        except Exception as e:  # a hang or a dropped connection: as bad as a 5xx
            self.server_errors.append({"op": label, "error": repr(e), "case": _case(case)})
            return
        self.sent[label] = self.sent.get(label, 0) + 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            self.server_errors.append(
                {"op": label, "status": response.status_code, "case": _case(case),
                 "body": response.text[:500]}
            )  # fmt: skip
            return
        try:
            case.validate_response(response, checks=[response_schema_conformance])
        except Exception as e:
            self.nonconforming.append({"op": label, "error": str(e)[:500], "case": _case(case)})


def fuzz_operation(tally: Tally, operation: Any) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    if time.monotonic() > tally.deadline:
        tally.skipped.append(label)
        return
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
        suppress_health_check=list(HealthCheck), phases=["explicit", "generate"],
    )  # fmt: skip
    def one(case: Any) -> None:
        if time.monotonic() <= tally.deadline:
            tally.send(label, case)

    one()


def test_openapi_fuzz_finds_no_server_errors(fuzzed: Fuzzed, tmp_path: Path) -> None:
    raw = httpx.get(f"{fuzzed.server.url}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(without_prefix_items(raw))
    seed_runs(fuzzed)
    tally = Tally(fuzzed.server.url, fuzzed.headers, time.monotonic() + WALL_SECONDS)
    operations = [r.ok() for r in schema.get_all_operations()]
    # Deletions last, so the runs seeded above are there for the other id routes first.
    operations.sort(key=lambda op: op.method.upper() == "DELETE")
    for operation in operations:
        if not any(part in operation.path for part in SKIP_PATHS):
            fuzz_operation(tally, operation)

    total = sum(tally.sent.values())
    rss = peak_rss_kib(fuzzed.server.proc.pid) if fuzzed.server.proc else -1
    report = tmp_path / "openapi_fuzz.json"
    report.write_text(json.dumps({
        "cases": total, "per_operation": tally.sent, "statuses": tally.statuses,
        "server_errors": tally.server_errors, "nonconforming": tally.nonconforming,
        "skipped_for_time": tally.skipped, "peak_rss_kib": rss,
    }, indent=1))  # fmt: skip
    summary = (
        f"openapi fuzz: {total} cases over {len(tally.sent)} operations, "
        f"{len(tally.server_errors)} 5xx or no answer, {len(tally.nonconforming)} off-schema, "
        f"{len(tally.skipped)} operations skipped for time, API peak RSS {rss / 1024:.0f} MiB; "
        f"statuses {dict(sorted(tally.statuses.items()))}; details in {report}"
    )
    print(summary)
    assert not tally.server_errors, f"{summary}\n{json.dumps(tally.server_errors[:5], indent=1)}"
    assert not tally.nonconforming, f"{summary}\n{json.dumps(tally.nonconforming[:5], indent=1)}"
    assert total >= 500, summary  # the fuzzing really ran
    assert tally.statuses.get(401, 0) < total / 2, summary  # as the admin, not shut out


def without_prefix_items(node: Any) -> Any:
    """The schema with each tuple (`prefixItems`, JSON Schema 2020-12, as FastAPI writes
    `tuple[int, int, float]`) loosened to `items: {anyOf: [...]}` with its length kept.
    Schemathesis 4.32 rewrites prefixItems to a draft-4 `items: [...]` list and then rejects
    that as an invalid 3.1 schema object, so /metrics answers could not be checked at all."""
    if isinstance(node, list):
        return [without_prefix_items(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: without_prefix_items(v) for k, v in node.items() if k != "prefixItems"}
    if "prefixItems" in node and "items" not in node:
        out["items"] = {"anyOf": without_prefix_items(node["prefixItems"])}
    return out


def seed_runs(fuzzed: Fuzzed) -> None:
    """A few finished runs and a sweep, so that generated small ids (1, 2, ...) reach real
    records (metrics, snapshots, export, inspect) and not only 404."""
    with httpx.Client(base_url=fuzzed.server.url, headers=fuzzed.headers, timeout=60) as c:
        ids = []
        for _ in range(3):
            created = c.post("/api/runs", json=spec_dict(training={"epochs": 2}))
            assert created.status_code == 201, created.text
            ids.append(created.json()["id"])
        for run_id in ids:
            wait_status(c, run_id, {"succeeded", "failed", "diverged", "cancelled"})


def _case(case: Any) -> dict[str, Any]:
    body = case.body if isinstance(case.body, (dict, list, str, int, float, bool)) else None
    return {"path": case.formatted_path, "query": case.query, "body": body}
