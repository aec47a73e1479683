import { describe, expect, it } from "vitest";
import { sparkPoints, sparkScale } from "./sparkline";

describe("sparkPoints", () => {
  it("maps a falling loss on a log scale, top to bottom", () => {
    expect(sparkPoints([1, 0.1, 0.01], 100, 10)).toBe("0,0 50,5 100,10");
  });
  it("skips gaps and draws a flat line in the middle", () => {
    expect(sparkPoints([2, Number.NaN, 2], 10, 10)).toBe("0,5 10,5");
    expect(sparkPoints([], 10, 10)).toBe("");
  });
  it("shares one scale between series", () => {
    const scale = sparkScale([
      [1, 0.1],
      [10, 1],
    ]);
    expect(scale).toEqual({ log: true, lo: -1, hi: 1 });
    expect(sparkPoints([1, 0.1], 10, 10, scale)).toBe("0,5 10,10");
    expect(sparkScale([[-1, 1]]).log).toBe(false);
  });
});
