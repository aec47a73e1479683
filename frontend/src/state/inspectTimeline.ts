// What the epoch slider needs of a run's stream: every decision-boundary grid by epoch and
// the epochs that have a snapshot of the weights. Pure; hooks/useInspectTimeline feeds it.
import type { BoundaryMessage, StreamMessage } from "../api/types";

export class InsideTimeline {
  readonly boundaries = new Map<number, BoundaryMessage>();
  /** Epochs with a weights snapshot, ascending. */
  snapshots: number[] = [];
  /** Bumped on every change. */
  version = 0;

  /** Take one stream message (others are ignored); true when it added something. */
  take(msg: StreamMessage | { type: string; epoch?: number }): boolean {
    if (msg.type === "boundary") {
      const b = msg as BoundaryMessage;
      if (this.boundaries.has(b.epoch)) return false;
      this.boundaries.set(b.epoch, b);
    } else if (msg.type === "snapshot" && typeof msg.epoch === "number") {
      this.addSnapshots([msg.epoch]);
      return true;
    } else {
      return false;
    }
    this.version++;
    return true;
  }

  /** Add snapshot epochs (from GET /snapshots or the stream). */
  addSnapshots(epochs: number[]): void {
    const set = new Set(this.snapshots);
    const before = set.size;
    for (const e of epochs) set.add(e);
    if (set.size === before) return;
    this.snapshots = [...set].sort((a, b) => a - b);
    this.version++;
  }

  /** The boundary grid at `epoch` or the latest before it. */
  boundaryAt(epoch: number | null): BoundaryMessage | null {
    const e = atOrBefore(
      [...this.boundaries.keys()].sort((a, b) => a - b),
      epoch,
    );
    return e === null ? null : (this.boundaries.get(e) ?? null);
  }

  /** The snapshot epoch to inspect for `epoch` (null: the newest). */
  snapshotAt(epoch: number | null): number | null {
    return atOrBefore(this.snapshots, epoch);
  }
}

/** The largest of the ascending `epochs` that is <= epoch (epoch null: the largest). */
export function atOrBefore(epochs: number[], epoch: number | null): number | null {
  if (!epochs.length) return null;
  if (epoch === null) return epochs[epochs.length - 1];
  let found: number | null = null;
  for (const e of epochs) {
    if (e > epoch) break;
    found = e;
  }
  return found ?? epochs[0];
}

/** Milliseconds to wait before the next fetch so fetches are at least `gap` ms apart. */
export function throttleWait(lastAt: number | null, now: number, gap: number): number {
  if (lastAt === null) return 0;
  return Math.max(0, lastAt + gap - now);
}

/** The slider's last epoch: the furthest of the epochs reported, saved and drawn. */
export function timelineEnd(
  reported: number,
  snapshots: number[],
  boundary: number | null,
): number {
  return Math.max(0, reported, snapshots[snapshots.length - 1] ?? 0, boundary ?? 0);
}

/** Every epoch 0..last: the slider stops at each (views show the snapshot at or before). */
export function epochRange(last: number): number[] {
  return Array.from({ length: Math.max(0, Math.floor(last)) + 1 }, (_, i) => i);
}
