import { describe, expect, it } from "vitest";
import { makeTrial } from "../test/sweepFactories";
import {
  ablationLabel,
  ablationRows,
  finalOfSeries,
  formatDelta,
  nothingToAblate,
  seriesKey,
} from "./ablation";

const trial = (run_id: number, label: string, acc: number | null) =>
  makeTrial({
    run_id,
    params: { ablation: label },
    final: acc === null ? {} : { val_accuracy: acc, val_loss: 1 - acc },
  });

describe("ablationRows", () => {
  const trials = [
    trial(1, "no Dropout at layers[2]", 0.84),
    trial(2, "l2 = 0", 0.9),
    trial(3, "plain SGD", 0.6),
    trial(4, "no scheduler", null),
  ];

  it("sorts by the size of the change against the base, unfinished last", () => {
    const rows = ablationRows(trials, "val_accuracy", 0.88);
    expect(rows.map((r) => r.label)).toEqual([
      "plain SGD",
      "no Dropout at layers[2]",
      "l2 = 0",
      "no scheduler",
    ]);
    expect(rows[0].delta).toBeCloseTo(-0.28);
    expect(rows.map((r) => r.helped)).toEqual([true, true, false, null]);
  });

  it("reads a loss the other way: higher without a part means the part helped", () => {
    const rows = ablationRows(trials, "val_loss", 0.12);
    expect(rows[0].label).toBe("plain SGD");
    expect(rows[0].helped).toBe(true);
    expect(rows.find((r) => r.label === "l2 = 0")?.helped).toBe(false);
  });

  it("has no deltas without the base's value", () => {
    expect(ablationRows(trials, "val_accuracy", null).every((r) => r.delta === null)).toBe(true);
  });
});

describe("words and numbers", () => {
  it("labels a trial by its ablation, else its params", () => {
    expect(ablationLabel(trial(1, "no BatchNorm at layers[1]", 0.5))).toBe(
      "no BatchNorm at layers[1]",
    );
    expect(ablationLabel(makeTrial({ params: { "training.l2": 0 } }))).toBe("training.l2 = 0");
  });
  it("formats changes with their sign; accuracies in percentage points", () => {
    expect(formatDelta("val_accuracy", -0.0412)).toBe("−4.1 pts");
    expect(formatDelta("val_loss", 0.03125)).toBe("+0.0313");
    expect(formatDelta("val_loss", 0)).toBe("±0");
    expect(formatDelta("val_loss", null)).toBe("—");
  });
  it("reads the base run's final value from its stored series", () => {
    expect(seriesKey("val_accuracy")).toBe("val/accuracy");
    expect(
      finalOfSeries([
        [10, 1, 0.5],
        [20, 2, 0.7],
        [30, 3, Number.NaN],
      ]),
    ).toBe(0.7);
    expect(finalOfSeries(undefined)).toBeNull();
  });
});

describe("nothingToAblate", () => {
  it("says whether there was nothing to take out or nothing that fits", () => {
    expect(nothingToAblate([])).toMatch(/^Nothing to ablate/);
    expect(
      nothingToAblate([
        {
          label: "no BatchNorm1d at model.layers[1]",
          path: "model.layers[1]",
          params: {},
          error: "it would not fit: x",
          spec: {},
        },
      ]),
    ).toBe(
      "None of this run's ablations can train: no BatchNorm1d at model.layers[1] (it would not fit: x)",
    );
  });
});
