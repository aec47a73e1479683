"""The one Settings object (env prefix PLAYGROUND_), built once and passed down."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from playground.ml.datasets import DataContext
from playground.ml.device import gpu_count
from playground.ml.limits import Bytes, Limits

MEMORY_SHARE = 0.8  # of the machine's memory, split between the workers; the rest: API, OS


class Settings(BaseSettings):
    """Deployment settings; nested values via double underscores (PLAYGROUND_LIMITS__MAX_EPOCHS)."""

    model_config = SettingsConfigDict(
        env_prefix="PLAYGROUND_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    data_dir: Path = Field(
        Path("data"), description="Data sets (mnist/, uploads/) and the database."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/playground.db."
    )
    workers: int = Field(
        1, ge=1, le=64, description="CPU worker processes (with GPUs: workers_per_gpu each)."
    )
    workers_per_gpu: int = Field(
        1,
        ge=1,
        le=32,
        description="Local worker processes per visible GPU, each training one run at a time "
        "(a tiny net leaves a GPU mostly idle: 4 share one well); ignored without GPUs.",
    )
    executor: Literal["local", "ray"] = Field(
        "local",
        description="Where runs train: 'local' (worker processes on this machine) or 'ray' "
        "(Ray actors: the cluster at RAY_ADDRESS, else a local Ray with `workers` CPUs).",
    )
    ray_address: str | None = Field(
        None,
        validation_alias=AliasChoices("RAY_ADDRESS", "PLAYGROUND_RAY_ADDRESS", "ray_address"),
        description="The Ray cluster to join (RAY_ADDRESS, e.g. ray-head:6379); none starts a "
        "local Ray in the API process (development).",
    )
    ray_cpus_per_run: int = Field(
        1, ge=1, le=64, description="With Ray: the most CPUs (torch threads) one run reserves."
    )
    ray_gpus_per_run: float = Field(
        0.25,
        gt=0,
        le=1,
        description="With Ray: the share of a GPU one run reserves (0.25: four runs per GPU).",
    )
    ray_max_running: int = Field(
        0,
        ge=0,
        le=10_000,
        description="With Ray: entries (runs or sweep groups) training at "
        "once; 0: the cluster's CPUs (read again as nodes join and leave).",
    )
    probe_processes: int = Field(
        1, ge=1, le=16, description="Processes that compute inspect views (one torch thread each)."
    )
    max_body_bytes: int = Field(
        1_000_000, ge=1024, le=100_000_000, description="Largest request body."
    )
    max_upload_bytes: int = Field(
        200_000_000,
        ge=1024,
        le=10_000_000_000,
        description="Largest uploaded data file (POST /api/uploads), in bytes; larger: 413.",
    )
    upload_quota_bytes: int = Field(
        2_000_000_000,
        ge=1024,
        le=1_000_000_000_000,
        description="Bytes one user's uploads together may take on disk (each user has "
        "their own quota; with accounts off, all uploads share one); an upload past it gets "
        "413.",
    )
    upload_timeout: float = Field(
        600.0,
        gt=0,
        le=7200,
        description="Seconds a client has to send an upload's body (other bodies: body_timeout).",
    )
    frontend_dir: Path = Field(Path("frontend/dist"), description="Built browser app served at /.")
    limits: Limits = Field(
        default_factory=Limits,
        description="Per-run size limits; limits.max_run_memory defaults to "
        f"{MEMORY_SHARE:g} x the machine's memory / the local worker processes (workers, or "
        "workers_per_gpu x GPUs).",
    )
    worker_memory_cap: Bytes | None = Field(
        None, ge=0,
        description="Memory (address space, RLIMIT_AS) each CPU worker may take on top of "
        "its size once booted, bytes or '2GB'; a run past it fails 'out of memory' instead "
        "of taking the machine down. Default: limits.max_run_memory; 0: no cap.",
    )  # fmt: skip
    max_trials_per_sweep: int = Field(
        256, ge=1, le=10_000, description="Trials one sweep may have (grid x random x seeds)."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "[::1]"],
        description="Host names the server answers to (any port), comma-separated; '*' for "
        "any. The name the server is bound to and the address a request arrived at are "
        "allowed too. Other Host headers get 400: a page cannot reach the API by pointing "
        "its own name at this machine (DNS rebinding).",
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port]) besides the server's own that may change "
        "runs and open streams, comma-separated; other Origins get 403.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins that may call the API from another site's pages (CORS), "
        "comma-separated; none by default (CORS off). Listed origins are allowed origins.",
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="Seconds a client has to send a request's headers."
    )
    body_timeout: float = Field(
        30.0, gt=0, le=3600, description="Seconds a client has to send a request's body."
    )

    auth: Literal["on", "off", "off-i-know"] = Field(
        "off",
        description="Accounts: 'on' (every /api route but health and auth/* needs a login or "
        "a token), 'off' (everyone is the built-in local admin; the server then refuses to "
        "listen beyond loopback) or 'off-i-know' (off, on any address: you trust the network).",
    )
    session_days: float = Field(
        7.0, gt=0, le=365, description="Days a browser login lasts (the session cookie)."
    )
    login_failures_per_minute: int = Field(
        5, ge=1, le=1000, description="Failed logins per user name per minute before 429."
    )
    max_queued_per_user: int = Field(
        100, ge=1, le=100_000,
        description="Runs one member may have waiting in the queue (a sweep counts its "
        "trials); more get 429. Admins are not limited.",
    )  # fmt: skip

    max_running_per_user: int | None = Field(
        None, ge=1, le=64,
        description="Workers (with Ray: actors) one user's runs may hold at once (default: "
        "all of them); the others wait for that user's runs to end while other users' runs "
        "start.",
    )  # fmt: skip

    @property
    def auth_on(self) -> bool:
        return self.auth == "on"

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return url

    @field_validator("allowed_hosts", "allowed_origins", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """'a,b' or a JSON list '["a", "b"]' (as environment variables are written)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value

    @field_validator("allowed_origins", "cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin != "*" and not re.fullmatch(r"https?://[^/?#\s]+", origin):
                raise ValueError(f"'{origin}' is not an origin like https://class.example.org")
        return [o.lower() for o in origins]

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if not re.fullmatch(r"\*|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+", host):
                raise ValueError(f"'{host}' is not a host name (no scheme, port or path)")
        return [h.lower() for h in hosts]

    @model_validator(mode="after")
    def _memory_share(self) -> Settings:
        """limits.max_run_memory, when not set: each worker's share of the machine's memory."""
        if self.limits.max_run_memory is None:
            share = int(machine_memory() * MEMORY_SHARE / self.local_workers())
            # Frozen: set once here, while the object is being built.
            limits = self.limits.model_copy(update={"max_run_memory": share})
            object.__setattr__(self, "limits", limits)
        return self

    def local_workers(self) -> int:
        """Worker processes the local pool starts: workers_per_gpu per visible GPU, else
        workers (executors.host.default_devices makes the same choice)."""
        gpus = gpu_count()
        return gpus * self.workers_per_gpu if gpus else self.workers

    def memory_cap(self) -> int | None:
        """Bytes of address space a worker may add after booting; None: no cap."""
        cap = (
            self.limits.max_run_memory if self.worker_memory_cap is None else self.worker_memory_cap
        )
        return cap or None

    def data_context(self) -> DataContext:
        return DataContext(data_dir=self.data_dir)

    def uploads_dir(self) -> Path:
        """Where uploaded data files are kept (ml.datasets.upload names the files inside)."""
        return self.data_dir / "uploads"

    def artifacts_dir(self) -> Path:
        """Where runs' snapshots are kept (ml.snapshots names the files inside)."""
        return self.data_dir / "artifacts"

    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'playground.db'}"


def machine_memory() -> int:
    """Bytes of memory this process may use: physical memory, or the cgroup's limit if lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:  # a container's limit (cgroup v2); "max" when there is none
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return total
    return min(total, int(text)) if text.isdigit() else total
