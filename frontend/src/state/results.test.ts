import { describe, expect, it } from "vitest";
import { confusionTable, testMetricRows } from "./results";

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
