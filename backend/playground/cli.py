"""Command line: `playground validate FILE`, `playground train FILE [--json]`, `playground catalog`."""

from __future__ import annotations

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
from playground.ml.errors import ErrorItem, SpecError, from_validation_error
from playground.ml.hooks import EpochReport, Hooks, RunResult
from playground.ml.registry import catalog
from playground.ml.spec import RunSpec
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


def load_spec(path: Path) -> RunSpec:
    """Parse a spec file; raises SpecError with JSON paths for bad JSON or fields."""
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise SpecError.at((), f"not valid JSON: {e}", "json_invalid") from e
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
    return table


@app.command("catalog")
def catalog_cmd() -> None:
    """Print every layer, activation, loss, optimizer, schedule, init and data set as JSON."""
    sys.stdout.write(json.dumps(catalog(), indent=2) + "\n")


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
    data_dir: DataDir = None,
) -> None:
    """Serve the API and the browser app (uvicorn)."""
    import uvicorn

    from playground.api.main import create_app

    # No per-message deflate: it compresses every frame once per viewer (the compressed
    # bytes cannot be shared), which cost more CPU than all other streaming work together.
    uvicorn.run(
        create_app(_settings(data_dir)), host=host, port=port, log_level="info",
        ws_per_message_deflate=False,
    )  # fmt: skip


class _ProgressHooks(Hooks):
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
) -> None:
    """Train a spec and print its test metrics (exit code 0 only when it succeeded)."""
    settings = _settings(data_dir)
    try:
        spec = load_spec(spec_file)
    except SpecError as e:
        result = RunResult("failed", error=str(e))
        _finish(result, as_json, errors=e.errors)
        return
    kwargs: dict[str, Any] = {"limits": settings.limits, "ctx": settings.data_context()}
    if as_json:
        result = train(spec, **kwargs)
    else:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), TextColumn("{task.fields[metrics]}"))  # fmt: skip
        with Progress(*columns, console=console) as progress:
            result = train(spec, _ProgressHooks(progress, spec.training.epochs), **kwargs)
    _finish(result, as_json)


def _finish(result: RunResult, as_json: bool, errors: list[ErrorItem] | None = None) -> None:
    if as_json:
        payload = {
            "status": result.status, "epochs": result.epochs, "test": result.test or None,
            "summary": (result.summary or {}).get("layers", []), "error": result.error,
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


if __name__ == "__main__":
    app()
