"""Reader for the IDX format of MNIST-style files (optionally gzip-compressed)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

# Third byte of the magic number -> element type (multi-byte types are big-endian).
IDX_DTYPES: dict[int, np.dtype[np.generic]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IdxError(ValueError):
    """A file that is not a well-formed IDX file."""


def _open(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _read_header(f: BinaryIO) -> tuple[np.dtype[np.generic], tuple[int, ...]]:
    magic = f.read(4)
    if len(magic) != 4 or magic[:2] != b"\x00\x00":
        raise IdxError("bad magic number (not an IDX file)")
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        raise IdxError(f"unknown element type 0x{code:02x}")
    if not 1 <= ndim <= 4:
        raise IdxError(f"unsupported number of dimensions {ndim}")
    raw_dims = f.read(4 * ndim)
    if len(raw_dims) != 4 * ndim:
        raise IdxError("file ends inside the header")
    return IDX_DTYPES[code], struct.unpack(f">{ndim}I", raw_dims)


def read_idx_header(path: Path) -> tuple[np.dtype[np.generic], tuple[int, ...]]:
    """Element type and dimensions of an IDX file, without reading its data."""
    try:
        with _open(path) as f:
            return _read_header(f)
    except (OSError, EOFError) as e:  # gzip raises BadGzipFile (an OSError) on junk
        raise IdxError(f"cannot read: {e}") from e


def read_idx(path: Path) -> np.ndarray:
    """The whole array of an IDX file, in native byte order, after checking its size."""
    try:
        with _open(path) as f:
            dtype, dims = _read_header(f)
            data = f.read()
    except (OSError, EOFError) as e:
        raise IdxError(f"cannot read: {e}") from e
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(data) != expected:
        raise IdxError(f"holds {len(data)} data bytes; dimensions {dims} need {expected}")
    return np.frombuffer(data, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))
