"""The checks an upload passes before it is kept (ml/datasets/upload_checks.py), on files
written for real: bombs refused from their headers, IDX copies bounded by their headers."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from playground.ml.datasets.npz_file import npz_headers
from playground.ml.datasets.upload_checks import idx_role, idx_sources, pack_idx
from playground.ml.errors import SpecError
from tests.upload_files import idx_file, idx_set, npz_bomb


def test_a_highly_compressed_member_is_refused_as_a_bomb(tmp_path: Path) -> None:
    bomb = npz_bomb(tmp_path / "b.npz", expanded=30_000_000)  # under the size limit
    with bomb.open("rb") as f, pytest.raises(SpecError, match="zip bomb"):
        npz_headers(f, "b.npz")


def test_a_header_that_understates_its_data_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lie.npz"
    with zipfile.ZipFile(path, "w") as z:
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f4", "fortran_order": False, "shape": (1000, 1000)}
        )
        z.writestr("x.npy", header.getvalue() + bytes(16))  # 16 bytes, not 4 MB
        y = io.BytesIO()
        np.save(y, np.zeros(1000))
        z.writestr("y.npy", y.getvalue())
    with path.open("rb") as f, pytest.raises(SpecError, match=r"declares shape \(1000, 1000\)"):
        npz_headers(f, "lie.npz")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"),
        ("mnist/t10k-labels.idx1-ubyte", "t10k-labels-idx1-ubyte"),
        ("TRAIN_LABELS-IDX1-UBYTE", "train-labels-idx1-ubyte"),
        ("passwd", None),
    ],
)
def test_idx_roles_come_from_standard_names(name: str, role: str | None) -> None:
    assert idx_role(name) == role


def test_a_gz_member_that_expands_past_its_header_is_cut_off(tmp_path: Path) -> None:
    files = idx_set(n_train=20, n_test=5)
    labels = idx_file(np.arange(5) % 3)
    # Declares 5 labels, then holds 50 MB of zeros: copying stops one byte past the 5.
    files["t10k-labels-idx1-ubyte.gz"] = gzip.compress(labels + bytes(50_000_000), 1)
    parts = [(n, io.BytesIO(d)) for n, d in files.items()]
    with pytest.raises(SpecError, match="more data than dimensions"):
        pack_idx(idx_sources(parts), tmp_path / "set.zip", max_samples=1000)


def test_idx_set_is_stored_uncompressed_under_standard_names(tmp_path: Path) -> None:
    parts = [(n, io.BytesIO(d)) for n, d in idx_set(n_train=20, n_test=5).items()]
    checked = pack_idx(idx_sources(parts), tmp_path / "set.zip", max_samples=1000)
    assert checked.shapes == {"x": [20, 1, 8, 8], "y": [20], "x_test": [5, 1, 8, 8]}
    with zipfile.ZipFile(tmp_path / "set.zip") as z:
        assert sorted(z.namelist()) == sorted(
            ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
        )  # fmt: skip
        assert z.getinfo("t10k-labels-idx1-ubyte").file_size == 8 + 5
