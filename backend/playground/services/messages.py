"""Executor events <-> stored rows <-> stream messages.

Live messages are rendered from the very rows just stored, with the same function that
renders a replay from the store, so a viewer that connects late or reconnects sees exactly
what a viewer that was there all along saw.

Message types (each with `type`, `run_id`, `seq`): "status" {status, error}, "start"
{summary, seed, device, versions, plane, ...}, "step" {step, epoch, loss}, "epoch" {epoch,
step, seconds, metrics: {train_loss, val_loss, ..., lr}, layers: [{index, grad_norm,
weight_norm, update_ratio}]}, "boundary" {epoch, x_range, y_range, resolution, channels,
values}, "result" {status, epochs, test, confusion, ...}.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import orjson

from playground.ml.hooks import EpochReport, StepReport
from playground.store.records import EventRecord, MetricRecord, MetricRow
from playground.store.states import TERMINAL

# One message of a run's stream, as a JSON object; its types are declared in
# services/wire.py (for the OpenAPI document and the frontend's generated types).
StreamMessage = dict[str, Any]
LAYER_STATS = ("grad_norm", "weight_norm", "update_ratio")
# Long-form splits: a step's loss, an epoch's train/val metrics, the optimizer's lr,
# per-layer statistics and the epoch's wall time.
STEP, OPT, LAYER, TIME = "step", "opt", "layer", "time"


def step_rows(report: StepReport) -> list[MetricRow]:
    return [MetricRow(report.step, report.epoch, STEP, "loss", report.loss)]


def epoch_rows(report: EpochReport) -> list[MetricRow]:
    """train_loss -> (train, loss); lr -> (opt, lr); layer stats -> (layer, '3.grad_norm')."""
    e, s = report.epoch, report.step
    rows = []
    for key, value in report.metrics.items():
        split, _, name = key.partition("_")
        rows.append(
            MetricRow(s, e, split, name, value) if name else MetricRow(s, e, OPT, key, value)
        )
    for layer in report.layers:
        for stat in LAYER_STATS:
            value = getattr(layer, stat)
            if value is not None:
                rows.append(MetricRow(s, e, LAYER, f"{layer.index}.{stat}", value))
    rows.append(MetricRow(s, e, TIME, "seconds", report.seconds))
    return rows


def render(
    run_id: int, metrics: Iterable[MetricRecord], events: Iterable[EventRecord]
) -> list[StreamMessage]:
    """Stream messages for stored rows, ordered by seq (events of a batch first)."""
    by_seq: dict[int, list[StreamMessage]] = defaultdict(list)
    for ev in events:
        by_seq[ev.seq].append({"type": ev.type, "run_id": run_id, "seq": ev.seq, **ev.payload})
    epochs: dict[tuple[int, int], StreamMessage] = {}
    for m in metrics:
        if m.split == STEP:
            msg = {
                "type": "step",
                "run_id": run_id,
                "seq": m.seq,
                "step": m.step,
                "epoch": m.epoch,
                "loss": m.value,
            }
            by_seq[m.seq].append(msg)
            continue
        key = (m.seq, m.epoch)
        if key not in epochs:
            new: StreamMessage = {
                "type": "epoch", "run_id": run_id, "seq": m.seq, "epoch": m.epoch, "step": m.step,
                "seconds": None, "metrics": {}, "layers": {},
            }  # fmt: skip
            epochs[key] = new
            by_seq[m.seq].append(new)
        _add_epoch_value(epochs[key], m)
    for epoch_msg in epochs.values():
        stats: dict[int, dict[str, float | None]] = epoch_msg["layers"]
        epoch_msg["layers"] = [{"index": i, **values} for i, values in sorted(stats.items())]
    return [msg for seq in sorted(by_seq) for msg in _ordered(by_seq[seq])]


def _add_epoch_value(msg: StreamMessage, m: MetricRecord) -> None:
    if m.split == TIME:
        msg["seconds"] = m.value
    elif m.split == OPT:
        msg["metrics"][m.name] = m.value
    elif m.split == LAYER:
        index, _, stat = m.name.partition(".")
        msg["layers"].setdefault(int(index), dict.fromkeys(LAYER_STATS))[stat] = m.value
    else:
        msg["metrics"][f"{m.split}_{m.name}"] = m.value


_ORDER = {
    "status": 0, "start": 1, "step": 2, "epoch": 3, "boundary": 4, "snapshot": 5,
    "paused": 6, "result": 7,
}  # fmt: skip


def _ordered(messages: list[StreamMessage]) -> list[StreamMessage]:
    """Within one batch: status, start, steps, epochs, grids, snapshots, result (stable)."""
    return sorted(messages, key=lambda msg: _ORDER.get(msg["type"], 9))


def encode(messages: list[StreamMessage] | StreamMessage) -> str:
    """Messages (or one) as JSON text; NaN and infinities become null, as in REST responses.

    orjson writes non-finite floats as null (json.dumps would write bare NaN, which is not
    JSON) and is several times faster, which matters: every frame is encoded here.
    """
    return orjson.dumps(messages).decode()


def frames(
    messages: list[StreamMessage], after: int, max_bytes: int
) -> tuple[list[str], int, bool]:
    """The messages newer than seq `after` as JSON frames of about max_bytes at most;
    (frames, newest seq sent, whether the run's final status is among them).

    A replay can hold hundreds of boundary grids, and clients often cap frames at 1 MiB.
    Frames are cut only between seqs, so a viewer that drops mid-replay and resumes from
    the last seq it saw has every message of that seq already. Pure CPU work on many
    messages: callers in the event loop run it in a thread.
    """
    out: list[str] = []
    chunk: list[str] = []
    size, last, final, prev = 0, after, False, None
    for m in messages:
        seq = m["seq"]
        if seq <= after:
            continue
        text = encode(m)
        if chunk and seq != prev and size + len(text) > max_bytes:
            out.append("[" + ",".join(chunk) + "]")
            chunk, size = [], 0
        chunk.append(text)
        size += len(text) + 1
        prev, last, final = seq, max(last, seq), final or is_final(m)
    if chunk:
        out.append("[" + ",".join(chunk) + "]")
    return out, last, final


def is_final(message: StreamMessage) -> bool:
    """Whether the message announces the run's final status."""
    return message.get("type") == "status" and message.get("status") in TERMINAL


def payload(obj: Any, skip: str = "") -> dict[str, Any]:
    """A report dataclass as a JSON-ready dict (without the field named `skip`); NaN and
    infinities become None, as they would in the stored JSON and in every frame.

    orjson walks dataclasses in C: asdict's deep copy of a run's start and result (layer
    table, test metrics, confusion matrix) cost ~5 ms a run, paid by the API's one writer
    thread 64 times for a sweep.
    """
    try:
        body: dict[str, Any] = orjson.loads(orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS))
    except TypeError:  # what orjson refuses (an int past 64 bits): the slow, exact path
        body = asdict(obj)
    body.pop(skip, None)
    return body


def flat_payload(obj: Any) -> dict[str, Any]:
    """`payload` of a dataclass whose fields are plain values (a boundary grid, a snapshot
    file): a shallow copy. asdict copies deeply, which for the thousands of grids a sweep
    stores was most of their cost to the API's writer."""
    return dict(vars(obj))
