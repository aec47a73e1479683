"""Wheels that bench/gpu_check.py needs on a lent GPU machine, downloaded here.

The lent machines' python3 (3.12) holds a CUDA build of torch, numpy, scikit-learn, onnx
and safetensors but not this project's web and store packages (FastAPI, SQLAlchemy,
pydantic-settings, ...), and nothing can be fetched there. This lists every package the
project and the check import, with the versions of the environment running this script
(the ones the tests passed with), minus what the machine already holds and must keep (its
torch and the packages torch's CUDA build comes with), and downloads their cp312
manylinux wheels into .whl/ (ignored by git):

    .venv/bin/python bench/gpu_wheels.py            # then carry ".whl" in the device call
    .venv/bin/python bench/gpu_wheels.py --dry-run  # only print the list

and on the machine, from the repository root:

    python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl &&
    PYTHONPATH=/tmp/site:backend PYTHONUNBUFFERED=1 python3 bench/gpu_check.py
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# What the check imports beyond the project's own dependencies (tests/server.py).
EXTRA = ["httpx", "websockets"]
# Kept as the machine has them: torch with its CUDA libraries, and the numeric stack built
# against it (its wheels are large, and the machine's versions are in the project's ranges).
KEEP = {"torch", "numpy", "scipy", "scikit-learn", "joblib", "threadpoolctl", "onnx",
        "protobuf", "ml-dtypes", "safetensors", "sympy", "mpmath", "networkx", "jinja2",
        "markupsafe", "fsspec", "filelock", "setuptools", "triton"}  # fmt: skip
# The machine's interpreter, for evaluating requirement markers.
TARGET = {"python_version": "3.12", "python_full_version": "3.12.3", "sys_platform": "linux",
          "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
          "implementation_name": "cpython", "platform_python_implementation": "CPython",
          "extra": ""}  # fmt: skip
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
             "manylinux2014_x86_64", "manylinux1_x86_64"]  # fmt: skip


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def project_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *EXTRA]


def closure(roots: list[str]) -> dict[str, str]:
    """name -> installed version for `roots` and everything they need on the machine."""
    found: dict[str, str] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        name = norm(req.name)
        if name in found or name in KEEP:
            continue
        if req.marker is not None and not req.marker.evaluate(TARGET):
            continue
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            sys.exit(f"{req.name} is not installed here; run `make install` first")
        found[name] = dist.version
        extras = set(req.extras)
        for sub in dist.requires or []:
            r = Requirement(sub)
            wanted = [{**TARGET, "extra": e} for e in extras] or [TARGET]
            if r.marker is None or any(r.marker.evaluate(env) for env in wanted):
                todo.append(Requirement(f"{r.name}{r.specifier}"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    wanted = closure(project_requirements())
    pins = [f"{name}=={version}" for name, version in sorted(wanted.items())]
    print(f"{len(pins)} packages:", " ".join(pins))
    platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--python-version", "3.12", "--implementation", "cp", *platforms,
           "-d", str(ROOT / ".whl"), *pins]  # fmt: skip
    if args.dry_run:
        print(" ".join(cmd))
        return
    exclude = Path(subprocess.check_output(["git", "rev-parse", "--git-path", "info/exclude"],
                                           cwd=ROOT, text=True).strip())  # fmt: skip
    exclude = exclude if exclude.is_absolute() else ROOT / exclude
    if "/.whl/" not in exclude.read_text():
        with exclude.open("a") as f:
            f.write("/.whl/\n")
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
