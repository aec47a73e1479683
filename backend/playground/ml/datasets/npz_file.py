"""An NPZ upload: arrays x (N, ...) of inputs and y (N,) of targets, read without pickle."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from playground.ml.datasets.base import DataBase, DatasetDef
from playground.ml.datasets.files import (
    FILE_LOC,
    TaskChoice,
    encode_target,
    sizes,
    split,
    upload_path,
)
from playground.ml.datasets.results import DataContext, DataInfo, LoadedData
from playground.ml.errors import SpecError
from playground.ml.types import TargetInfo, TensorType

# An upload id: see CSV_ID in csv_file.py.
NPZ_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.npz$"


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
    return DataInfo(TensorType(shape[1:]), target, *sizes(shape[0], spec))


def load_npz(spec: NpzData, ctx: DataContext) -> LoadedData:
    """Read both arrays and split the samples."""
    shape, x, y, target = _npz_arrays(spec, ctx, with_x=True)
    assert x is not None
    return split(x, y, spec, DataInfo(TensorType(shape[1:]), target, *sizes(shape[0], spec)))


DEFS = (
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
