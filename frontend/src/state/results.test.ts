import { describe, expect, it } from "vitest";
import {
  className,
  confusionTable,
  constantLrText,
  constantValue,
  testMetricRows,
  topConfusions,
} from "./results";

describe("results", () => {
  it("formats test metrics, confusion shares and durations", () => {
    expect(testMetricRows({ loss: 0.65806955, accuracy: 0.57, zeta: 3 })).toEqual([
      { key: "accuracy", label: "Accuracy", value: "57.0 %" },
      { key: "loss", label: "Loss", value: "0.6581" },
      { key: "zeta", label: "zeta", value: "3" },
    ]);
    expect(testMetricRows({ r2: 0.5, mae: 1, mse: 2e-5 }).map((r) => [r.label, r.value])).toEqual([
      ["MSE", "2e-5"],
      ["MAE", "1"],
      ["R²", "0.5"],
    ]);
    const t = confusionTable([
      [25, 24],
      [19, 31],
    ]);
    expect(t.rowTotals).toEqual([49, 50]);
    expect(t.shares[1][1]).toBeCloseTo(0.62);
    expect(t.accuracy).toBeCloseTo(56 / 99);
    expect(
      confusionTable([
        [0, 0],
        [0, 0],
      ]).shares,
    ).toEqual([
      [0, 0],
      [0, 0],
    ]); // prettier-ignore
  });

  it("shows a dash for a null test metric (non-finite on the server)", () => {
    const nulls = { accuracy: null, loss: null } as unknown as Record<string, number>;
    expect(testMetricRows(nulls).map((r) => r.value)).toEqual(["—", "—"]);
  });
});

describe("learner views of results", () => {
  it("tells a constant learning rate from a changing one", () => {
    expect(constantValue([0.03, 0.03, Number.NaN, 0.03])).toBe(0.03);
    expect(constantValue([0.1, 0.05])).toBeNull();
    expect(constantValue([Number.NaN])).toBeNull();
    expect(constantValue(undefined)).toBeNull();
    expect(constantLrText([0.03, 0.03])).toBe("Learning rate 0.03 throughout (constant).");
    expect(constantLrText([0.1, 0.01])).toBeNull();
  });

  it("lists the most frequent mistakes, most frequent first", () => {
    const m = [
      [5, 2, 0],
      [4, 9, 1],
      [0, 4, 7],
    ];
    expect(topConfusions(m, 2)).toEqual([
      { truth: 1, predicted: 0, count: 4, share: 4 / 14 },
      { truth: 2, predicted: 1, count: 4, share: 4 / 11 },
    ]);
    expect(topConfusions([[3]])).toEqual([]);
  });

  it("shows characters visibly", () => {
    expect(className([" ", "a", "\n"], 0)).toBe("␣");
    expect(className([" ", "a", "\n"], 1)).toBe("a");
    expect(className([" ", "a", "\n"], 2)).toBe("⏎");
    expect(className(null, 7)).toBe("7");
  });
});
