import { describe, expect, it } from "vitest";
import type { Run } from "../api/types";
import { makeRun } from "../test/factories";
import {
  activeIds,
  alignByEpoch,
  compareCharts,
  compareView,
  type Entry,
  loadedEntries,
  metricRows,
  type Point,
  runLabel,
} from "./compare";

/** [step, epoch, value] points of one series, one per epoch from 0. */
function points(values: number[], stepsPerEpoch = 10): Point[] {
  return values.map((v, e) => [e * stepsPerEpoch, e, v]);
}

/** A finished run of 3 epochs with a minimal spec: what these tests compare. */
function run(over: Partial<Run>): Run {
  return makeRun({
    spec: { data: { dataset: "spiral" }, model: { layers: [] }, training: {} },
    started_at: "2025-01-01T00:00:00Z",
    finished_at: "2025-01-01T00:01:05Z",
    epochs_done: 3,
    best_val_accuracy: null,
    test_accuracy: null,
    ...over,
  });
}

describe("alignByEpoch", () => {
  it("puts runs of different lengths on the union of epochs with NaN gaps", () => {
    const { x, values } = alignByEpoch([
      points([1, 0.5, 0.25]),
      points([2, 1]),
      points([3, 2, 1, 0.5, 0.1]),
    ]);
    expect(x).toEqual([0, 1, 2, 3, 4]);
    expect(values[0]).toEqual([1, 0.5, 0.25, NaN, NaN]);
    expect(values[1]).toEqual([2, 1, NaN, NaN, NaN]);
    expect(values[2]).toEqual([3, 2, 1, 0.5, 0.1]);
  });

  it("uses epochs, not steps, as x", () => {
    const a = points([1, 2], 10);
    const b = points([3, 4], 7);
    expect(alignByEpoch([a, b])).toEqual({
      x: [0, 1],
      values: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it("sorts epochs and keeps the last value of a repeated epoch", () => {
    const { x, values } = alignByEpoch([
      [
        [20, 2, 0.3],
        [0, 0, 1],
        [10, 1, 0.6],
        [11, 1, 0.5],
      ],
    ]);
    expect(x).toEqual([0, 1, 2]);
    expect(values[0]).toEqual([1, 0.5, 0.3]);
  });

  it("gives a run without the series all NaN", () => {
    const { x, values } = alignByEpoch([points([1, 2]), undefined, []]);
    expect(x).toEqual([0, 1]);
    expect(values[1]).toEqual([NaN, NaN]);
    expect(values[2]).toEqual([NaN, NaN]);
  });

  it("handles no runs", () => {
    expect(alignByEpoch([])).toEqual({ x: [], values: [] });
  });

  it("leaves gaps where a downsampled run kept other epochs than another run", () => {
    const sparse: Point[] = [
      [0, 0, 0],
      [30, 3, 3],
      [40, 4, 4],
    ];
    const dense = points([0, 1, 2, 3, 4, 5]);
    const { x, values } = alignByEpoch([sparse, dense]);
    expect(x).toEqual([0, 1, 2, 3, 4, 5]);
    expect(values[0]).toEqual([0, NaN, NaN, 3, 4, NaN]);
    expect(values[1]).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("compareCharts", () => {
  it("shows loss and accuracy for classification", () => {
    const s = {
      "val/loss": points([1]),
      "val/accuracy": points([0.5]),
      "train/loss": points([1]),
      "step/loss": points([1]),
    };
    expect(compareCharts([s, s]).map((c) => c.key)).toEqual([
      "val/loss",
      "val/accuracy",
      "train/loss",
    ]);
  });

  it("shows MSE for regression", () => {
    const s = { "val/loss": points([1]), "val/mse": points([1]), "train/loss": points([1]) };
    expect(compareCharts([s]).map((c) => c.key)).toEqual(["val/loss", "val/mse", "train/loss"]);
  });

  it("shows a chart when any run has the series", () => {
    const cls = { "val/accuracy": points([0.5]) };
    const reg = { "val/mse": points([1]) };
    expect(compareCharts([cls, reg, {}]).map((c) => c.key)).toEqual(["val/accuracy", "val/mse"]);
    expect(compareCharts([{ "val/loss": [] }])).toEqual([]);
  });
});

describe("labels and final numbers", () => {
  it("labels runs by id and name", () => {
    expect(runLabel({ id: 7, name: "mlp" })).toBe("#7 mlp");
  });

  it("lists final metrics side by side", () => {
    const a = run({
      id: 1,
      best_val_accuracy: 0.95,
      test_accuracy: 0.9,
      epochs_done: 10,
      result: {
        status: "succeeded",
        epochs: 10,
        steps: 100,
        seconds: 5,
        error: null,
        best_epoch: 9,
        stopped_early: false,
        test: { loss: 0.25, accuracy: 0.9 },
      },
    });
    const b = run({ id: 2, status: "running", finished_at: null, epochs_done: 3 });
    const now = Date.parse("2025-01-01T00:00:30Z");
    const rows = metricRows([a, b], now);
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r.cells]));
    expect(byLabel.Status).toEqual(["succeeded", "running"]);
    expect(byLabel["Best val accuracy"]).toEqual(["95.0 %", "—"]);
    expect(byLabel["Test accuracy"]).toEqual(["90.0 %", "—"]);
    expect(byLabel["Test loss"]).toEqual(["0.25", "—"]);
    expect(byLabel.Epochs).toEqual(["10", "3"]);
    expect(byLabel.Duration).toEqual(["1:05", "0:30"]);
    expect(byLabel["Test MSE"]).toBeUndefined();
  });

  it("adds regression rows when a run has them", () => {
    const r = run({
      result: {
        status: "succeeded",
        epochs: 3,
        steps: 30,
        seconds: 1,
        error: null,
        best_epoch: null,
        stopped_early: false,
        test: { loss: 0.1, mse: 0.1, mae: 0.2, r2: 0.95 },
      },
    });
    const rows = metricRows([r], 0);
    expect(rows.find((x) => x.label === "Test MSE")?.cells).toEqual(["0.1"]);
    expect(rows.find((x) => x.label === "Test R²")?.cells).toEqual(["0.95"]);
  });
});

describe("compare view", () => {
  const ok = (id: number, status: "running" | "succeeded" = "succeeded"): Entry => ({
    run: makeRun({ id, status }),
    series: {},
  });
  const failed: Entry = { error: "gone", missing: true };

  it("hints until two runs are picked and loaded", () => {
    expect(compareView([], new Map())).toBe("none");
    expect(compareView([1], new Map([[1, ok(1)]]))).toBe("one");
    expect(compareView([1, 2], new Map([[1, ok(1)]]))).toBe("loading");
    expect(
      compareView(
        [1, 2],
        new Map([
          [1, ok(1)],
          [2, failed],
        ]),
      ),
    ).toBe("too-few");
    expect(
      compareView(
        [1, 2, 3],
        new Map([
          [1, ok(1)],
          [3, ok(3)],
        ]),
      ),
    ).toBe("ready");
  });

  it("keeps selection order and finds runs still training", () => {
    const entries = new Map([
      [1, ok(1)],
      [2, ok(2, "running")],
      [3, failed],
    ]);
    expect(loadedEntries([2, 3, 1], entries).map((l) => l.run.id)).toEqual([2, 1]);
    expect(activeIds([1, 2, 3, 4], entries)).toEqual([2]);
  });
});
