import { describe, expect, it } from "vitest";
import { makeSweep, makeTrial } from "../test/sweepFactories";
import {
  bestRunId,
  countsText,
  defaultSort,
  metricColumns,
  nextSort,
  sortTrials,
  trialLabel,
} from "./sweepView";

const trials = [
  makeTrial({
    run_id: 1,
    index: 0,
    params: { "training.optimizer.lr": 0.3 },
    final: { val_accuracy: 0.7, val_loss: 0.9 },
  }),
  makeTrial({
    run_id: 2,
    index: 1,
    params: { "training.optimizer.lr": 0.03 },
    final: { val_accuracy: 0.9, val_loss: 0.3 },
  }),
  makeTrial({
    run_id: 3,
    index: 2,
    params: { "training.optimizer.lr": 0.01 },
    status: "running",
    final: {},
  }),
  makeTrial({
    run_id: 4,
    index: 3,
    params: { "training.optimizer.lr": 1 },
    final: { val_accuracy: 0.7, val_loss: null },
  }),
];
const ids = (ts: { run_id: number }[]) => ts.map((t) => t.run_id);

describe("sorting the results", () => {
  it("starts best first, and trials without a value go last either way", () => {
    const sweep = makeSweep({ trials });
    const sort = defaultSort(sweep);
    expect(sort).toEqual({ column: { kind: "metric", name: "val_accuracy" }, descending: true });
    // Ties keep the trial order.
    expect(ids(sortTrials(trials, sort))).toEqual([2, 1, 4, 3]);
    expect(ids(sortTrials(trials, { ...sort, descending: false }))).toEqual([1, 4, 2, 3]);
    const loss = nextSort(sort, { kind: "metric", name: "val_loss" });
    expect(loss.descending).toBe(false); // a loss: smallest first
    expect(ids(sortTrials(trials, loss))).toEqual([2, 1, 3, 4]);
  });

  it("sorts params as numbers and flips on a second click", () => {
    const col = { kind: "param", path: "training.optimizer.lr" } as const;
    const first = nextSort(defaultSort(makeSweep()), col);
    expect(ids(sortTrials(trials, first))).toEqual([3, 2, 1, 4]);
    expect(ids(sortTrials(trials, nextSort(first, col)))).toEqual([4, 1, 2, 3]);
    expect(ids(sortTrials(trials, { column: { kind: "status" }, descending: false }))).toEqual([
      3, 1, 2, 4,
    ]);
  });

  it("lists the ranked metric's column first", () => {
    expect(metricColumns(makeSweep({ metric: "val_loss", trials }))).toEqual([
      "val_loss",
      "val_accuracy",
    ]);
  });
});

describe("the best trial", () => {
  it("is the best final metric so far, in its direction", () => {
    // The server's pick dates from its last full message; the trials are newer.
    expect(bestRunId(makeSweep({ trials, best: { run_id: 1, value: 0.7 } }))).toBe(2);
    expect(bestRunId(makeSweep({ trials, metric: "val_loss" }))).toBe(2);
  });
  it("goes to the earlier trial on a tie, and to the server's pick when no trial has a value", () => {
    expect(bestRunId(makeSweep({ trials: [trials[3], trials[0]] }))).toBe(4);
    expect(bestRunId(makeSweep({ trials: [trials[2]] }))).toBeNull();
    expect(bestRunId(makeSweep({ trials: [trials[2]], best: { run_id: 3, value: 1 } }))).toBe(3);
  });
});

describe("words", () => {
  it("labels a trial by its params and seed", () => {
    expect(trialLabel(makeTrial({ params: { "training.optimizer.lr": 0.03 }, seed: 1 }))).toBe(
      "lr 0.03 · seed 1",
    );
    expect(
      trialLabel(makeTrial({ params: { ablation: "no Dropout at layers[2]" }, seed: 0 })),
    ).toBe("no Dropout at layers[2]");
  });
  it("says how far the sweep got", () => {
    const sweep = makeSweep({ trials, counts: { succeeded: 2, running: 1, failed: 1 } });
    expect(countsText(sweep)).toBe("3 of 4 done · 1 running · 1 failed");
  });
});
