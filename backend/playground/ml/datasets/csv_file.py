"""A CSV upload: a header row, numeric feature columns and one target column."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import DataBase, DatasetDef
from playground.ml.datasets.files import (
    FILE_LOC,
    TARGET_LOC,
    TaskChoice,
    encode_target,
    sizes,
    split,
    upload_path,
)
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.safe_open import NotRegularError, open_regular
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

# An upload id is a plain file name: no separators, no dots except the extension, so it
# can only ever name a file directly inside the uploads folder.
CSV_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.csv$"


class CsvData(DataBase):
    """A CSV upload: a header row, numeric feature columns and one target column."""

    dataset: Literal["csv"] = "csv"
    file: str = Field(
        pattern=CSV_ID,
        description="Id of an uploaded CSV file, e.g. 'houses.csv' (letters, digits, _ and -).",
    )
    target: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Name of the column to predict; empty: the last column. Every other "
        "column is an input feature and must be numeric.",
    )
    task: TaskChoice = "auto"


def read_rows(path: Path, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and their line numbers; blank lines are skipped."""
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with io.TextIOWrapper(open_regular(path), encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append([cell.strip() for cell in row])
                    lines.append(reader.line_num)
    except UnicodeDecodeError as e:
        raise SpecError.at(FILE_LOC, f"{name} is not UTF-8 text") from e
    except NotRegularError as e:
        raise SpecError.at(FILE_LOC, f"no uploaded file {name!r} ({e})") from e
    except csv.Error as e:
        raise SpecError.at(FILE_LOC, f"{name} is not valid CSV: {e}") from e
    if len(rows) < 2:
        raise SpecError.at(FILE_LOC, f"{name} needs a header row and at least one data row")
    header = rows[0]
    if all(_is_number(cell) for cell in header):
        raise SpecError.at(FILE_LOC, f"{name} must start with a header row of column names")
    if "" in header or len(set(header)) != len(header):
        raise SpecError.at(FILE_LOC, f"{name}: column names must be non-empty and unique")
    for row, line in zip(rows[1:], lines[1:], strict=True):
        if len(row) != len(header):
            raise SpecError.at(
                FILE_LOC, f"{name} line {line} has {len(row)} fields; the header has {len(header)}"
            )
    return header, rows[1:], lines[1:]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _floats(column: np.ndarray) -> np.ndarray | None:
    """The column as float64, or None if some cell is not a number."""
    try:
        return column.astype(np.float64)
    except ValueError:  # numpy and Python disagree on a few spellings; Python decides
        cells = column.tolist()
        return np.array([float(c) for c in cells]) if all(map(_is_number, cells)) else None


def _line_of(mask: np.ndarray, lines: list[int]) -> int:
    """File line of the first row where mask is true."""
    return lines[int(np.flatnonzero(mask)[0])]


def _column(table: np.ndarray, j: int, name: str, lines: list[int]) -> np.ndarray | None:
    """Column j as finite float64, or None if it holds text; empty cells are refused."""
    cells = table[:, j]
    if (cells == "").any():
        line = _line_of(cells == "", lines)
        raise SpecError.at(FILE_LOC, f"column {name!r} has an empty cell at line {line}")
    values = _floats(cells)
    if values is not None and not np.isfinite(values).all():
        line = _line_of(~np.isfinite(values), lines)
        raise SpecError.at(FILE_LOC, f"column {name!r} holds NaN or infinity at line {line}")
    return values


def _csv_table(spec: CsvData, ctx: DataContext) -> tuple[np.ndarray, np.ndarray, TargetInfo]:
    """Inputs (N, F) float64, encoded targets and their TargetInfo."""
    return csv_table(upload_path(spec.file, CSV_ID, ctx), spec.file, spec.target, spec.task)


def csv_table(
    path: Path, name: str, target: str | None, task: str
) -> tuple[np.ndarray, np.ndarray, TargetInfo]:
    """The CSV file at `path` (shown as `name`): inputs (N, F), encoded targets, TargetInfo."""
    header, rows, lines = read_rows(path, name)
    target = target if target is not None else header[-1]
    if target not in header:
        raise SpecError.at(TARGET_LOC, f"no column {target!r} in {name}; columns: {header}")
    if len(header) < 2:
        raise SpecError.at(FILE_LOC, f"{name} needs a feature column besides the target")
    table = np.array(rows, dtype=str)  # (N, C)
    features = []
    for j, name in enumerate(header):
        values = _column(table, j, name, lines)
        if name == target:
            y_values = table[:, j] if values is None else values  # text or numbers
        elif values is None:
            is_text = np.array([not _is_number(cell) for cell in table[:, j].tolist()])
            row = int(np.flatnonzero(is_text)[0])
            raise SpecError.at(
                FILE_LOC,
                f"column {name!r} must be numeric: line {lines[row]} holds "
                f"{str(table[row, j])!r} (only the target column may hold text)",
            )
        else:
            features.append(values)
    y, info = encode_target(y_values, task, f"column {target!r}", TARGET_LOC)
    return np.stack(features, axis=1), y, info


def describe_csv(spec: CsvData, ctx: DataContext) -> DataInfo:
    """Shapes, task and split sizes; parses the uploaded file."""
    x, _, target = _csv_table(spec, ctx)
    return DataInfo(TensorType((x.shape[1],)), target, *sizes(len(x), spec))


def load_csv(spec: CsvData, ctx: DataContext) -> LoadedData:
    """Parse the uploaded CSV and split its rows."""
    x, y, target = _csv_table(spec, ctx)
    return split(x, y, spec, DataInfo(TensorType((x.shape[1],)), target, *sizes(len(x), spec)))


DEFS = (
    DatasetDef(
        "csv",
        CsvData,
        "CSV file on the server",
        "A CSV placed in <data_dir>/uploads/ by hand (to send one, use Your upload).",
        "auto",
        "file",
        describe_csv,
        load_csv,
    ),
)
