import { describe, expect, it } from "vitest";
import type { BoundaryMessage } from "../api/types";
import {
  atOrBefore,
  epochRange,
  InsideTimeline,
  throttleWait,
  timelineEnd,
} from "./inspectTimeline";

function boundary(epoch: number): BoundaryMessage {
  return {
    type: "boundary",
    run_id: 1,
    seq: epoch + 1,
    epoch,
    x_range: [0, 1],
    y_range: [0, 1],
    resolution: 1,
    channels: 1,
    lo: 0,
    hi: 1,
    data: "AA==",
  };
}

describe("timeline", () => {
  it("keeps every boundary and snapshot epoch, once", () => {
    const t = new InsideTimeline();
    expect(t.take(boundary(0))).toBe(true);
    expect(t.take(boundary(0))).toBe(false);
    t.take(boundary(5));
    t.take({ type: "snapshot", epoch: 5 });
    t.addSnapshots([0, 3]);
    expect(t.take({ type: "epoch", epoch: 1 })).toBe(false);
    expect(t.snapshots).toEqual([0, 3, 5]);
    expect(t.boundaryAt(4)?.epoch).toBe(0);
    expect(t.boundaryAt(null)?.epoch).toBe(5);
    expect(t.snapshotAt(4)).toBe(3);
    expect(t.snapshotAt(null)).toBe(5);
  });

  it("at or before, and the first when nothing is before", () => {
    expect(atOrBefore([], 3)).toBeNull();
    expect(atOrBefore([2, 4], 1)).toBe(2);
    expect(atOrBefore([2, 4], 9)).toBe(4);
  });

  it("the slider runs from 0 to the furthest epoch known", () => {
    expect(timelineEnd(4, [0, 3], 4)).toBe(4);
    expect(timelineEnd(0, [0, 6], null)).toBe(6);
    expect(epochRange(3)).toEqual([0, 1, 2, 3]);
    expect(epochRange(0)).toEqual([0]);
  });

  it("throttles fetches to one per gap", () => {
    expect(throttleWait(null, 100, 500)).toBe(0);
    expect(throttleWait(100, 300, 500)).toBe(300);
    expect(throttleWait(100, 900, 500)).toBe(0);
  });
});
