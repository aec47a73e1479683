"""Model weights per recorded epoch as safetensors files (never pickle).

This module is the one place that names snapshot files, <root>/runs/<run id>/epoch-NNNN,
from integers only, so nothing a user typed ever reaches a path.

A snapshot holds the model's whole state_dict: parameters and persistent buffers
(BatchNorm running statistics and its int64 batch counter, learned position tables).
Non-persistent buffers (causal masks, sinusoid tables) are rebuilt by the builder.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save
from torch import Tensor, nn

from playground.ml.builder import build_model
from playground.ml.datasets import DataContext, describe
from playground.ml.spec import RunSpec

SUFFIX = ".safetensors"
SNAPSHOTS = 20  # target number of snapshots per run (at boundary epochs for 2-D sets)


class SnapshotError(ValueError):
    """A snapshot file that cannot be read, or that does not fit the spec's model."""


def snapshot_name(epoch: int) -> str:
    """The file name of epoch `epoch`'s snapshot inside a run's folder: epoch-0007.safetensors."""
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch}")
    return f"epoch-{epoch:04d}{SUFFIX}"


def run_dir(root: Path, run_id: int) -> Path:
    """The folder that holds one run's snapshots."""
    return root / "runs" / str(int(run_id))


def snapshot_path(root: Path, run_id: int, epoch: int) -> Path:
    return run_dir(root, run_id) / snapshot_name(epoch)


def snapshot_every(epochs: int, grid_every: int) -> int:
    """Epochs between snapshots: about SNAPSHOTS per run, on epochs that have a boundary
    grid (grid_every; 1 without grids) so the two can be shown together; epoch 0 is one."""
    grids = epochs // grid_every + 1
    return grid_every * max(1, math.ceil(grids / SNAPSHOTS))


def save_snapshot(model: nn.Module, path: Path) -> int:
    """Write the model's state_dict to `path` atomically; returns the bytes written."""
    return write_state(snapshot_state(model), path)


def snapshot_state(model: nn.Module) -> dict[str, Tensor]:
    """The model's state_dict as CPU copies: safe to write later, on another thread, while
    training goes on (and safetensors needs contiguous tensors that share no storage)."""
    return {k: _cpu_copy(t) for k, t in model.state_dict().items()}


def write_state(tensors: dict[str, Tensor], path: Path, *, mkdir: bool = True) -> int:
    """Write tensors to `path`; returns the bytes written. `mkdir=False`: the caller knows
    the folder exists (a missing one then raises FileNotFoundError).

    Readers never see a part of a file. A new file is written in place: nobody reads a
    snapshot before it is announced (SnapshotWriter reports it once written; the API lists
    it from then on), and a write that fails removes it. An existing file is replaced
    through a temporary one and a rename, which readers see whole or not at all. The rename
    is what a new file saves: a sweep group writes ~20 files a trial, 1,152 for 64 trials,
    and creating a temporary and renaming it cost ~1.3-4x the kernel time of creating the
    file alone (0.19 vs 0.05 s, 0.99 vs 0.89 s when the page cache grows, on this VM).
    One run's files are written by one process, so a temporary named after the file and
    the pid cannot clash (`tempfile.mkstemp` plus `save_file` cost three times as much).
    """
    if mkdir:
        path.parent.mkdir(parents=True, exist_ok=True)
    data = encode_state(tensors)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        _replace(path, data)
        return len(data)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return len(data)


def _replace(path: Path, data: bytes) -> None:
    """Replace a file atomically: readers see the old one or the whole new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# safetensors' dtype names, and the rank by which it lays tensors out: widest dtype first
# (its Rust `Dtype` enum order, descending), then by name. float8 and complex dtypes are
# left to the library (no model state here holds them; numpy has no float8).
_DTYPES: dict[torch.dtype, tuple[str, int]] = {
    torch.uint64: ("U64", 0),
    torch.int64: ("I64", 1),
    torch.float64: ("F64", 2),
    torch.float32: ("F32", 3),
    torch.uint32: ("U32", 4),
    torch.int32: ("I32", 5),
    torch.bfloat16: ("BF16", 6),
    torch.float16: ("F16", 7),
    torch.uint16: ("U16", 8),
    torch.int16: ("I16", 9),
    torch.int8: ("I8", 10),
    torch.uint8: ("U8", 11),
    torch.bool: ("BOOL", 12),
}
_LITTLE_ENDIAN = sys.byteorder == "little"  # the format's byte order is the host's here


def encode_state(tensors: dict[str, Tensor]) -> bytes:
    """The bytes `safetensors.torch.save(tensors)` returns (no metadata), byte for byte,
    for contiguous CPU tensors of the dtypes in _DTYPES; anything else goes to the library.

    Why not the library: its Python side (_flatten, _find_shared_tensors, _to_ndarray)
    runs on the writer thread holding the GIL against training: ~90 us for a 2-8-8-2 MLP's
    6 tensors on a calm core where this takes ~15 us; in a 64-trial spiral group's 1,152
    files, 0.19-0.27 s of writer CPU against ~0.07 s. The two are checked byte for byte in
    tests/unit/test_snapshot_encoding.py (safetensors 0.8); a file of either reads the same.

    Unlike the library it does not look for tensors that share memory: each tensor's own
    bytes are written (our callers pass copies, or disjoint views of one copy). We only
    write with this; snapshots are read with safetensors.torch.load_file.

    Layout: an 8-byte little-endian header length N; N bytes of JSON, {name: {"dtype",
    "shape", "data_offsets": [begin, end]}} with no spaces, in the data's order, padded
    with spaces to a multiple of 8; then each tensor's raw little-endian bytes.
    """
    entries = []
    for name, t in tensors.items():
        kind = _DTYPES.get(t.dtype)
        if kind is None or not _plain(t):
            return save(tensors)
        entries.append((kind[1], name, kind[0], t))
    entries.sort(key=lambda e: (e[0], e[1]))  # names are unique: tensors never compared
    fields, chunks, offset = [], [], 0
    for _, name, dtype, t in entries:
        raw = _raw_bytes(t)
        end = offset + len(raw)
        shape, place = ",".join(map(str, t.shape)), f"[{offset},{end}]"
        fields.append(
            f'{_json_name(name)}:{{"dtype":"{dtype}","shape":[{shape}],"data_offsets":{place}}}'
        )
        chunks.append(raw)
        offset = end
    header = ("{" + ",".join(fields) + "}").encode()
    header += b" " * (-len(header) % 8)
    return b"".join([len(header).to_bytes(8, "little"), header, *chunks])


@functools.lru_cache(maxsize=4096)  # a group's trials repeat the same few names
def _json_name(name: str) -> str:
    """A name as a JSON string, escaped as serde_json escapes it (" \\ and control
    characters; other characters stay UTF-8)."""
    return json.dumps(name, ensure_ascii=False)


def _plain(t: Tensor) -> bool:
    """A dense, contiguous CPU tensor on a little-endian host: its memory is the format's."""
    return _LITTLE_ENDIAN and t.is_cpu and t.layout == torch.strided and t.is_contiguous()


def _raw_bytes(t: Tensor) -> bytes:
    """A contiguous CPU tensor's memory (numpy has no bfloat16: its bits go as int16)."""
    if t.requires_grad:
        t = t.detach()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def _cpu_copy(t: Tensor) -> Tensor:
    return t.detach().to("cpu", copy=True).contiguous()


def load_snapshot(spec: RunSpec, path: Path, ctx: DataContext | None = None) -> nn.Module:
    """The spec's model on the CPU with the snapshot's weights, in eval mode.

    Raises SnapshotError naming the first key whose presence, shape or dtype differs.
    """
    info = describe(spec.data, ctx or DataContext())
    with torch.random.fork_rng(devices=[]):  # building initialises weights: keep the seed
        model = build_model(spec.model.layers, info.input, spec.training.init)
    try:
        tensors = load_file(path, device="cpu")
    except (SafetensorError, OSError) as e:
        raise SnapshotError(f"{path.name} is not a readable safetensors file ({e})") from e
    check_state(model.state_dict(), tensors, path.name)
    model.load_state_dict(tensors, strict=True)
    return model.eval()


def check_state(want: dict[str, Tensor], got: dict[str, Tensor], name: str) -> None:
    """Raise SnapshotError unless `got` has exactly `want`'s keys, shapes and dtypes."""
    for key, t in want.items():
        if key not in got:
            raise SnapshotError(f"{name} lacks {key} {_show(t)} that the model needs")
        if got[key].shape != t.shape or got[key].dtype != t.dtype:
            raise SnapshotError(f"{name}: {key} is {_show(got[key])}; the model needs {_show(t)}")
    extra = sorted(set(got) - set(want))
    if extra:
        raise SnapshotError(
            f"{name} holds {extra[0]} {_show(got[extra[0]])}, which the model lacks"
        )


def _show(t: Tensor) -> str:
    return f"{'x'.join(map(str, t.shape)) or 'scalar'} {str(t.dtype).removeprefix('torch.')}"
