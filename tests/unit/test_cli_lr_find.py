"""`playground lr-find`, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.factories import spec_dict


def test_cli_lr_find(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec_dict()))
    cli = [sys.executable, "-m", "playground.cli", "lr-find", str(path)]
    proc = subprocess.run(
        [*cli, "--steps", "60", "--min-lr", "1e-4", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["lrs"]) <= 60
    assert out["suggested_lr"] is not None
    table = subprocess.run([*cli, "--steps", "60"], capture_output=True, text=True, timeout=120)
    assert table.returncode == 0, table.stderr
    assert "suggested" in table.stdout.lower()
    bad = subprocess.run(
        [*cli, "--min-lr", "1", "--max-lr", "0.1"], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert "max_lr" in bad.stderr
