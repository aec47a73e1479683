"""What a viewer that connects late gets first: the stored rows of a run's stream.

A short history comes whole. A long one (more than TAIL_ROWS metric rows after the
viewer's seq) comes as a downsampled history, then the newest batches whole (the tail):

- each per-step series (split "step": the train loss every log_every steps) keeps the
  steps of its 1,000-point downsampled curve (first, last, and each bucket's lowest,
  highest and last point: store/downsample.py, read from the summary blocks);
- the per-epoch series share one set of epochs, since one "epoch" message carries them
  all: the union of each one's downsampled curve, each given an equal share of
  HISTORY_POINTS, so that every curve keeps its own extremes and has <= ~1,000 points;
- events (status, start, boundary grids, snapshots, ...) all come: the epoch slider
  scrubs through every grid.

Every row keeps its own seq, so messages still come in seq order (with gaps), and a viewer
that reconnects from a seq gets what follows it as before.
"""

from __future__ import annotations

from playground.services.messages import STEP
from playground.store.records import EventRecord, MetricRecord
from playground.store.repo import RunStore

HISTORY_POINTS = 1_000  # the most points of one curve in a downsampled history
# Metric rows sent whole at the end: about 130 epochs of a small MLP (15 rows an epoch),
# and what a full replay of a short run holds at most.
TAIL_ROWS = 2_000


def stored_rows(
    store: RunStore, run_id: int, *, after: int
) -> tuple[list[MetricRecord], list[EventRecord]]:
    """The metrics and events of the batches after `after`, the metrics downsampled up to
    the tail when there are more than TAIL_ROWS of them (see the module docstring)."""
    events = store.events_after(run_id, after)
    cut = store.replay_cut(run_id, after=after, tail_rows=TAIL_ROWS)
    if cut is None:
        return store.metrics_after(run_id, after), events
    return history(store, run_id, after=after, upto=cut) + store.metrics_after(run_id, cut), events


def history(store: RunStore, run_id: int, *, after: int, upto: int) -> list[MetricRecord]:
    """The downsampled rows of the batches with after < seq <= upto, in seq order.

    An epoch's rows are stored in one batch: the seqs of the kept epochs come from one
    series that has every epoch (the longest), then those batches are read whole by seq
    (two queries, not one per series), keeping their per-epoch rows at the kept epochs.
    """
    sizes: dict[tuple[str, str], int] = {}

    def limits(series: list[tuple[str, str, int]]) -> dict[tuple[str, str], int]:
        sizes.update(((s, n), size) for s, n, size in series)
        share = max(3, HISTORY_POINTS // max(1, sum(s != STEP for s, _, _ in series)))
        return {key: share if key[0] != STEP else HISTORY_POINTS for key in sizes}

    curves = store.downsampled(run_id, limits)
    kept = {key: {p[0] for p in points} for key, points in curves.items()}
    steps = {key: kept[key] for key in kept if key[0] == STEP}
    rows = store.metrics_at(run_id, steps, after=after, upto=upto) if steps else []
    per_epoch = [key for key in kept if key[0] != STEP]
    epochs = set().union(*(kept[key] for key in per_epoch))  # an epoch's rows share its step
    if epochs:
        anchor = max(per_epoch, key=lambda key: sizes[key])
        seqs = {r.seq for r in store.metrics_at(run_id, {anchor: epochs}, after=after, upto=upto)}
        rows += [
            r
            for r in store.metrics_of_batches(run_id, seqs)
            if r.split != STEP and r.step in epochs
        ]
    return sorted(rows, key=lambda r: r.seq)  # stable: each batch's rows keep their order
