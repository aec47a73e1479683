"""Command line: `playground validate FILE`, `train FILE [--json]`, `catalog`, `serve`,
`inspect RUN_ID VIEW` (a view of a stored run, from the data directory), `lr-find FILE`, and
`users add|token|list|revoke` (accounts, in the data directory's database)."""

from __future__ import annotations

import ipaddress
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from playground.config import Settings
from playground.executors.host import free_cores
from playground.ml.errors import ErrorItem, SpecError, from_validation_error
from playground.ml.hooks import EpochReport, Hooks, RunResult, RunStart
from playground.ml.memory import describe_estimate
from playground.ml.registry import catalog
from playground.ml.spec import RunSpec
from playground.ml.threads import choose_threads, threads_for, use_threads
from playground.ml.train import train
from playground.ml.validate import Summary, validate

app = typer.Typer(help="NN Playground: train neural networks described by JSON run specs.")
console = Console(stderr=True)
out = Console()

SpecFile = Annotated[Path, typer.Argument(help="A JSON run spec.", exists=True, dir_okay=False)]
DataDir = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default: PLAYGROUND_DATA_DIR).")
]


def _settings(data_dir: Path | None) -> Settings:
    return Settings(data_dir=data_dir) if data_dir else Settings()


def load_spec(path: Path, device: str | None = None) -> RunSpec:
    """Parse a spec file, `device` in place of its training.device when given; raises
    SpecError with JSON paths for bad JSON or fields."""
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise SpecError.at((), f"not valid JSON: {e}", "json_invalid") from e
    if device is not None and isinstance(raw, dict) and isinstance(raw.get("training", {}), dict):
        raw["training"] = {**raw.get("training", {}), "device": device}  # validated below
    try:
        return RunSpec.model_validate(raw)
    except ValidationError as e:
        raise SpecError(from_validation_error(e)) from e


def _print_errors(errors: list[ErrorItem]) -> None:
    for e in errors:
        console.print(f"[red]error[/red] {e.path or '(spec)'}: {e.msg}")


@app.command("validate")
def validate_cmd(
    spec_file: SpecFile, data_dir: DataDir = None, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Check a spec and print its layer table (exit code 2 when invalid)."""
    settings = _settings(data_dir)
    try:
        summary = validate(
            load_spec(spec_file), limits=settings.limits, ctx=settings.data_context()
        )
    except SpecError as e:
        if as_json:
            out.print_json(data={"valid": False, "errors": [x.as_dict() for x in e.errors]})
        else:
            _print_errors(e.errors)
        raise typer.Exit(2) from None
    if as_json:
        out.print_json(data={"valid": True, "summary": summary.as_dict()})
    else:
        out.print(_summary_table(summary))


def _summary_table(summary: Summary) -> Table:
    table = Table(title=f"input {'x'.join(map(str, summary.data.input.shape))}")
    for col in ("layer", "type", "output", "params", "FLOPs"):
        table.add_column(col, justify="right" if col in ("params", "FLOPs") else "left")
    for r in summary.rows:
        table.add_row(
            "  " * r.depth + r.path.removeprefix("model."), r.label,
            "x".join(map(str, r.output.shape)), f"{r.params:,}", f"{r.flops:,}",
        )  # fmt: skip
    table.add_row("total", "", "", f"{summary.params:,}", f"{summary.flops:,}", style="bold")
    table.caption = f"peak memory {describe_estimate(summary.memory)}"
    return table


@app.command("catalog")
def catalog_cmd() -> None:
    """Print every layer, activation, loss, optimizer, schedule, init and data set as JSON."""
    sys.stdout.write(json.dumps(catalog(), indent=2) + "\n")


@app.command("openapi")
def openapi_cmd() -> None:
    """Print the API's OpenAPI document (the frontend's types are generated from it)."""
    from playground.api.main import create_app

    document = create_app(Settings()).openapi()
    sys.stdout.write(json.dumps(document, indent=1, sort_keys=True) + "\n")


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    data_dir: DataDir = None,
) -> None:
    """Serve the API and the browser app (uvicorn)."""
    import uvicorn

    from playground.api.main import create_app
    from playground.api.slow_clients import with_header_timeout
    from playground.ml.runtime import tune_gc, tune_malloc

    settings = _settings(data_dir)
    refusal = bind_refusal(settings, host)
    if refusal:
        console.print(f"[red]error[/red] {refusal}")
        raise typer.Exit(2)
    if host not in ("0.0.0.0", "::", ""):  # bound to one name: requests may use it as Host
        hosts = [*settings.allowed_hosts, host.lower()]
        settings = settings.model_copy(update={"allowed_hosts": hosts})
    # No per-message deflate: it compresses every frame once per viewer (the compressed
    # bytes cannot be shared), which cost more CPU than all other streaming work together.
    # Slow clients: idle keep-alive connections close after 5 s (uvicorn's default), headers
    # must arrive within header_timeout (slow_clients.py), bodies within body_timeout.
    app = create_app(settings)
    tune_gc()  # every import is done: freeze them (ml/runtime.py)
    tune_malloc()
    uvicorn.run(
        app, host=host, port=port, log_level="info",
        ws_per_message_deflate=False, timeout_keep_alive=5,
        http=with_header_timeout(settings.header_timeout),
    )  # fmt: skip


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address (or the name localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another name: it may resolve to anything


def bind_refusal(settings: Settings, host: str) -> str | None:
    """Why the server must not listen on `host` (None: it may). Without accounts every
    visitor is an admin, which is safe only when no one else can connect."""
    if settings.auth != "off" or is_loopback(host):
        return None
    return (
        f"accounts are off (PLAYGROUND_AUTH=off), so anyone who reaches {host} could change "
        "or delete every run. Set PLAYGROUND_AUTH=on and create users (`playground users "
        "add NAME --admin`), or, on a network you trust, PLAYGROUND_AUTH=off-i-know."
    )


# ---- users ------------------------------------------------------------------------------
users_app = typer.Typer(help="Accounts: add users, make and revoke API tokens.")
app.add_typer(users_app, name="users")


def _accounts(data_dir: Path | None) -> Any:
    from playground.services.accounts import Accounts
    from playground.store.db import make_engine, migrate
    from playground.store.users import UserStore

    settings = _settings(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.db_url())
    migrate(engine)
    return Accounts(UserStore(engine), settings)


def _read_password() -> str:
    """From a prompt (typed twice) on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@users_app.command("add")
def users_add(
    name: str,
    admin: bool = typer.Option(False, "--admin", help="May see and change everyone's runs."),
    data_dir: DataDir = None,
) -> None:
    """Add a user; the password comes from a prompt, or from standard input."""
    from playground.services.accounts import AccountError
    from playground.store.users import UserExistsError

    accounts = _accounts(data_dir)
    try:
        user = accounts.add_user(name=name, password=_read_password(), admin=admin)
    except (AccountError, UserExistsError) as e:
        console.print(f"[red]error[/red] {e}")
        raise typer.Exit(2) from None
    out.print(f"added {user.role} {user.name}")


@users_app.command("token")
def users_token(
    name: str,
    label: str = typer.Option("cli", "--name", help="What the token is for."),
    data_dir: DataDir = None,
) -> None:
    """Make an API token for a user; it is printed once, alone on the last line."""
    from playground.services.accounts import AccountError

    accounts = _accounts(data_dir)
    try:
        token, secret = accounts.new_token(user=name, label=label)
    except AccountError as e:
        console.print(f"[red]error[/red] {e}")
        raise typer.Exit(2) from None
    console.print(f"token {token.id} ({token.name}) for {name}; send it as "
                  "'Authorization: Bearer <token>'. It is not shown again:")  # fmt: skip
    sys.stdout.write(secret + "\n")


@users_app.command("list")
def users_list(data_dir: DataDir = None) -> None:
    """Users and their tokens."""
    accounts = _accounts(data_dir)
    table = Table("user", "role")
    for user in accounts.users.users():
        table.add_row(user.name, user.role)
    out.print(table)
    tokens = Table("token id", "user", "name", "created", "last used", "revoked")
    for t in accounts.users.tokens():
        when = [x.isoformat(timespec="seconds") if x else "" for x in
                (t.created_at, t.last_used_at, t.revoked_at)]  # fmt: skip
        tokens.add_row(str(t.id), t.user, t.name, *when)
    out.print(tokens)


@users_app.command("revoke")
def users_revoke(token_id: int, data_dir: DataDir = None) -> None:
    """Revoke an API token by its id (see `users list`); it stops working at once."""
    if not _accounts(data_dir).users.revoke_token(token_id):
        console.print(f"[red]error[/red] no live token has id {token_id}")
        raise typer.Exit(2)
    out.print(f"revoked token {token_id}")


class _StartHooks(Hooks):
    """Keeps what the run started with (versions, torch threads included) for the output."""

    versions: dict[str, str] | None = None
    device: str | None = None

    def on_start(self, start: RunStart) -> None:
        self.versions, self.device = start.versions, start.device


class _ProgressHooks(_StartHooks):
    """Rich progress bar over epochs with the latest metrics."""

    def __init__(self, progress: Progress, epochs: int) -> None:
        self.progress = progress
        self.task = progress.add_task("training", total=epochs, metrics="")

    def on_epoch(self, report: EpochReport) -> None:
        shown = ", ".join(f"{k} {v:.4g}" for k, v in report.metrics.items() if k != "lr")
        self.progress.update(self.task, completed=report.epoch, metrics=shown)


@app.command("train")
def train_cmd(
    spec_file: SpecFile,
    data_dir: DataDir = None,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    threads: int | None = typer.Option(
        None,
        "--threads",
        min=1,
        help="torch intra-op threads (default: from the model's size and the cores free).",
    ),
    device: str | None = typer.Option(
        None,
        "--device",
        help='Train on "cpu", "cuda" or "cuda:N" (default: the spec\'s training.device).',
    ),
) -> None:
    """Train a spec and print its test metrics (exit code 0 only when it succeeded)."""
    settings = _settings(data_dir)
    try:
        spec = load_spec(spec_file, device)
    except SpecError as e:
        result = RunResult("failed", error=str(e))
        _finish(result, as_json, errors=e.errors)
        return
    kwargs: dict[str, Any] = {"limits": settings.limits, "ctx": settings.data_context()}
    # torch's default (a thread per core) made small nets 5-9x slower on busy cores.
    use_threads(threads_for(spec, cores=free_cores(), override=threads, **kwargs))
    if as_json:
        hooks = _StartHooks()
        result = train(spec, hooks, **kwargs)
    else:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), TextColumn("{task.fields[metrics]}"))  # fmt: skip
        with Progress(*columns, console=console) as progress:
            hooks = _ProgressHooks(progress, spec.training.epochs)
            result = train(spec, hooks, **kwargs)
    _finish(result, as_json, versions=hooks.versions, device=hooks.device)


def _finish(
    result: RunResult,
    as_json: bool,
    errors: list[ErrorItem] | None = None,
    versions: dict[str, str] | None = None,
    device: str | None = None,
) -> None:
    if as_json:
        payload = {
            "status": result.status, "epochs": result.epochs, "test": result.test or None,
            "summary": (result.summary or {}).get("layers", []), "error": result.error,
            "versions": versions, "device": device, "seconds": result.seconds,
        }  # fmt: skip
        if errors:
            payload["errors"] = [e.as_dict() for e in errors]
        sys.stdout.write(json.dumps(payload) + "\n")
    elif result.status == "succeeded":
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in result.test.items())
        out.print(f"[green]succeeded[/green] after {result.epochs} epochs: test {metrics}")
    else:
        out.print(f"[red]{result.status}[/red]: {result.error or ''}")
    if result.status != "succeeded":
        raise typer.Exit(1)


@app.command("inspect")
def inspect_cmd(
    run_id: int = typer.Argument(help="A stored run's id."),
    view: str = typer.Argument(help="neurons, weights, activations, filters, saliency, ..."),
    epoch: str = typer.Option("last", help='A snapshot epoch, or "last".'),
    field: Annotated[
        list[str] | None,
        typer.Option("--set", help="A field of the view as NAME=JSON, e.g. --set index=3."),
    ] = None,
    data_dir: DataDir = None,
    as_json: bool = typer.Option(False, "--json", help="Print the view as one JSON object."),
) -> None:
    """Compute one view of a stored run (exit code 2 when the request does not fit)."""
    from playground.executors.probes import compute
    from playground.services.inspect import Inspector
    from playground.store import RunNotFoundError, RunStore, make_engine

    settings = _settings(data_dir)
    use_threads(choose_threads(0, cores=1))  # one view: small work, as in the probe processes
    request: dict[str, Any] = {"view": view, "epoch": epoch if epoch == "last" else _number(epoch)}
    request |= dict(_field(f) for f in field or ())
    engine = make_engine(settings.db_url())
    inspector = Inspector(RunStore(engine), settings, lambda p: compute(p, settings.data_context()))
    try:
        result = inspector.inspect(run_id=run_id, request=request)
    except RunNotFoundError as e:
        console.print(f"[red]error[/red] {e}")
        raise typer.Exit(2) from None
    except SpecError as e:
        _print_errors(e.errors)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        out.print_json(data=_abridged(result))


@app.command("lr-find")
def lr_find_cmd(
    spec_file: SpecFile,
    min_lr: float = typer.Option(1e-6, "--min-lr", help="First learning rate (0 < lr <= 10)."),
    max_lr: float = typer.Option(1.0, "--max-lr", help="Last learning rate (above min_lr)."),
    steps: int = typer.Option(200, "--steps", help="Optimizer steps, one rate each (10-1000)."),
    data_dir: DataDir = None,
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON object."),
    threads: int | None = typer.Option(
        None, "--threads", min=1, help="torch intra-op threads (default: as `train` chooses)."
    ),
) -> None:
    """Find a learning rate: loss against an exponentially growing rate, and a suggestion
    (exit code 2 when the spec or the range is invalid)."""
    from playground.executors.probes import run_task
    from playground.services.experiments import Experiments

    settings = _settings(data_dir)
    ctx = settings.data_context()
    experiments = Experiments(settings, lambda task: run_task(task, ctx))
    try:
        spec = load_spec(spec_file)
        # The same choice as `train`: these are the run's own steps, a few hundred of them.
        use_threads(threads_for(spec, cores=free_cores(), override=threads, ctx=ctx))
        result = experiments.lr_find(spec=spec, min_lr=min_lr, max_lr=max_lr, steps=steps)
    except SpecError as e:
        _print_errors(e.errors)
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result) + "\n")
        return
    out.print(_lr_table(result))
    if result["suggested_lr"] is not None:
        out.print(f"[green]suggested lr[/green] {result['suggested_lr']:.3g}")
    out.print(result["note"])


def _lr_table(result: dict[str, Any], rows: int = 12) -> Table:
    """About `rows` points of the ramp, the one nearest the suggestion marked."""
    lrs, losses = result["lrs"], result["losses"]
    every = max(1, len(lrs) // rows)
    shown = sorted({*range(0, len(lrs), every), len(lrs) - 1} if lrs else set())
    best = result["suggested_lr"]
    mark = min(shown, key=lambda i: abs(lrs[i] - best)) if best is not None and shown else -1
    table = Table(title="loss against learning rate (smoothed)")
    for col in ("lr", "loss", ""):
        table.add_column(col, justify="right" if col else "left")
    for i in shown:
        table.add_row(f"{lrs[i]:.3g}", f"{losses[i]:.4f}", "<- suggested" if i == mark else "")
    if result["diverged_at"] is not None:
        table.add_row(f"{result['diverged_at']:.3g}", "diverged", "")
    return table


def _field(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise typer.BadParameter(f"{text!r}: expected NAME=VALUE", param_hint="--set")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value  # a bare word: a string


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _abridged(value: Any, depth: int = 0) -> Any:
    """Long lists and base64 strings cut short, for reading in a terminal."""
    if isinstance(value, dict):
        return {k: _abridged(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        shown = [_abridged(v, depth + 1) for v in value[:8]]
        return [*shown, f"... {len(value) - 8} more"] if len(value) > 8 else shown
    if isinstance(value, str) and len(value) > 60:
        return value[:40] + f"... ({len(value)} characters)"
    return value


if __name__ == "__main__":
    app()
