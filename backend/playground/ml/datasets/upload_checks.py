"""What an uploaded file must pass before it is kept: one function per format.

Each reads the file in bounded memory: a CSV's rows are counted before they are parsed
whole, an NPZ's array sizes come from its zip directory and .npy headers before any array
is read, and IDX files are copied at most the bytes their headers declare (a gzip member
that expands further is refused while it is read, never expanded in full).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from playground.ml.datasets.csv_file import csv_table, read_rows
from playground.ml.datasets.files import FILE_LOC
from playground.ml.datasets.idx import IDX_DTYPES
from playground.ml.datasets.images import IDX_FILES, TEST_IMAGES, TRAIN_IMAGES
from playground.ml.datasets.npz_file import MAX_EXPANDED_BYTES, READ_ERRORS, npz_arrays
from playground.ml.datasets.safe_open import open_regular
from playground.ml.errors import SpecError

MAX_COLUMNS = 10_000
# Values a CSV may hold: each cell is parsed as a Python string first (~60 bytes each), so
# a table past this is better sent as an .npz.
MAX_CELLS = 10_000_000
CHUNK = 1 << 20  # bytes copied at a time


@dataclass(frozen=True)
class Checked:
    """What an accepted file holds."""

    shapes: dict[str, list[int]]  # "x": (N, ...), "y": (N,); IDX also "x_test", "y_test"
    task: str  # classification | regression
    columns: list[str] | None = None  # a CSV's header
    classes: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def check_csv(path: Path, *, max_samples: int) -> Checked:
    """Header, one row count pass (bounded), then the typed parse with the first bad line."""
    with io.TextIOWrapper(open_regular(path), encoding="utf-8-sig", newline="") as f:
        try:
            reader = csv.reader(f)
            width = 0
            for rows, row in enumerate(reader, start=1):
                if rows == 1 and len(row) > MAX_COLUMNS:
                    raise SpecError.at(FILE_LOC, f"more than {MAX_COLUMNS} columns")
                width = width or len(row)
                if rows * width > MAX_CELLS:
                    raise SpecError.at(
                        FILE_LOC,
                        f"more than {MAX_CELLS} values (line {reader.line_num}); save a table "
                        "this large as an .npz (numpy.savez('data.npz', x=x, y=y))",
                        "limit_exceeded",
                    )
                if rows > max_samples + 1:
                    raise SpecError.at(
                        FILE_LOC,
                        f"more than {max_samples} rows (line {reader.line_num}); the limit is "
                        f"{max_samples} samples (PLAYGROUND_LIMITS__MAX_SAMPLES)",
                        "limit_exceeded",
                    )
        except UnicodeDecodeError as e:
            raise SpecError.at(FILE_LOC, "the file is not UTF-8 text") from e
        except csv.Error as e:
            raise SpecError.at(FILE_LOC, f"not valid CSV at line {reader.line_num}: {e}") from e
    x, y, target = csv_table(path, "the file", None, "auto")
    header = read_rows(path, "the file")[0]
    return Checked(
        {"x": list(x.shape), "y": [len(y)]}, target.task, header, target.n_classes or None
    )


def check_npz(path: Path, *, max_samples: int) -> Checked:
    """Headers first (sizes, dtypes, bomb ratio), then 'y' for the task."""
    shape, _, y, target = npz_arrays(path, "the file", "auto", with_x=False)
    if shape[0] > max_samples:
        raise SpecError.at(
            FILE_LOC, f"{shape[0]} samples; the limit is {max_samples}", "limit_exceeded"
        )
    return Checked({"x": list(shape), "y": [len(y)]}, target.task, None, target.n_classes or None)


# ---- IDX -------------------------------------------------------------------------------


def idx_role(filename: str) -> str | None:
    """Which of the four files a name is ('train-images.idx3-ubyte.gz' -> TRAIN_IMAGES)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".gz")
    base = base.replace(".", "-").replace("_", "-")
    return base if base in IDX_FILES else None


def idx_sources(parts: list[tuple[str, BinaryIO]]) -> dict[str, tuple[str, BinaryIO]]:
    """The four IDX files, each (its name, a readable binary file), from the parts."""
    found: dict[str, tuple[str, BinaryIO]] = {}
    for filename, f in parts:
        role = idx_role(filename)
        if role is None:
            raise SpecError.at(
                FILE_LOC,
                f"{filename!r} is not one of the four IDX files ({', '.join(IDX_FILES)}, "
                "each optionally .gz); several files can only be an IDX set",
            )
        found[role] = (filename, f)
    return found


def idx_zip_sources(archive: zipfile.ZipFile) -> dict[str, tuple[str, BinaryIO]]:
    """The four IDX files inside an uploaded zip (other members are ignored)."""
    found: dict[str, tuple[str, BinaryIO]] = {}
    for info in archive.infolist()[:1000]:
        role = idx_role(info.filename)
        if role is not None and not info.is_dir():
            try:
                found[role] = (info.filename, archive.open(info))  # type: ignore[assignment]
            except READ_ERRORS as e:
                raise SpecError.at(FILE_LOC, f"{info.filename}: not readable ({e})") from e
    return found


def pack_idx(sources: dict[str, tuple[str, BinaryIO]], out: Path, *, max_samples: int) -> Checked:
    """Check the four files and write them, uncompressed, as members of the zip `out`."""
    missing = [r for r in IDX_FILES if r not in sources]
    if missing:
        raise SpecError.at(
            FILE_LOC, f"an IDX set needs four files; missing: {', '.join(missing)} (.gz works)"
        )
    dims: dict[str, tuple[int, ...]] = {}
    budget = MAX_EXPANDED_BYTES
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for role in IDX_FILES:
            filename, raw = sources[role]
            dims[role], size = _copy_idx(role, filename, raw, archive, budget)
            budget -= size
    n_train, n_test = dims[TRAIN_IMAGES][0], dims[TEST_IMAGES][0]
    if dims[TRAIN_IMAGES][1:] != dims[TEST_IMAGES][1:]:
        raise SpecError.at(FILE_LOC, "train and test images differ in size")
    for images in (TRAIN_IMAGES, TEST_IMAGES):
        labels = images.replace("images-idx3", "labels-idx1")
        if dims[labels][0] != dims[images][0]:
            raise SpecError.at(
                FILE_LOC, f"{dims[images][0]} images but {dims[labels][0]} labels in {labels}"
            )
    if n_train < 2 or n_test < 1 or n_train + n_test > max_samples:
        raise SpecError.at(
            FILE_LOC,
            f"{n_train} train and {n_test} test images; 2 to {max_samples} in all are allowed",
            "limit_exceeded",
        )
    h, w = dims[TRAIN_IMAGES][1:]
    shapes = {"x": [n_train, 1, h, w], "y": [n_train], "x_test": [n_test, 1, h, w]}
    return Checked(shapes, "classification")


def _copy_idx(
    role: str, filename: str, raw: BinaryIO, archive: zipfile.ZipFile, budget: int
) -> tuple[tuple[int, ...], int]:
    """Copy one file (gunzipped) into `archive`, reading at most what its header declares."""
    head = raw.read(2)
    raw.seek(0)
    f: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if head == b"\x1f\x8b" else raw  # type: ignore[assignment]
    try:
        magic = f.read(4)
        ndim = 3 if "images" in role else 1
        if len(magic) != 4 or magic[:2] != b"\x00\x00" or magic[2] != 0x08 or magic[3] != ndim:
            raise SpecError.at(
                FILE_LOC,
                f"{filename}: not an IDX file of unsigned bytes with {ndim} dimensions "
                "(bad magic number)",
            )
        header = f.read(4 * ndim)
        if len(header) != 4 * ndim:
            raise SpecError.at(FILE_LOC, f"{filename}: the file ends inside its header")
        dims = tuple(int.from_bytes(header[i : i + 4], "big") for i in range(0, 4 * ndim, 4))
        size = math.prod(dims) * IDX_DTYPES[0x08].itemsize
        if size > budget:
            raise SpecError.at(
                FILE_LOC,
                f"{filename}: dimensions {dims} need {size} bytes; the set may take "
                f"{MAX_EXPANDED_BYTES}",
                "limit_exceeded",
            )
        with archive.open(role, "w", force_zip64=True) as out:
            out.write(magic + header)
            left = size
            while left:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    raise SpecError.at(
                        FILE_LOC, f"{filename}: holds {size - left} data bytes; {dims} need {size}"
                    )
                out.write(chunk)
                left -= len(chunk)
        if f.read(1):  # never expanded past the declared size
            raise SpecError.at(FILE_LOC, f"{filename}: more data than dimensions {dims} need")
    except READ_ERRORS as e:
        raise SpecError.at(FILE_LOC, f"{filename}: not readable ({e})") from e
    return dims, size
