"""Data files for upload tests, generated in memory or streamed to disk (never downloaded)."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

import numpy as np

IDX_NAMES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def csv_bytes(n: int = 120, *, bad_line: int | None = None, seed: int = 0) -> bytes:
    """Two numeric features and a text label that a line separates; `bad_line` (1-based file
    line) gets text in a feature column."""
    rng = np.random.default_rng(seed)
    lines = ["x1,x2,label"]
    for _ in range(n):
        a, b = rng.normal(size=2)
        lines.append(f"{a:.4f},{b:.4f},{'up' if a + b > 0 else 'down'}")
    if bad_line is not None:
        lines[bad_line - 1] = "oops,1.0,up"
    return ("\n".join(lines) + "\n").encode()


def npz_bytes(n: int = 60, *, pickled: bool = False) -> bytes:
    """x (N, 1, 8, 8) float32 images and y (N,) labels 0..2; `pickled`: x holds objects."""
    rng = np.random.default_rng(1)
    y = np.arange(n) % 3
    x: np.ndarray = rng.random((n, 1, 8, 8)).astype(np.float32) + y[:, None, None, None]
    if pickled:
        x = np.array([{"evil": i} for i in range(n)], dtype=object)
    buf = io.BytesIO()
    np.savez(buf, x=x, y=y)
    return buf.getvalue()


def npz_bomb(path: Path, expanded: int = 1_100_000_000) -> Path:
    """An .npz whose 'x' is `expanded` bytes of zeros, deflated (~1000 to 1), written in
    chunks: the test process never holds the array either."""
    n = expanded // 1000
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("x.npy", "w", force_zip64=True) as f:
            f.write(_npy_header(n))
            left = n * 1000
            while left:
                f.write(chunk[: min(len(chunk), left)])
                left -= min(len(chunk), left)
        y = io.BytesIO()
        np.save(y, np.zeros(n, dtype=np.uint8))
        z.writestr("y.npy", y.getvalue())
    return path


def _npy_header(n: int) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "|u1", "fortran_order": False, "shape": (n, 1000)}
    )
    return buf.getvalue()  # magic string included


def idx_file(array: np.ndarray) -> bytes:
    """An IDX file of unsigned bytes (MNIST's format)."""
    dims = struct.pack(f">{array.ndim}I", *array.shape)
    return bytes([0, 0, 0x08, array.ndim]) + dims + array.astype(np.uint8).tobytes()


def idx_set(n_train: int = 40, n_test: int = 10, side: int = 8) -> dict[str, bytes]:
    """The four files, gzipped as MNIST's site serves them: name -> bytes."""
    rng = np.random.default_rng(2)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = np.arange(n) % 3
        images = rng.integers(0, 80, size=(n, side, side)) + 60 * labels[:, None, None]
        out[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(idx_file(images))
        out[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(idx_file(labels))
    return out


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(f"mnist/{name}", data)
    return buf.getvalue()
