import { describe, expect, it } from "vitest";
import {
  gridPlane,
  gridPlanes,
  gridValues,
  isGrid,
  mapColor,
  meanAbs,
  planePixels,
} from "./inspectGrid";

const enc = (bytes: number[]) => btoa(String.fromCharCode(...bytes));

describe("grids", () => {
  it("dequantises as lo + (hi - lo) * q / 255", () => {
    const g = { shape: [3], lo: -1, hi: 1, data: enc([0, 255, 51]) };
    expect(isGrid(g)).toBe(true);
    expect(isGrid({ shape: [1], lo: 0 })).toBe(false);
    const v = gridValues(g);
    expect(v[0]).toBeCloseTo(-1);
    expect(v[1]).toBeCloseTo(1);
    expect(v[2]).toBeCloseTo(-0.6);
  });

  it("reads the last two dims as planes and flattens the leading ones", () => {
    const g = {
      shape: [2, 1, 2, 3],
      lo: 0,
      hi: 255,
      data: enc([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    };
    const planes = gridPlanes(g);
    expect(planes).toHaveLength(2);
    expect(planes[1].w).toBe(3);
    expect(planes[1].h).toBe(2);
    expect([...planes[1].values]).toEqual([6, 7, 8, 9, 10, 11]);
    const row = gridPlane({ shape: [4], lo: 0, hi: 255, data: enc([1, 2, 3, 4]) });
    expect([row.w, row.h]).toEqual([4, 1]);
  });

  it("colours: ink dark for high, heat white for low, diverging white at 0", () => {
    expect(mapColor("ink", 1, 0, 1)).toEqual([0, 0, 0]);
    expect(mapColor("ink", 0, 0, 1)).toEqual([255, 255, 255]);
    expect(mapColor("heat", 0, 0, 1)).toEqual([255, 255, 255]);
    expect(mapColor("diverging", 0, -1, 1)).toEqual([255, 255, 255]);
  });

  it("flips rows for planes over the input plane", () => {
    const p = { w: 1, h: 2, values: Float32Array.from([0, 1]), lo: 0, hi: 1 };
    const up = planePixels(p, { map: "ink" });
    const flipped = planePixels(p, { map: "ink", flipY: true });
    expect(up[0]).toBe(255); // row 0 (value 0) on top: white
    expect(flipped[0]).toBe(0); // row 1 (value 1) on top: black
    expect(flipped[7]).toBe(255); // alpha
    expect(meanAbs({ ...p, values: Float32Array.from([-1, 3]) })).toBe(2);
  });
});
