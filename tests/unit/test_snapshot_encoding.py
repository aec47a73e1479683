"""Our safetensors encoder (snapshots.encode_state) writes the library's bytes, exactly.

Snapshot files are compared byte for byte with `safetensors.torch.save`: the same header
(key order, separators, padding), the same data layout (widest dtype first, then by name),
so a file reads the same whichever wrote it, and `load_file` reads ours back.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save
from torch import Tensor, nn

from playground.executors.reporting import SnapshotWriter
from playground.ml.snapshots import encode_state, snapshot_path, snapshot_state, write_state

EVERY_DTYPE = {
    "f64": torch.randn(3, dtype=torch.float64),
    "f32": torch.randn(2, 3),
    "f16": torch.randn(5, dtype=torch.float16),
    "bf16": torch.randn(2, 2, dtype=torch.bfloat16),
    "i64": torch.tensor([-1, 2**40]),
    "i32": torch.tensor([7, -7], dtype=torch.int32),
    "i16": torch.tensor([300], dtype=torch.int16),
    "i8": torch.tensor([-3, 4, 5], dtype=torch.int8),
    "u8": torch.tensor([255, 0], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True]),
    "u16": torch.tensor([65535], dtype=torch.uint16),
    "u32": torch.tensor([2**32 - 1], dtype=torch.uint32),
    "u64": torch.tensor([2**63], dtype=torch.uint64),
}


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))


def assert_as_library(tensors: dict[str, Tensor], tmp_path: Path) -> None:
    data = encode_state(tensors)
    assert data == save(tensors)
    path = tmp_path / "state.safetensors"
    path.write_bytes(data)
    loaded = load_file(path)
    assert loaded.keys() == tensors.keys()
    for name, t in tensors.items():
        assert loaded[name].dtype == t.dtype
        assert torch.equal(loaded[name], t), name


def test_an_mlp_state(tmp_path: Path) -> None:
    assert_as_library(snapshot_state(mlp()), tmp_path)


def test_batchnorm_state_with_its_scalar_int64_counter(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    model(torch.randn(8, 2))
    state = snapshot_state(model)
    assert state["1.num_batches_tracked"].shape == ()
    assert_as_library(state, tmp_path)
    assert_as_library({"n": torch.tensor(5)}, tmp_path)


@pytest.mark.parametrize("name", sorted(EVERY_DTYPE))
def test_each_dtype_alone(name: str, tmp_path: Path) -> None:
    assert_as_library({name: EVERY_DTYPE[name], "z.bias": torch.zeros(2)}, tmp_path)


def test_every_dtype_together_orders_as_the_library(tmp_path: Path) -> None:
    assert_as_library(EVERY_DTYPE, tmp_path)
    reversed_names = {f"{chr(ord('z') - i)}": t for i, t in enumerate(EVERY_DTYPE.values())}
    assert_as_library(reversed_names, tmp_path)


def test_empty_scalar_and_many_dimensional_tensors(tmp_path: Path) -> None:
    tensors = {
        "empty": torch.zeros(0),
        "empty2": torch.zeros(3, 0, dtype=torch.int64),
        "scalar": torch.tensor(1.5),
        "cube": torch.randn(2, 3, 4, 1),
    }
    assert_as_library(tensors, tmp_path)
    assert encode_state({}) == save({})


def test_names_json_must_escape(tmp_path: Path) -> None:
    odd = ['a"b', "back\\slash", "new\nline", "tab\tctl\x01", "é ü 字", "layers.10.weight"]
    assert_as_library({name: torch.full((2,), float(i)) for i, name in enumerate(odd)}, tmp_path)


def test_views_of_one_storage_are_written_as_their_own_bytes(tmp_path: Path) -> None:
    """How a sweep group hands over its rows: views of one CPU copy of the stack."""
    host = torch.randn(3, 10)
    state = {"w": host[1, 0:6].view(3, 2), "b": host[1, 6:10]}
    copies = {k: v.clone() for k, v in state.items()}
    assert encode_state(state) == save(copies)
    assert_as_library(copies, tmp_path)


def test_tensors_requiring_grad_are_written(tmp_path: Path) -> None:
    weights = {k: v.detach().clone().requires_grad_() for k, v in snapshot_state(mlp()).items()}
    assert encode_state(weights) == save(weights)


def test_what_it_does_not_encode_goes_to_the_library() -> None:
    complex_state = {"c": torch.randn(2, dtype=torch.complex64), "f": torch.ones(1)}
    assert encode_state(complex_state) == save(complex_state)
    with pytest.raises(ValueError, match="non contiguous"):  # refused as the library does
        encode_state({"t": torch.randn(3, 4).t()})


def test_write_state_writes_the_encoded_bytes_atomically(tmp_path: Path) -> None:
    state = snapshot_state(mlp())
    path = tmp_path / "runs" / "3" / "epoch-0001.safetensors"
    assert write_state(state, path) == path.stat().st_size
    assert path.read_bytes() == save(state)
    assert os.listdir(path.parent) == [path.name]
    with pytest.raises(FileNotFoundError):  # mkdir=False: the caller knows the folder exists
        write_state(state, tmp_path / "gone" / "epoch-0001.safetensors", mkdir=False)


def test_the_writer_makes_a_removed_run_folder_again(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path)
    state = snapshot_state(mlp())
    try:
        writer.submit(4, 0, state)
        assert [s.epoch for s in writer.finish(4)] == [0]
        folder = snapshot_path(tmp_path, 4, 0).parent
        for f in folder.iterdir():
            f.unlink()
        folder.rmdir()  # the run was deleted meanwhile
        writer.submit(4, 1, state)
        writer.submit(4, 2, state)
        assert [s.epoch for s in writer.finish(4)] == [1, 2]
    finally:
        writer.close()
    assert sorted(f.name for f in folder.iterdir()) == [
        "epoch-0001.safetensors",
        "epoch-0002.safetensors",
    ]
    assert snapshot_path(tmp_path, 4, 2).read_bytes() == save(state)
