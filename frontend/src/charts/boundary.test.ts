import { describe, expect, it } from "vitest";
import type { BoundaryMessage, StreamMessage } from "../api/types";
import recorded from "../run/__fixtures__/stream-spiral.json";
import {
  blendClasses,
  boundaryExtent,
  boundaryPixels,
  boundaryValues,
  decodeBase64,
  discreteColor,
  divergingColor,
  fromCanvas,
  imagePixels,
  labelRange,
  toCanvas,
  valueScale,
} from "./boundary";
import { CLASS_COLORS, contrastRatio, hexToRgb, SERIES_COLORS } from "./colors";

function grid(bytes: number[], opts: Partial<BoundaryMessage> = {}): BoundaryMessage {
  return {
    type: "boundary",
    run_id: 1,
    seq: 1,
    epoch: 0,
    x_range: [0, 1],
    y_range: [0, 1],
    resolution: 2,
    channels: 2,
    lo: 0,
    hi: 1,
    data: btoa(String.fromCharCode(...bytes)),
    ...opts,
  }; // prettier-ignore
}

/** RGB of image pixel (row, col) of a res-wide RGBA array. */
function px(rgba: Uint8ClampedArray, res: number, row: number, col: number): number[] {
  const o = (row * res + col) * 4;
  return [rgba[o], rgba[o + 1], rgba[o + 2]];
}

describe("decoding", () => {
  it("decodes a known base64 byte string", () => {
    expect([...decodeBase64("AAH/")]).toEqual([0, 1, 255]);
    expect([...decodeBase64("")]).toEqual([]);
  });

  it("maps bytes to lo + (hi - lo) * q / 255", () => {
    const v = boundaryValues(grid([0, 255, 51], { lo: -1, hi: 1, channels: 1, resolution: 1 }));
    expect(v[0]).toBeCloseTo(-1);
    expect(v[1]).toBeCloseTo(1);
    expect(v[2]).toBeCloseTo(-0.6);
    const flat = boundaryValues(grid([0, 255], { lo: 2, hi: 2, channels: 1, resolution: 1 }));
    expect(flat[1]).toBeCloseTo(3); // span 1 when hi == lo, as the server's dequantize
  });

  it("reads the recorded grids as probabilities", () => {
    const b = (recorded as unknown as StreamMessage[][])
      .flat()
      .find((m) => m.type === "boundary") as BoundaryMessage;
    const v = boundaryValues(b);
    expect(v).toHaveLength(50 * 50 * 2);
    for (let i = 0; i < v.length; i += 2) expect(v[i] + v[i + 1]).toBeCloseTo(1, 1);
    expect(boundaryPixels(b)).toHaveLength(50 * 50 * 4);
  });
});

describe("boundaryPixels", () => {
  it("paints a confident class-0 pixel in the class-0 colour, a tie in white", () => {
    const rgba = boundaryPixels(grid([255, 0, 0, 255, 128, 128, 128, 128]));
    expect(px(rgba, 2, 1, 0)).toEqual(hexToRgb(CLASS_COLORS[0])); // grid row 0 is the bottom
    expect(px(rgba, 2, 1, 1)).toEqual(hexToRgb(CLASS_COLORS[1]));
    for (const c of px(rgba, 2, 0, 0)) expect(c).toBeGreaterThanOrEqual(253); // 128/255 each: ~white
    expect(rgba[3]).toBe(255);
  });

  it("flips rows: the grid's row 0 (y_range[0]) is the image's bottom row", () => {
    // grid row 0 all class 0, row 1 all class 1
    const rgba = boundaryPixels(grid([255, 0, 255, 0, 0, 255, 0, 255]));
    expect(px(rgba, 2, 0, 0)).toEqual(hexToRgb(CLASS_COLORS[1]));
    expect(px(rgba, 2, 0, 1)).toEqual(hexToRgb(CLASS_COLORS[1]));
    expect(px(rgba, 2, 1, 0)).toEqual(hexToRgb(CLASS_COLORS[0]));
  });

  it("blends many classes, fading to white with lower confidence", () => {
    const colors = CLASS_COLORS.slice(0, 3).map(hexToRgb);
    expect(blendClasses([0, 0, 1], 0, 3, colors).map(Math.round)).toEqual(
      hexToRgb(CLASS_COLORS[2]),
    );
    expect(blendClasses([1 / 3, 1 / 3, 1 / 3], 0, 3, colors).map(Math.round)).toEqual([
      255, 255, 255,
    ]);
    const mid = blendClasses([0.75, 0.25], 0, 2, colors.slice(0, 2));
    const orange = hexToRgb(CLASS_COLORS[0]);
    for (let i = 0; i < 3; i++) expect(Math.abs(mid[i] - (orange[i] + 255) / 2)).toBeLessThan(6); // light orange, not mud
  });

  it("uses the diverging map for one channel (regression)", () => {
    const rgba = boundaryPixels(grid([0, 255, 128, 128], { channels: 1, lo: -2, hi: 2 }));
    expect(px(rgba, 2, 1, 0)).toEqual(hexToRgb(CLASS_COLORS[0])); // lo
    expect(px(rgba, 2, 1, 1)).toEqual(hexToRgb(CLASS_COLORS[1])); // hi
    for (const c of px(rgba, 2, 0, 0)) expect(c).toBeGreaterThan(250); // ~0: white
  });

  it("scales values symmetrically around 0 when the range holds it", () => {
    expect(valueScale(-1, 4)(-1)).toBeCloseTo(-0.25);
    expect(valueScale(-1, 4)(4)).toBeCloseTo(1);
    expect(valueScale(2, 6)(4)).toBeCloseTo(0);
    expect(valueScale(2, 6)(2)).toBeCloseTo(-1);
    expect(divergingColor(0)).toEqual([255, 255, 255]);
    expect(divergingColor(NaN)).toEqual([255, 255, 255]);
    expect(divergingColor(-7)).toEqual(hexToRgb(CLASS_COLORS[0]));
  });
});

describe("geometry", () => {
  it("extends the extent by half a cell and maps data to canvas pixels, y up", () => {
    const e = boundaryExtent(grid([], { x_range: [0, 4], y_range: [-1, 1], resolution: 5 }));
    expect(e.x).toEqual([-0.5, 4.5]);
    expect(e.y).toEqual([-1.25, 1.25]);
    expect(toCanvas({ x: [0, 10], y: [0, 10] }, 100, 200, 0, 0)).toEqual([0, 200]);
    expect(toCanvas({ x: [0, 10], y: [0, 10] }, 100, 200, 10, 10)).toEqual([100, 0]);
    expect(
      labelRange({ x_range: [0, 1], y_range: [0, 1], train: [[0, 0, 3]], test: [[0, 0, -1]] }),
    ).toEqual([-1, 3]);
    expect(labelRange({ x_range: [0, 1], y_range: [0, 1], train: [], test: [] })).toEqual([
      NaN,
      NaN,
    ]);
  });
});

describe("imagePixels", () => {
  it("turns (1, H, W) into grey and (3, H, W) into RGB pixels", () => {
    const grey = imagePixels(Uint8Array.from([0, 128, 255, 7]), [1, 2, 2]);
    expect([grey.width, grey.height]).toEqual([2, 2]);
    expect([...grey.rgba.slice(4, 8)]).toEqual([128, 128, 128, 255]);
    const rgb = imagePixels(Uint8Array.from([1, 2, 3, 4, 5, 6]), [3, 1, 2]);
    expect([...rgb.rgba]).toEqual([1, 3, 5, 255, 2, 4, 6, 255]);
  });
});

describe("colors", () => {
  it("gives run lines at least 3:1 contrast on white, all distinct", () => {
    for (const c of SERIES_COLORS) expect(contrastRatio(c)).toBeGreaterThanOrEqual(3);
    expect(new Set(SERIES_COLORS).size).toBe(SERIES_COLORS.length);
    expect(contrastRatio("#000000")).toBeCloseTo(21);
  });
});

describe("discretized boundaries and clicks on the plane", () => {
  it("paints the most likely class in its own colour", () => {
    const rgbs = CLASS_COLORS.map(hexToRgb);
    expect(discreteColor([0.4, 0.6], 0, 2, (v) => v, rgbs)).toEqual(rgbs[1]);
    expect(discreteColor([-0.2], 0, 1, (v) => v, rgbs)).toEqual(rgbs[0]);
    const b = grid([255, 0, 200, 55, 10, 245, 128, 127]);
    const px = boundaryPixels(b, { discretize: true });
    expect([px[0], px[1], px[2]]).toEqual(rgbs[1]); // top-left = grid row 1, col 0: p1 = 245
  });

  it("a click maps back to the point drawn there", () => {
    const extent = { x: [-2, 2] as [number, number], y: [0, 4] as [number, number] };
    const [px, py] = toCanvas(extent, 200, 100, 1, 3);
    const [x, y] = fromCanvas(extent, 200, 100, px, py);
    expect(x).toBeCloseTo(1);
    expect(y).toBeCloseTo(3);
  });
});
