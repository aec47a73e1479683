"""An NPZ upload: arrays x (N, ...) of inputs and y (N,) of targets, read without pickle."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Literal

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
from playground.ml.datasets.safe_open import NotRegularError, open_regular
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
# (RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.)
READ_ERRORS = (
    ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, RuntimeError,
    NotImplementedError,
)  # fmt: skip
# What one archive may expand to: its arrays are allocated at these sizes when loaded.
MAX_EXPANDED_BYTES = 1_000_000_000
# Compression ratio past which a large member is taken for a zip bomb, not data: real
# images and tables compress 2-20x; a 1.2 MB file that expands to 1.1 GB is ~900x.
MAX_RATIO = 100
RATIO_FROM_BYTES = 10_000_000  # smaller members may compress as well as they like
MAX_HEADER_BYTES = 10_000  # numpy's own bound on an .npy header


def npz_headers(
    f: BinaryIO, name: str, *, max_bytes: int = MAX_EXPANDED_BYTES
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """Shape and dtype of 'x' and 'y' from the zip directory and the .npy headers alone.

    Nothing is decompressed beyond each header: the declared sizes are checked against
    `max_bytes` and MAX_RATIO first, and each header must declare exactly the bytes its
    member holds, so that loading the arrays later allocates no more than was checked.
    """
    if f.read(6) == b"\x93NUMPY":
        raise SpecError.at(FILE_LOC, f"{name} is a single array, not an .npz with 'x' and 'y'")
    f.seek(0)
    try:
        archive = zipfile.ZipFile(f)
    except READ_ERRORS as e:
        raise SpecError.at(FILE_LOC, f"{name} is not a readable .npz archive ({e})") from e
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        missing = [k for k in ("x", "y") if f"{k}.npy" not in members]
        if missing:
            held = sorted(n.removesuffix(".npy") for n in members)
            raise SpecError.at(FILE_LOC, f"{name} must hold arrays 'x' and 'y'; it holds {held}")
        infos = [members["x.npy"], members["y.npy"]]
        expanded = sum(i.file_size for i in infos)
        if expanded > max_bytes:
            raise SpecError.at(
                FILE_LOC,
                f"{name}: arrays 'x' and 'y' would take {expanded} bytes in memory; "
                f"the limit is {max_bytes}",
                "limit_exceeded",
            )
        headers = {}
        for info in infos:
            key = info.filename.removesuffix(".npy")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                raise SpecError.at(
                    FILE_LOC,
                    f"{name}: array {key!r} is compressed {ratio:.0f} to 1 ({info.compress_size}"
                    f" bytes expanding to {info.file_size}); more than {MAX_RATIO} to 1 is "
                    "refused as a zip bomb",
                    "limit_exceeded",
                )
            headers[key] = _member_header(archive, info, name, key)
    return headers


def _member_header(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, key: str
) -> tuple[tuple[int, ...], np.dtype[Any]]:
    """One .npy header, checked: versions 1 and 2, no objects, sizes that add up."""
    try:
        with archive.open(info) as m:
            version = np.lib.format.read_magic(m)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(m, max_header_size=MAX_HEADER_BYTES)
            elif version == (2, 0):
                header = np.lib.format.read_array_header_2_0(m, max_header_size=MAX_HEADER_BYTES)
            else:
                raise ValueError(f".npy format version {version} (save with numpy.savez)")
            offset = m.tell()
    except READ_ERRORS as e:
        raise SpecError.at(FILE_LOC, f"{name}: array {key!r} is not readable ({e})") from e
    shape, _, dtype = header
    if dtype.hasobject or dtype.kind not in "biufUS":
        raise SpecError.at(
            FILE_LOC,
            f"{name}: array {key!r} holds {dtype} values; only numbers and text are read "
            "(Python objects would need pickle, which is never loaded)",
        )
    data_bytes = math.prod(shape) * dtype.itemsize
    if offset + data_bytes != info.file_size:
        raise SpecError.at(
            FILE_LOC,
            f"{name}: array {key!r} declares shape {tuple(shape)} ({data_bytes} bytes) but "
            f"holds {info.file_size - offset}",
        )
    return tuple(shape), dtype


def _array(archive: np.lib.npyio.NpzFile, key: str, name: str) -> np.ndarray:
    """One array, after npz_headers checked its size; pickling is never allowed."""
    try:
        array: np.ndarray = archive[key]
    except READ_ERRORS as e:
        raise SpecError.at(
            FILE_LOC, f"{name}: array {key!r} is not a plain numeric or text array ({e})"
        ) from e
    return array


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


def check_x(shape: tuple[int, ...], dtype: np.dtype[Any], name: str) -> None:
    """'x' must be numeric with shape (N, ...) and no empty axis."""
    if dtype.kind not in "biuf":
        raise SpecError.at(FILE_LOC, f"{name}: array 'x' must be numeric, not {dtype}")
    if len(shape) < 2 or 0 in shape:
        raise SpecError.at(FILE_LOC, f"{name}: 'x' must have shape (N, ...), got {shape}")


def npz_arrays(
    path: Path, name: str, task: str, *, with_x: bool
) -> tuple[tuple[int, ...], np.ndarray | None, np.ndarray, TargetInfo]:
    """Shape of x (N, ...), x as float32 when asked, encoded targets and their info."""
    try:
        f = open_regular(path)
    except NotRegularError as e:
        raise SpecError.at(FILE_LOC, f"no uploaded file {name!r} ({e})") from e
    with f:
        headers = npz_headers(f, name)
        shape, dtype = headers["x"]
        check_x(shape, dtype, name)
        f.seek(0)
        with np.load(f, allow_pickle=False) as archive:
            y_values = _target_values(_array(archive, "y", name), shape[0], name)
            x = _array(archive, "x", name).astype(np.float32) if with_x else None
    if x is not None and not np.isfinite(x).all():
        raise SpecError.at(FILE_LOC, f"{name}: 'x' holds NaN or infinite values")
    y, target = encode_target(y_values, task, "array 'y'", FILE_LOC)
    return shape, x, y, target


def _npz_arrays(
    spec: NpzData, ctx: DataContext, *, with_x: bool
) -> tuple[tuple[int, ...], np.ndarray | None, np.ndarray, TargetInfo]:
    return npz_arrays(upload_path(spec.file, NPZ_ID, ctx), spec.file, spec.task, with_x=with_x)


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
        "NPZ file on the server",
        "An .npz placed in <data_dir>/uploads/ by hand (to send one, use Your upload).",
        "auto",
        "file",
        describe_npz,
        load_npz,
    ),
)
