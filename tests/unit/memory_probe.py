"""Run in a fresh process: train one spec (JSON on argv[1]) and print peak RSS growth.

The baseline is taken after a warm-up run (as a worker boots), and the kernel's peak
(VmHWM) is reset there (/proc/self/clear_refs), so the growth is the run's own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from playground.ml.spec import RunSpec
from playground.ml.train import train
from playground.ml.validate import validate


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024  # kB -> bytes
    raise KeyError(key)


def main() -> None:
    torch.set_num_threads(1)
    spec = RunSpec.model_validate(json.loads(sys.argv[1]))
    warm = spec.model_copy(update={"training": spec.training.model_copy(update={"epochs": 1})})
    small = warm.model_copy(update={"data": warm.data.model_copy(update={"n_samples": 64})})
    train(small)  # lazy imports and first-call costs, as a booted worker has done
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    base = _status("VmRSS")
    result = train(spec)
    assert result.status == "succeeded", result.error
    est = validate(spec).memory
    print(json.dumps({"grown": _status("VmHWM") - base, "estimate": est.as_dict()}))


if __name__ == "__main__":
    main()
