"""Generated run specs (nested Residuals, huge and non-finite numbers, wrong types, shape
mismatches, unknown names) posted to a live server's /api/validate and /api/runs: no 5xx,
no request past its timeout, and every run the server accepts trains or fails with a
message. Derandomized with no example database, so CI sees the same specs every time."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import Fuzzed

EXAMPLES = 300
MAX_RUNS = 30  # accepted specs actually queued for training (each is tiny: see FUZZ_ENV)
REQUEST_TIMEOUT = 30  # seconds; longer counts as a hang
ENDED = {"succeeded", "failed", "cancelled", "diverged"}

LAYER_TYPES = ["Linear", "Conv1d", "Conv2d", "MaxPool2d", "Flatten", "Reshape", "Dropout",
               "Embedding", "LayerNorm", "BatchNorm1d", "LSTM", "MultiheadAttention",
               "SequencePool", "ReLU", "Tanh", "Softmax", "Identity", "Maxout"]  # fmt: skip
DATASETS = ["spiral", "moons", "xor", "iris", "digits", "sine", "parity", "chars", "csv",
            "no-such-data"]  # fmt: skip

weird_numbers = st.one_of(
    st.integers(min_value=-3, max_value=70),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, math.inf, -math.inf, math.nan, 1e308, 1e-320]),
    st.floats(allow_nan=True, allow_infinity=True),
)
wrong_types = st.one_of(
    st.none(), st.booleans(), st.text(max_size=8), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)  # fmt: skip
value = st.one_of(weird_numbers, wrong_types)


def plain_layer() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(LAYER_TYPES), st.text(max_size=6))},
        optional={
            "out_features": st.one_of(st.integers(1, 16), value),
            "activation": st.sampled_from(["ReLU", "Tanh", "Nope", 3]),
            "kernel_size": st.one_of(st.integers(1, 5), value),
            "out_channels": st.one_of(st.integers(1, 8), value),
            "shape": st.lists(st.one_of(st.integers(-2, 8), value), max_size=4),
            "p": value,
            "num_heads": value,
            "hidden_size": st.one_of(st.integers(1, 8), value),
            "bogus": value,
        },
    )


layers = st.recursive(
    st.lists(plain_layer(), min_size=0, max_size=4),
    lambda inner: st.lists(
        st.one_of(plain_layer(), st.fixed_dictionaries({"type": st.just("Residual"),
                                                       "layers": inner})),
        min_size=1, max_size=3,
    ),
    max_leaves=12,
)  # fmt: skip

data = st.one_of(
    st.fixed_dictionaries(
        {"dataset": st.sampled_from(DATASETS)},
        optional={"n_samples": st.one_of(st.integers(10, 300), value), "noise": value,
                  "seed": value},
    ),
    wrong_types,
)  # fmt: skip

training = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "epochs": st.one_of(st.integers(1, 2), value),
            "batch_size": st.one_of(st.integers(1, 64), value),
            "optimizer": st.one_of(
                st.fixed_dictionaries({"type": st.sampled_from(["Adam", "SGD", "Nope"]),
                                       "lr": st.one_of(st.just(0.01), value)}),
                wrong_types,
            ),
            "loss": st.one_of(st.sampled_from(["CrossEntropy", "MSE", "Nope"]), wrong_types),
        },
    ),
    wrong_types,
)  # fmt: skip

# Close to valid, so that many reach /api/runs: MLPs on 2-D toy data with Residual blocks
# nested up to three deep (some change the width: a projection shortcut), odd learning rates.
linear = st.fixed_dictionaries(
    {"type": st.just("Linear"), "out_features": st.integers(1, 12)},
    optional={"activation": st.sampled_from(["ReLU", "Tanh", "GELU"])},
)
mlp_layers = st.recursive(
    st.lists(linear, min_size=1, max_size=3),
    lambda inner: st.lists(
        st.one_of(linear, st.fixed_dictionaries({"type": st.just("Residual"), "layers": inner})),
        min_size=1, max_size=3,
    ),
    max_leaves=8,
).map(lambda body: {"layers": [*body, {"type": "Linear", "out_features": 2}]})  # fmt: skip
near_valid = st.fixed_dictionaries(
    {
        "data": st.fixed_dictionaries({"dataset": st.sampled_from(["spiral", "moons", "xor"]),
                                       "n_samples": st.integers(20, 200)}),
        "model": mlp_layers,
        "training": st.fixed_dictionaries({
            "epochs": st.integers(1, 2), "batch_size": st.integers(1, 64),
            "optimizer": st.fixed_dictionaries({
                "type": st.sampled_from(["Adam", "SGD"]),
                "lr": st.sampled_from([0.01, 0.1, 10.0, 100.0, 1e6, 0.0, math.inf, math.nan]),
            }),
        }),
    }
)  # fmt: skip

wild = st.fixed_dictionaries(
    {"data": data, "model": st.one_of(st.fixed_dictionaries({"layers": layers}), wrong_types)},
    optional={"name": st.one_of(st.text(max_size=20), value), "training": training,
              "unknown_section": value},
)  # fmt: skip
# Shapes that cannot line up: layers that need maps, tokens or sequences on flat 2-D points,
# and image data through layers that need vectors.
mismatched_layer = st.sampled_from([
    {"type": "Conv2d", "out_channels": 4, "kernel_size": 3},
    {"type": "MaxPool2d", "kernel_size": 2},
    {"type": "Embedding", "num_embeddings": 10, "embedding_dim": 4},
    {"type": "LSTM", "hidden_size": 4},
    {"type": "MultiheadAttention", "num_heads": 3},
    {"type": "Reshape", "shape": [3, 5]},
    {"type": "Unflatten", "shape": [7, 7]},
    {"type": "SequencePool"},
    {"type": "BatchNorm2d"},
    {"type": "Residual", "layers": [{"type": "Flatten"}]},
])  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A near-valid spec with one thing broken: a field set to a weird value, a layer that
    does not fit inserted, or a section replaced by the wrong type."""
    spec = draw(near_valid)
    how = draw(st.sampled_from(["field", "layer", "section", "images"]))
    if how == "field":
        section = draw(st.sampled_from(["data", "training"]))
        key = draw(st.sampled_from(sorted(spec[section])))
        spec[section][key] = draw(value)
    elif how == "layer":
        at = draw(st.integers(0, len(spec["model"]["layers"])))
        spec["model"]["layers"].insert(at, draw(mismatched_layer))
    elif how == "section":
        spec[draw(st.sampled_from(["data", "model", "training"]))] = draw(value)
    else:  # 8x8 images straight into the MLP, or through a convolution
        spec["data"] = {"dataset": "digits"}
        if draw(st.booleans()):
            spec["model"]["layers"].insert(
                0, {"type": "Conv2d", "out_channels": 2, "kernel_size": draw(st.integers(1, 12))}
            )
    return spec


specs = st.one_of(near_valid, mutated(), wild)


def post(client: httpx.Client, path: str, spec: Any) -> httpx.Response:
    # json.dumps writes NaN and Infinity as bare words, not JSON: what a careless client sends.
    body = json.dumps(spec)
    return client.post(path, content=body, headers={"Content-Type": "application/json"})


def readable_422(response: httpx.Response) -> bool:
    """Each problem names where it is (a JSON path) and what is wrong, and no traceback leaks."""
    detail = response.json().get("detail")
    return (
        isinstance(detail, list)
        and len(detail) > 0
        and all(isinstance(d.get("loc"), list) and isinstance(d.get("msg"), str) and d["msg"]
                for d in detail)
        and "Traceback" not in response.text
    )  # fmt: skip


def test_generated_specs_get_answers_and_accepted_runs_end(fuzzed: Fuzzed, tmp_path: Path) -> None:
    found: list[dict[str, Any]] = []
    statuses: dict[str, int] = {}
    accepted: list[int] = []
    sent = 0
    with httpx.Client(
        base_url=fuzzed.server.url, headers=fuzzed.headers, timeout=REQUEST_TIMEOUT
    ) as client:

        @given(spec=specs)
        @settings(
            max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
            suppress_health_check=list(HealthCheck), phases=["explicit", "generate"],
        )  # fmt: skip
        def one(spec: Any) -> None:
            nonlocal sent
            paths = ["/api/validate"] + (["/api/runs"] if len(accepted) < MAX_RUNS else [])
            for path in paths:
                try:
                    response = post(client, path, spec)
                except httpx.HTTPError as e:  # a hang or a dropped connection
                    found.append({"path": path, "error": repr(e), "spec": repr(spec)[:800]})
                    return
                sent += 1
                key = f"{path} {response.status_code}"
                statuses[key] = statuses.get(key, 0) + 1
                if response.status_code >= 500:
                    found.append({"path": path, "status": response.status_code,
                                  "body": response.text[:300], "spec": repr(spec)[:800]})  # fmt: skip
                    return
                if response.status_code == 422 and not readable_422(response):
                    found.append({"path": path, "unreadable 422": response.text[:300],
                                  "spec": repr(spec)[:800]})  # fmt: skip
                    return
                if path == "/api/validate" and response.status_code != 200:
                    return  # rejected: no point posting it as a run
                if path == "/api/runs" and response.status_code == 201:
                    accepted.append(response.json()["id"])

        one()

        ends: dict[int, dict[str, Any]] = {}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(ends) < len(accepted):
            for run_id in accepted:
                if run_id not in ends:
                    run = client.get(f"/api/runs/{run_id}").json()
                    if run["status"] in ENDED:
                        ends[run_id] = run
            time.sleep(0.5)

    unended = [r for r in accepted if r not in ends]
    silent = [r["id"] for r in ends.values() if r["status"] != "succeeded" and not r["error"]]
    outcomes: dict[str, int] = {}
    for run in ends.values():
        outcomes[run["status"]] = outcomes.get(run["status"], 0) + 1
    report = tmp_path / "spec_fuzz.json"
    report.write_text(json.dumps({"requests": sent, "statuses": statuses, "found": found,
                                  "runs": outcomes, "unended": unended, "silent": silent},
                                 indent=1))  # fmt: skip
    summary = (
        f"spec fuzz: {sent} requests, {len(found)} 5xx, no answer or unreadable 422, {len(accepted)} runs "
        f"accepted -> {outcomes}, {len(unended)} not ended, {len(silent)} failed silently; "
        f"statuses {statuses}; details in {report}"
    )
    print(summary)
    assert not found, f"{summary}\n{json.dumps(found[:5], indent=1)}"
    assert not unended, summary
    assert not silent, summary
    assert sent >= EXAMPLES, summary


# The other places a spec (or its data section) goes: short experiments that train in the
# request and the data preview. Fewer examples each: a sanity check or an lr ramp trains.
OTHER_ENDPOINTS = {
    "/api/sanity": lambda spec: {"spec": spec},
    "/api/lr-find": lambda spec: {"spec": spec, "steps": 20, "max_lr": 10.0},
    "/api/datasets/preview": lambda spec: {
        "data": spec.get("data") if isinstance(spec, dict) else spec
    },
}


@pytest.mark.parametrize("path", sorted(OTHER_ENDPOINTS))
def test_generated_specs_in_experiments_and_preview(fuzzed: Fuzzed, path: str) -> None:
    wrap = OTHER_ENDPOINTS[path]
    found: list[dict[str, Any]] = []
    statuses: dict[int, int] = {}
    with httpx.Client(
        base_url=fuzzed.server.url, headers=fuzzed.headers, timeout=REQUEST_TIMEOUT
    ) as client:

        @given(spec=specs)
        @settings(
            max_examples=80, derandomize=True, database=None, deadline=None,
            suppress_health_check=list(HealthCheck), phases=["explicit", "generate"],
        )  # fmt: skip
        def one(spec: Any) -> None:
            try:
                response = post(client, path, wrap(spec))
            except httpx.HTTPError as e:
                found.append({"error": repr(e), "spec": repr(spec)[:800]})
                return
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            bad = response.status_code >= 500 or (
                response.status_code == 422 and not readable_422(response)
            )
            if bad:
                found.append({"status": response.status_code, "body": response.text[:300],
                              "spec": repr(spec)[:800]})  # fmt: skip

        one()

    summary = f"spec fuzz {path}: {sum(statuses.values())} requests, statuses {statuses}, {len(found)} bad"
    print(summary)
    assert not found, f"{summary}\n{json.dumps(found[:5], indent=1)}"
    assert statuses.get(200, 0) > 0, summary  # some got through validation to the real work
