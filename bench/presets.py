"""Train every preset in examples/ and check its claims (`expect`): one row per claim.

Prints preset, claim, expected range, measured value, pass/fail and the run's seconds;
exits 1 if any claim fails. Runs on one torch thread, as the claims were measured.
tests/unit/test_preset_claims.py checks the fast presets in `make test`; this checks all.

    .venv/bin/python bench/presets.py [NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from playground.ml.claims import check
from playground.ml.spec import RunSpec

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def fmt(value: float | str | None) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "-" if value is None else str(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="presets to check (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    names = args.names or sorted(p.stem for p in EXAMPLES.glob("*.json"))
    failures, total = 0, 0.0
    print(f"{'preset':34} {'claim':26} {'expected':>16} {'measured':>10} {'ok':4} {'s':>6}")
    for name in names:
        spec = RunSpec.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))
        started = time.perf_counter()
        result, checks = check(spec)
        seconds = time.perf_counter() - started
        total += seconds
        for i, c in enumerate(checks):
            failures += not c.ok
            print(
                f"{name if i == 0 else '':34} {c.key:26} {c.describe_expected():>16} "
                f"{fmt(c.measured):>10} {'ok' if c.ok else 'FAIL':4} "
                f"{f'{seconds:.1f}' if i == 0 else '':>6}",
                flush=True,
            )
        if result.error and result.status != "diverged":
            print(f"{'':34} error: {result.error}")
    print(f"{len(names)} presets, {failures} failed claims, {total:.0f} s of training")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
