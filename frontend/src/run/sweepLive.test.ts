import { describe, expect, it } from "vitest";
import type { StreamMessage, Trial } from "../api/types";
import { makeSweep, makeTrial } from "../test/sweepFactories";
import { SweepLive, sweepStatus } from "./sweepLive";
import { parseSweepFrame } from "./sweepStream";

const sweep = makeSweep({
  status: "running",
  counts: { queued: 2 },
  trials: [
    makeTrial({ run_id: 7, index: 0, status: "queued", epoch: 0, final: {} }),
    makeTrial({ run_id: 8, index: 1, status: "queued", epoch: 0, final: {} }),
  ],
});

const status = (run_id: number, s: "running" | "succeeded", seq: number): StreamMessage =>
  ({ type: "status", run_id, seq, status: s, error: null }) as StreamMessage;
const epoch = (run_id: number, e: number, seq: number, loss: number): StreamMessage =>
  ({
    type: "epoch",
    run_id,
    seq,
    epoch: e,
    step: e * 10,
    seconds: e,
    layers: [],
    metrics: { train_loss: loss, val_loss: loss + 0.1, val_accuracy: 1 - loss, lr: 0.1 },
  }) as StreamMessage;
const result = (run_id: number, seq: number): StreamMessage =>
  ({
    type: "result",
    run_id,
    seq,
    status: "succeeded",
    error: null,
    epochs: 2,
    steps: 20,
    seconds: 2,
    best_epoch: 2,
    stopped_early: false,
    test: { accuracy: 0.75, loss: 0.5 },
  }) as StreamMessage;

describe("SweepLive", () => {
  it("keeps the trial rows current from their runs' messages", () => {
    const live = new SweepLive();
    expect(live.apply({ type: "sweep", sweep })).toBe(true);
    live.apply({ type: "trial", run_id: 7, message: status(7, "running", 1) });
    live.apply({ type: "trial", run_id: 7, message: epoch(7, 1, 2, 0.4) });
    const t = live.sweep?.trials[0];
    expect(t?.status).toBe("running");
    expect(t?.epoch).toBe(1);
    expect(t?.final).toEqual({ train_loss: 0.4, val_loss: 0.5, val_accuracy: 0.6 });
    expect(live.sweep?.counts).toEqual({ running: 1, queued: 1 });
    expect(live.sweep?.status).toBe("running");
    expect(live.history(7).epochs.metrics.train_loss).toEqual([0.4]);
    expect(live.terminal).toBe(false);
  });

  it("drops a message it has seen (a reconnect replays them)", () => {
    const live = new SweepLive();
    live.apply({ type: "sweep", sweep });
    const m = { type: "trial", run_id: 8, message: epoch(8, 1, 2, 0.3) } as const;
    expect(live.apply(m)).toBe(true);
    const v = live.version;
    expect(live.apply(m)).toBe(false);
    expect(live.version).toBe(v);
    expect(live.history(8).epochs.epoch).toEqual([1]);
  });

  it("ends when every trial has its result", () => {
    const live = new SweepLive();
    live.apply({ type: "sweep", sweep });
    for (const id of [7, 8]) {
      live.apply({ type: "trial", run_id: id, message: status(id, "running", 1) });
      live.apply({ type: "trial", run_id: id, message: result(id, 3) });
    }
    expect(live.sweep?.trials[1].final).toMatchObject({ test_accuracy: 0.75, test_loss: 0.5 });
    expect(live.sweep?.status).toBe("succeeded");
    expect(live.sweep?.counts).toEqual({ succeeded: 2 });
    expect(live.terminal).toBe(true);
  });

  it("takes a later sweep message whole and keeps the histories", () => {
    const live = new SweepLive();
    live.apply({ type: "sweep", sweep });
    live.apply({ type: "trial", run_id: 7, message: epoch(7, 1, 2, 0.4) });
    live.apply({ type: "sweep", sweep: { ...sweep, status: "cancelled" } });
    expect(live.sweep?.status).toBe("cancelled");
    expect(live.history(7).epochs.epoch).toEqual([1]);
  });
});

describe("a replayed trial", () => {
  it("takes its newest grid even when it comes after later epochs", () => {
    const live = new SweepLive();
    live.apply({ type: "sweep", sweep });
    live.apply({ type: "trial", run_id: 7, message: epoch(7, 1, 2, 0.4) });
    live.apply({ type: "trial", run_id: 7, message: epoch(7, 2, 5, 0.3) });
    const grid = {
      type: "boundary",
      run_id: 7,
      seq: 3,
      epoch: 1,
      resolution: 1,
      channels: 2,
      data: "AP8=",
      lo: 0,
      hi: 1,
      x_range: [-1, 1],
      y_range: [-1, 1],
    } as StreamMessage;
    expect(live.apply({ type: "trial", run_id: 7, message: grid })).toBe(true);
    expect(live.history(7).boundary?.epoch).toBe(1);
    // The same grid again, or an older one, changes nothing.
    expect(live.apply({ type: "trial", run_id: 7, message: grid })).toBe(false);
  });
});

describe("parseSweepFrame", () => {
  it("reads one message or an array", () => {
    expect(parseSweepFrame('{"type":"sweep","sweep":{}}')).toHaveLength(1);
    expect(parseSweepFrame("[1, 2]")).toHaveLength(2);
    expect(parseSweepFrame("3")).toEqual([]);
  });
});

describe("sweepStatus", () => {
  const t = (status: Trial["status"]) => makeTrial({ status });
  it("derives the sweep's status from its trials as the server does", () => {
    expect(sweepStatus([t("queued"), t("queued")])).toBe("queued");
    expect(sweepStatus([t("queued"), t("succeeded")])).toBe("running");
    expect(sweepStatus([t("diverged"), t("succeeded")])).toBe("succeeded");
    expect(sweepStatus([t("cancelled"), t("succeeded")])).toBe("cancelled");
    expect(sweepStatus([t("cancelled"), t("failed")])).toBe("failed");
  });
});
