import { describe, expect, it } from "vitest";
import { gradcheckOk, histogramBars, percent } from "./inspectHist";

describe("histogram bars", () => {
  it("splits [lo, hi] into equal bins", () => {
    const bars = histogramBars({ lo: 0, hi: 2, counts: [1, 2, 3, 4] });
    expect(bars.map((b) => b.x0)).toEqual([0, 0.5, 1, 1.5]);
    expect(bars[3].x1).toBe(2);
    expect(bars.some((b) => b.hot)).toBe(false);
  });

  it("marks the zero bin of a ReLU and the flat ends of tanh", () => {
    const relu = histogramBars({ lo: 0, hi: 1, counts: [5, 1] }, "ReLU");
    expect(relu.map((b) => b.hot)).toEqual([true, false]);
    const tanh = histogramBars({ lo: -1, hi: 1, counts: new Array(100).fill(1) }, "Tanh");
    expect(tanh[0].hot).toBe(true);
    expect(tanh[50].hot).toBe(false);
    expect(tanh[99].hot).toBe(true);
  });

  it("percentages and the gradient check's verdict", () => {
    expect(percent(0.125)).toBe("13 %");
    expect(percent(null)).toBeNull();
    expect(gradcheckOk(1e-9)).toBe(true);
    expect(gradcheckOk(1e-3)).toBe(false);
    expect(gradcheckOk(null)).toBe(false);
  });
});
