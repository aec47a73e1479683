import { describe, expect, it } from "vitest";
import type { Trial } from "../api/types";
import { makeSweep, makeTrial } from "../test/sweepFactories";
import {
  bestTrialIds,
  blockedSummary,
  clampK,
  keepSelectable,
  memberLabeler,
  rankedCount,
  selectableIds,
  selectionProblem,
  whyNotSelectable,
} from "./sweepEnsemble";

const acc = (run_id: number, index: number, v: number | null, over: Partial<Trial> = {}) =>
  makeTrial({
    run_id,
    index,
    final: { val_accuracy: v, val_loss: v === null ? null : 1 - v },
    ...over,
  });

// Trial order 0..5; by val accuracy the order is 13, 11 = 14 (tie: the earlier), 10.
const trials = [
  acc(10, 0, 0.6),
  acc(11, 1, 0.8),
  acc(12, 2, 0.95, { status: "failed", error: "boom" }),
  acc(13, 3, 0.9),
  acc(14, 4, 0.8),
  acc(15, 5, null, { status: "running" }),
];
const sweep = makeSweep({ trials, metric: "val_accuracy" });

describe("whyNotSelectable", () => {
  it("lets only succeeded trials join, and says why the others cannot", () => {
    expect(whyNotSelectable({ status: "succeeded" })).toBeNull();
    expect(whyNotSelectable({ status: "running" })).toBe("still training");
    expect(whyNotSelectable({ status: "queued" })).toBe("not trained yet");
    expect(whyNotSelectable({ status: "failed" })).toMatch(/no trained model/);
    expect(whyNotSelectable({ status: "diverged" })).toMatch(/not finite/);
    expect(whyNotSelectable({ status: "cancelled" })).toMatch(/before it finished/);
  });
  it("lists the selectable run ids in trial order and drops the rest from a pick", () => {
    expect(selectableIds(sweep)).toEqual([10, 11, 13, 14]);
    expect(keepSelectable([15, 13, 12, 10, 99], sweep)).toEqual([13, 10]);
  });
});

describe("bestTrialIds", () => {
  it("takes the best k succeeded trials by the sweep's metric, ties to the earlier trial", () => {
    expect(bestTrialIds(sweep, 3)).toEqual([13, 11, 14]);
    expect(bestTrialIds(sweep, 10)).toEqual([13, 11, 14, 10]); // never the failed 0.95
    expect(rankedCount(sweep)).toBe(4);
  });
  it("ranks a loss metric lowest first", () => {
    expect(bestTrialIds({ ...sweep, metric: "val_loss" }, 2)).toEqual([13, 11]);
  });
  it("skips succeeded trials without a final value", () => {
    const s = makeSweep({ trials: [acc(1, 0, null), acc(2, 1, 0.5)], metric: "val_accuracy" });
    expect(bestTrialIds(s, 5)).toEqual([2]);
  });
});

describe("clampK", () => {
  it("keeps k between two and the ranked trials", () => {
    expect(clampK(5, 4)).toBe(4);
    expect(clampK(1, 4)).toBe(2);
    expect(clampK(3.7, 8)).toBe(3);
    expect(clampK(Number.NaN, 8)).toBe(5);
  });
});

describe("selectionProblem", () => {
  it("needs two trials", () => {
    expect(selectionProblem([13], sweep)).toMatch(/at least two/);
    expect(selectionProblem([13, 11], sweep)).toBeNull();
  });
  it("refuses trials that a swept data field sets apart", () => {
    const s = makeSweep({
      params: ["data.n_samples"],
      trials: [
        acc(1, 0, 0.7, { params: { "data.n_samples": 200 } }),
        acc(2, 1, 0.8, { params: { "data.n_samples": 400 } }),
        acc(3, 2, 0.9, { params: { "data.n_samples": 400 } }),
      ],
    });
    expect(selectionProblem([1, 2], s)).toMatch(/different data \(data\.n_samples differs\)/);
    expect(selectionProblem([2, 3], s)).toBeNull();
  });
});

describe("blockedSummary", () => {
  it("counts the trials that cannot join, with the reason", () => {
    expect(blockedSummary(sweep)).toBe(
      "Only succeeded trials can join: 1 failed, so it has no trained model; 1 still training.",
    );
    expect(blockedSummary(makeSweep({ trials: [acc(1, 0, 0.5)] }))).toBeNull();
  });
});

describe("memberLabeler", () => {
  it("names a member by its trial and what it tried", () => {
    const label = memberLabeler(sweep);
    expect(label(13)).toBe("Trial 3 · lr 0.03 · seed 0");
    expect(label(99)).toBe("Run 99");
  });
});
