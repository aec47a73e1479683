import { describe, expect, it } from "vitest";
import { ema, emaAt, hasFinite, joinSeries, m4Indices, pick } from "./smooth";

describe("ema", () => {
  it("is the identity at weight 0", () => {
    expect([...ema([3, 1, 4, 1, 5], 0)]).toEqual([3, 1, 4, 1, 5]);
  });

  it("is debiased: it starts at the first value and keeps a constant constant", () => {
    for (const w of [0.3, 0.6, 0.9, 0.99]) {
      const out = ema([2, 2, 2, 2, 2, 2], w);
      for (const v of out) expect(v).toBeCloseTo(2, 12);
      expect(ema([5, 0], w)[0]).toBeCloseTo(5, 12);
    }
  });

  it("matches the hand computation", () => {
    // w = 0.5: s1 = 0.5 -> 0.5 / 0.5 = 1; s2 = 0.25 -> 0.25 / 0.75 = 1/3
    const out = ema([1, 0], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(1 / 3, 12);
  });

  it("leaves gaps for non-finite values without disturbing the average", () => {
    const out = ema([1, NaN, Infinity, 0], 0.5);
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo(1 / 3);
    expect([...ema([NaN, 4], 0.9)][1]).toBeCloseTo(4);
  });

  it("clamps the weight and copes with empty input", () => {
    const out = ema([1, 0], 1);
    expect(Number.isFinite(out[1])).toBe(true);
    expect(out[1]).toBeLessThan(1);
    expect(ema([], 0.5)).toHaveLength(0);
    expect([...ema([1, 2], -3)]).toEqual([1, 2]);
  });
});

describe("emaAt", () => {
  it("reads the full-resolution average at chosen indices", () => {
    const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) + (i === 20 ? NaN : 0));
    const full = ema(values, 0.8);
    const at = emaAt(values, 0.8, [0, 7, 20, 21, 49]);
    expect([...at]).toEqual([full[0], full[7], NaN, full[21], full[49]]);
    expect(emaAt(values, 0.8, [])).toHaveLength(0);
  });
});

describe("m4Indices", () => {
  it("keeps every index of a short series", () => {
    expect([...m4Indices([5, 4, 3], 1000)]).toEqual([0, 1, 2]);
  });

  it("keeps first, last, every bucket's extremes, in order, at most 4 per bucket", () => {
    const n = 100_000;
    const y = Array.from({ length: n }, (_, i) => Math.cos(i / 500));
    y[12_345] = 50; // a spike
    y[77_777] = -50;
    y[500] = NaN;
    const idx = m4Indices(y, 1000);
    expect(idx.length).toBeLessThanOrEqual(4000);
    expect(idx.length).toBeGreaterThan(1000);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(n - 1);
    for (let i = 1; i < idx.length; i++) expect(idx[i]).toBeGreaterThan(idx[i - 1]);
    expect([...idx]).toContain(12_345);
    expect([...idx]).toContain(77_777);
    expect([...pick(y, idx)].filter((v) => Math.abs(v) === 50)).toHaveLength(2);
  });

  it("copes with buckets that are all NaN", () => {
    const idx = m4Indices(new Array(20).fill(NaN), 2);
    expect([...idx]).toEqual([0, 9, 10, 19]);
  });
});

describe("joinSeries", () => {
  it("merges ascending grids onto their union with NaN fill", () => {
    const { x, columns } = joinSeries([
      { x: [0, 1, 2], columns: [[10, 11, 12]] },
      {
        x: [1, 3],
        columns: [
          [21, 23],
          [31, 33],
        ],
      }, // prettier-ignore
    ]);
    expect([...x]).toEqual([0, 1, 2, 3]);
    expect(columns[0].map((c) => [...c])).toEqual([[10, 11, 12, NaN]]);
    expect(columns[1].map((c) => [...c])).toEqual([
      [NaN, 21, NaN, 23],
      [NaN, 31, NaN, 33],
    ]);
  });

  it("keeps repeated x values of one table on one row (the last value wins)", () => {
    const { x, columns } = joinSeries([{ x: [0, 1, 1, 2], columns: [[1, 2, 3, 4]] }]);
    expect([...x]).toEqual([0, 1, 2]);
    expect([...columns[0][0]]).toEqual([1, 3, 4]);
  });

  it("skips non-finite x and handles empty tables", () => {
    const { x, columns } = joinSeries([
      { x: [NaN, 1], columns: [[5, 6]] },
      { x: [], columns: [[]] },
    ]);
    expect([...x]).toEqual([1]);
    expect(columns.map((t) => t.map((c) => [...c]))).toEqual([[[6]], [[NaN]]]);
    expect(joinSeries([]).x).toHaveLength(0);
  });

  it("is fast enough for long runs", () => {
    const n = 100_000;
    const steps = Float64Array.from({ length: n }, (_, i) => (i + 1) / 100);
    const epochs = Float64Array.from({ length: 1001 }, (_, i) => i);
    const t0 = performance.now();
    const { x } = joinSeries([
      { x: steps, columns: [steps] },
      { x: epochs, columns: [epochs, epochs] },
    ]);
    expect(x).toHaveLength(n + 1);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe("hasFinite", () => {
  it("tells whether a series has anything to draw", () => {
    expect(hasFinite([NaN, NaN])).toBe(false);
    expect(hasFinite([NaN, 0])).toBe(true);
    expect(hasFinite([])).toBe(false);
  });
});
