import { describe, expect, it } from "vitest";
import { blankInk, downsample, hasInk, stamp, strokeTo } from "./inspectDraw";

describe("drawing pad", () => {
  it("a blank pad is all zeros at any size", () => {
    const ink = blankInk(16);
    expect(hasInk(ink)).toBe(false);
    expect(
      downsample(ink, 8, 8, 16)
        .flat()
        .every((v) => v === 0),
    ).toBe(true);
  });

  it("a stamp inks the cells around it, solid in the middle", () => {
    const ink = stamp(blankInk(16), 8, 8, 2);
    expect(hasInk(ink)).toBe(true);
    expect(ink.values[8 * 16 + 8]).toBe(1);
    expect(ink.values[0]).toBe(0);
  });

  it("a vertical stroke downsamples to a column of ink in raw units", () => {
    const ink = strokeTo(blankInk(32), [16, 2], [16, 30], 2);
    const rows = downsample(ink, 8, 8, 16);
    expect(rows).toHaveLength(8);
    expect(rows[4][4]).toBeGreaterThan(4);
    expect(rows[4][0]).toBe(0);
    expect(Math.max(...rows.flat())).toBeLessThanOrEqual(16);
  });
});
