"""A user's uploaded CSV or NPZ file, found by id in <data_dir>/uploads/ and checked."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import DataBase, DatasetDef
from playground.ml.datasets.normalize import PER_COLUMN
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.datasets.splits import make_splits, partition, split_sizes
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

# An upload id is a plain file name: no separators, no dots except the extension, so it
# can only ever name a file directly inside the uploads folder.
CSV_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.csv$"
NPZ_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.npz$"
UPLOADS = "uploads"
AUTO_MAX_CLASSES = 50  # "auto" treats integer or text targets with at most this many values
MAX_CLASSES = 1000  # as classes; an explicit "classification" allows up to this many

FILE_LOC = ("data", "file")
TASK_LOC = ("data", "task")
TARGET_LOC = ("data", "target")

TaskChoice = Annotated[
    Literal["auto", "classification", "regression"],
    Field(
        description="What to predict. 'auto': classification when the target is text or "
        f"integer-valued with at most {AUTO_MAX_CLASSES} distinct values, else regression.",
    ),
]


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


class NpzData(DataBase):
    """An NPZ upload with arrays x (N, ...) of inputs and y (N,) of targets."""

    dataset: Literal["npz"] = "npz"
    file: str = Field(
        pattern=NPZ_ID,
        description="Id of an uploaded NumPy .npz file holding arrays 'x' (N, ...) numeric "
        "inputs, kept in their shape (e.g. N x 1 x 16 x 16 images), and 'y' (N,) numeric or "
        "text targets; other arrays are ignored.",
    )
    task: TaskChoice = "auto"


def upload_path(file: str, pattern: str, ctx: DataContext) -> Path:
    """Path of an uploaded file; the id is re-checked so no other path can be formed."""
    if not re.fullmatch(pattern, file):
        raise SpecError.at(FILE_LOC, f"{file!r} is not a valid upload id")
    if ctx.data_dir is None:
        raise SpecError.at(FILE_LOC, "uploads are unavailable: no data directory is configured")
    path = ctx.data_dir / UPLOADS / file
    if not path.is_file():
        raise SpecError.at(FILE_LOC, f"no uploaded file {file!r}; upload it first")
    return path


# ---- targets ---------------------------------------------------------------------------


def encode_target(
    values: np.ndarray, task: str, what: str, loc: tuple[str, ...]
) -> tuple[np.ndarray, TargetInfo]:
    """(N,) float64 or str targets -> (class ids (N,) | values (N, 1), TargetInfo)."""
    numeric = values.dtype.kind == "f"
    if task == "regression" and not numeric:
        raise SpecError.at(TASK_LOC, f"{what} holds text, so it cannot be a regression target")
    classes = np.unique(values)
    integral = numeric and bool(np.all(values == np.round(values)))
    if task == "auto":
        few = len(classes) <= AUTO_MAX_CLASSES
        if numeric and not (integral and few):
            task = "regression"
        elif not few:
            raise SpecError.at(
                TASK_LOC,
                f"{what} holds {len(classes)} distinct text values; 'auto' allows at most "
                f"{AUTO_MAX_CLASSES} classes (set task to 'classification' for more)",
            )
    if task == "regression":
        return values[:, None], TargetInfo("regression", n_outputs=1)
    if not 2 <= len(classes) <= MAX_CLASSES:
        raise SpecError.at(
            loc,
            f"{what} has {len(classes)} distinct values; classes must number 2 to {MAX_CLASSES}",
        )
    ids = np.searchsorted(classes, values).astype(np.int64)
    names = tuple(_class_name(c, integral) for c in classes.tolist())
    return ids, TargetInfo("classification", n_classes=len(classes), class_names=names)


def _class_name(value: object, integral: bool) -> str:
    if isinstance(value, float):
        return str(int(value)) if integral else f"{value:g}"
    return str(value)


# ---- CSV -------------------------------------------------------------------------------


def read_rows(path: Path, name: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and their line numbers; blank lines are skipped."""
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append([cell.strip() for cell in row])
                    lines.append(reader.line_num)
    except UnicodeDecodeError as e:
        raise SpecError.at(FILE_LOC, f"{name} is not UTF-8 text") from e
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
    path = upload_path(spec.file, CSV_ID, ctx)
    header, rows, lines = read_rows(path, spec.file)
    target = spec.target if spec.target is not None else header[-1]
    if target not in header:
        raise SpecError.at(TARGET_LOC, f"no column {target!r} in {spec.file}; columns: {header}")
    if len(header) < 2:
        raise SpecError.at(FILE_LOC, f"{spec.file} needs a feature column besides the target")
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
    y, info = encode_target(y_values, spec.task, f"column {target!r}", TARGET_LOC)
    return np.stack(features, axis=1), y, info


def describe_csv(spec: CsvData, ctx: DataContext) -> DataInfo:
    """Shapes, task and split sizes; parses the uploaded file."""
    x, _, target = _csv_table(spec, ctx)
    return DataInfo(TensorType((x.shape[1],)), target, *_sizes(len(x), spec))


def load_csv(spec: CsvData, ctx: DataContext) -> LoadedData:
    """Parse the uploaded CSV and split its rows."""
    x, y, target = _csv_table(spec, ctx)
    return _split(x, y, spec, DataInfo(TensorType((x.shape[1],)), target, *_sizes(len(x), spec)))


# ---- NPZ -------------------------------------------------------------------------------

# What numpy and zipfile raise on damaged archives and members.
READ_ERRORS = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile)


def _open_npz(path: Path, name: str) -> np.lib.npyio.NpzFile:
    try:
        archive = np.load(path, allow_pickle=False)
    except READ_ERRORS as e:
        raise SpecError.at(FILE_LOC, f"{name} is not a readable .npz archive ({e})") from e
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise SpecError.at(FILE_LOC, f"{name} is a single array, not an .npz with 'x' and 'y'")
    if not {"x", "y"} <= set(archive.files):
        archive.close()
        raise SpecError.at(
            FILE_LOC, f"{name} must hold arrays 'x' and 'y'; it holds {sorted(archive.files)}"
        )
    return archive


def _array(archive: np.lib.npyio.NpzFile, key: str, name: str) -> np.ndarray:
    """One array; numpy itself refuses object arrays, since pickling is not allowed."""
    try:
        array: np.ndarray = archive[key]
    except READ_ERRORS as e:
        raise SpecError.at(
            FILE_LOC, f"{name}: array {key!r} is not a plain numeric or text array ({e})"
        ) from e
    return array


def _x_header(archive: np.lib.npyio.NpzFile, name: str) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """Shape and dtype of 'x' from its .npy header, without reading the data."""
    assert archive.zip is not None  # None only after close()
    if "x.npy" in archive.zip.namelist():
        try:
            with archive.zip.open("x.npy") as f:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                    return tuple(shape), dtype
                if version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(f)
                    return tuple(shape), dtype
        except READ_ERRORS as e:
            raise SpecError.at(FILE_LOC, f"{name}: array 'x' is not readable ({e})") from e
    x = _array(archive, "x", name)  # unusual layouts and header versions: read it whole
    return x.shape, x.dtype


def _target_values(y: np.ndarray, n: int, name: str) -> np.ndarray:
    """'y' as (N,) float64 numbers or str labels."""
    if y.shape != (n,):
        raise SpecError.at(FILE_LOC, f"{name}: 'y' must have shape (N,) = ({n},), got {y.shape}")
    if y.dtype.kind in "US":
        return y.astype(str)
    if y.dtype.kind not in "biuf":
        raise SpecError.at(FILE_LOC, f"{name}: 'y' must be numeric or text, not {y.dtype}")
    values = y.astype(np.float64)
    if not np.isfinite(values).all():
        raise SpecError.at(FILE_LOC, f"{name}: 'y' holds NaN or infinite values")
    return values


def _npz_arrays(
    spec: NpzData, ctx: DataContext, *, with_x: bool
) -> tuple[tuple[int, ...], np.ndarray | None, np.ndarray, TargetInfo]:
    """Shape of x (N, ...), x as float32 when asked, encoded targets and their info."""
    name = spec.file
    with _open_npz(upload_path(name, NPZ_ID, ctx), name) as archive:
        shape, dtype = _x_header(archive, name)
        if dtype.hasobject or dtype.kind not in "biuf":
            raise SpecError.at(FILE_LOC, f"{name}: array 'x' must be numeric, not {dtype}")
        if len(shape) < 2 or 0 in shape:
            raise SpecError.at(FILE_LOC, f"{name}: 'x' must have shape (N, ...), got {shape}")
        y_values = _target_values(_array(archive, "y", name), shape[0], name)
        x = _array(archive, "x", name).astype(np.float32) if with_x else None
    if x is not None and not np.isfinite(x).all():
        raise SpecError.at(FILE_LOC, f"{name}: 'x' holds NaN or infinite values")
    y, target = encode_target(y_values, spec.task, "array 'y'", FILE_LOC)
    return shape, x, y, target


def describe_npz(spec: NpzData, ctx: DataContext) -> DataInfo:
    """Shapes, task and split sizes from the header of 'x' and the values of 'y'."""
    shape, _, _, target = _npz_arrays(spec, ctx, with_x=False)
    return DataInfo(TensorType(shape[1:]), target, *_sizes(shape[0], spec))


def load_npz(spec: NpzData, ctx: DataContext) -> LoadedData:
    """Read both arrays and split the samples."""
    shape, x, y, target = _npz_arrays(spec, ctx, with_x=True)
    assert x is not None
    return _split(x, y, spec, DataInfo(TensorType(shape[1:]), target, *_sizes(shape[0], spec)))


# ---- shared ----------------------------------------------------------------------------


def _sizes(n: int, spec: DataBase) -> tuple[int, int, int]:
    return split_sizes(n, spec.split.val, spec.split.test)


def _split(x: np.ndarray, y: np.ndarray, spec: DataBase, info: DataInfo) -> LoadedData:
    """Seeded split; (N, F) tables are standardised per column, other shapes as a whole."""
    parts = partition(len(x), spec.split.val, spec.split.test, np.random.default_rng(spec.seed))
    axes = PER_COLUMN if x.ndim == 2 else tuple(range(x.ndim))
    train, val, test, _ = make_splits(x, y, parts, normalize_axes=axes if spec.normalize else None)
    return LoadedData(info, train, val, test)


DEFS = (
    DatasetDef(
        "csv",
        CsvData,
        "CSV upload",
        "Your own table: a CSV with a header row, numeric features and a target column.",
        "auto",
        "file",
        describe_csv,
        load_csv,
    ),
    DatasetDef(
        "npz",
        NpzData,
        "NPZ upload",
        "Your own arrays: an .npz with inputs 'x' of any shape and targets 'y'.",
        "auto",
        "file",
        describe_npz,
        load_npz,
    ),
)
