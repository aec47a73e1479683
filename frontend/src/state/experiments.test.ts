import { describe, expect, it } from "vitest";
import type { LrFindOut, SpecJson } from "../api/types";
import {
  experimentKey,
  fmtLr,
  lrChartColumns,
  lrSummary,
  lrYRange,
  nearestIndex,
  roundLr,
  verdictBadge,
  withLr,
} from "./experiments";

const ramp = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));

function result(over: Partial<LrFindOut> = {}): LrFindOut {
  const lrs = ramp(5, 1e-4, 1);
  return {
    lrs,
    losses: [0.7, 0.69, 0.5, 0.3, 0.9],
    raw_losses: [0.7, 0.68, 0.45, 0.2, 5.0],
    suggested_lr: lrs[2],
    diverged_at: null,
    note: "Suggested lr 0.01: there the loss fell fastest.",
    seconds: 0.5,
    ...over,
  };
}

const spec: SpecJson = {
  data: { dataset: "spiral" },
  model: { layers: [] },
  training: { epochs: 5, optimizer: { type: "SGD", lr: 0.03, momentum: 0.9 } },
};

describe("learning-rate finder", () => {
  it("rounds rates to two significant digits", () => {
    expect(roundLr(0.0109663)).toBe(0.011);
    expect(roundLr(0.00723)).toBe(0.0072);
    expect(roundLr(2.4e-5)).toBe(2.4e-5);
    expect(fmtLr(0.0109663)).toBe("0.011");
    expect(fmtLr(2.449e-5)).toBe("2.4e-5");
  });

  it("sets training.optimizer.lr and keeps the rest of the spec", () => {
    const out = withLr(spec, 0.0123456);
    expect(out.training.optimizer).toEqual({ type: "SGD", lr: 0.012, momentum: 0.9 });
    expect(out.training.epochs).toBe(5);
    expect(spec.training.optimizer).toEqual({ type: "SGD", lr: 0.03, momentum: 0.9 });
    const bare = withLr({ ...spec, training: {} }, 0.1);
    expect(bare.training.optimizer).toEqual({ type: "Adam", lr: 0.1 });
  });

  it("finds the ramp point nearest a rate on a log scale", () => {
    const lrs = ramp(5, 1e-4, 1); // 1e-4, 1e-3, 1e-2, 1e-1, 1
    expect(nearestIndex(lrs, 0.009)).toBe(2);
    expect(nearestIndex(lrs, 0.0004)).toBe(1); // nearer 1e-3 than 1e-4 in log terms
    expect(nearestIndex(lrs, null)).toBe(-1);
    expect(nearestIndex([], 0.1)).toBe(-1);
  });

  it("marks the suggestion as the only point of its series", () => {
    const [x, smooth, raw, mark] = lrChartColumns(result());
    expect(x).toHaveLength(5);
    expect(smooth).toEqual([0.7, 0.69, 0.5, 0.3, 0.9]);
    expect(raw[4]).toBe(5.0);
    expect(mark).toEqual([null, null, 0.5, null, null]);
    expect(lrChartColumns(result({ suggested_lr: null }))[3].every((v) => v === null)).toBe(true);
  });

  it("keeps raw spikes from flattening the y axis", () => {
    const [lo, hi] = lrYRange(result());
    expect(lo).toBeLessThan(0.3);
    expect(hi).toBeGreaterThan(0.9);
    expect(hi).toBeLessThan(1.5); // the raw 5.0 is off the chart
    expect(lrYRange(result({ losses: [] }))).toEqual([0, 1]);
  });

  it("says where the loss blew up", () => {
    expect(lrSummary(result())).toBe("Suggested lr 0.01: there the loss fell fastest.");
    expect(lrSummary(result({ diverged_at: 0.5 }))).toContain("blew up at lr 0.5");
  });
});

describe("stale answers", () => {
  it("the finder's answer survives a new lr, not a new model", () => {
    const key = experimentKey(spec, "lr");
    expect(experimentKey(withLr(spec, 0.5), "lr")).toBe(key);
    expect(experimentKey({ ...spec, name: "renamed" }, "lr")).toBe(key);
    const wider = { ...spec, model: { layers: [{ type: "Linear", out_features: 9 }] } };
    expect(experimentKey(wider, "lr")).not.toBe(key);
  });

  it("the sanity checks depend on the lr too", () => {
    expect(experimentKey(withLr(spec, 0.5), "sanity")).not.toBe(experimentKey(spec, "sanity"));
  });
});

describe("sanity verdicts", () => {
  it("give each verdict its own badge", () => {
    expect(verdictBadge("ok")).toEqual({ text: "✓ ok", tone: "good" });
    expect(verdictBadge("failed").tone).toBe("bad");
    expect(verdictBadge("suspicious").tone).toBe("warn");
    expect(verdictBadge("skipped").tone).toBe("muted");
  });
});
