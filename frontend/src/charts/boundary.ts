// Byte grids -> RGBA pixels: decision-boundary grids of 2-D runs and preview images.
// Pure functions; the canvases only copy the pixels and scale them.

import type { BoundaryMessage, Plane } from "../api/types";
import { CLASS_COLORS, hexToRgb, type Rgb } from "./colors";

const WHITE: Rgb = [255, 255, 255];

export function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The grid's values (res*res*channels, row-major y, x, k): lo + (hi - lo) * q / 255. */
export function boundaryValues(b: BoundaryMessage): Float32Array {
  const bytes = decodeBase64(b.data);
  const span = b.hi > b.lo ? b.hi - b.lo : 1; // as the server's dequantize
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = b.lo + (span * bytes[i]) / 255;
  return out;
}

/**
 * Colour of a point with class probabilities p (k channels from `offset`): the class
 * colours blended with weights p^4 (sharpened, so a 75/25 point is not a muddy mix),
 * then faded to white by the lack of confidence (max p from 1/k to 1 -> 0 to 1).
 */
export function blendClasses(
  p: ArrayLike<number>,
  offset: number,
  k: number,
  colors: readonly Rgb[],
): Rgb {
  let total = 0;
  let max = 0;
  const rgb: Rgb = [0, 0, 0];
  for (let c = 0; c < k; c++) {
    const v = Math.max(0, p[offset + c]);
    max = Math.max(max, v);
    const w = v * v * v * v;
    total += w;
    const col = colors[c % colors.length];
    rgb[0] += w * col[0];
    rgb[1] += w * col[1];
    rgb[2] += w * col[2];
  }
  if (total <= 0) return [255, 255, 255];
  const conf = k > 1 ? Math.min(1, Math.max(0, (max - 1 / k) / (1 - 1 / k))) : 1;
  return rgb.map((c, i) => (c / total) * conf + WHITE[i] * (1 - conf)) as Rgb;
}

/** Diverging map over t in [-1, 1]: class-0 orange, white at 0, class-1 blue. */
export function divergingColor(t: number, colors: readonly string[] = CLASS_COLORS): Rgb {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(-1, t)) : 0;
  const end = hexToRgb(u < 0 ? colors[0] : colors[1]);
  const a = Math.abs(u);
  return end.map((c, i) => c * a + WHITE[i] * (1 - a)) as Rgb;
}

/** v -> t in [-1, 1]: symmetric around 0 when [lo, hi] holds 0, else lo -> -1, hi -> 1. */
export function valueScale(lo: number, hi: number): (v: number) => number {
  if (lo < 0 && hi > 0) {
    const m = Math.max(-lo, hi);
    return (v) => v / m;
  }
  const span = hi > lo ? hi - lo : 1;
  return (v) => (2 * (v - lo)) / span - 1;
}

/**
 * RGBA pixels (resolution x resolution, for ImageData) of a boundary grid, in image order:
 * pixel row 0 is the TOP of the plot (y_range[1]); the grid's row 0 is y_range[0], so rows
 * are flipped here. Classification blends class colours; one channel (regression) uses
 * the diverging map over [lo, hi] (or `scale`, to share it with the points).
 */
export function boundaryPixels(
  b: BoundaryMessage,
  opts: { colors?: readonly string[]; scale?: (v: number) => number; discretize?: boolean } = {},
): Uint8ClampedArray<ArrayBuffer> {
  const colors = opts.colors ?? CLASS_COLORS;
  const rgbs = colors.map(hexToRgb);
  const values = boundaryValues(b);
  const res = b.resolution;
  const k = b.channels;
  const scale = opts.scale ?? valueScale(b.lo, b.hi);
  const out = new Uint8ClampedArray(res * res * 4);
  for (let row = 0; row < res; row++) {
    const top = res - 1 - row; // image row of grid row `row`
    for (let col = 0; col < res; col++) {
      const at = (row * res + col) * k;
      let rgb: Rgb;
      if (opts.discretize) rgb = discreteColor(values, at, k, scale, rgbs);
      else
        rgb =
          k === 1 ? divergingColor(scale(values[at]), colors) : blendClasses(values, at, k, rgbs);
      const o = (top * res + col) * 4;
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/** "Discretize output": the most likely class's own colour; one channel, its side of the middle. */
export function discreteColor(
  p: ArrayLike<number>,
  offset: number,
  k: number,
  scale: (v: number) => number,
  colors: readonly Rgb[],
): Rgb {
  if (k === 1) return colors[scale(p[offset]) >= 0 ? 1 : 0];
  let best = 0;
  for (let c = 1; c < k; c++) if (p[offset + c] > p[offset + best]) best = c;
  return colors[best % colors.length];
}

export interface Extent {
  x: [number, number];
  y: [number, number];
}

/**
 * The plot area a grid covers: its samples sit ON the range ends (linspace), so each
 * pixel spans half a cell beyond them; points drawn on the same extent line up.
 */
export function boundaryExtent(b: BoundaryMessage): Extent {
  const pad = (r: [number, number]): [number, number] => {
    const half = b.resolution > 1 ? (r[1] - r[0]) / (b.resolution - 1) / 2 : 0;
    return [r[0] - half, r[1] + half];
  };
  return { x: pad(b.x_range), y: pad(b.y_range) };
}

/** Canvas pixel -> data (the inverse of toCanvas): where a click on the plane falls. */
export function fromCanvas(
  extent: Extent,
  width: number,
  height: number,
  px: number,
  py: number,
): [number, number] {
  const x = extent.x[0] + (px / width) * (extent.x[1] - extent.x[0]);
  const y = extent.y[0] + ((height - py) / height) * (extent.y[1] - extent.y[0]);
  return [x, y];
}

/** Data -> canvas pixel (y up), for a canvas of width x height showing `extent`. */
export function toCanvas(
  extent: Extent,
  width: number,
  height: number,
  x: number,
  y: number,
): [number, number] {
  const sx = extent.x[1] > extent.x[0] ? width / (extent.x[1] - extent.x[0]) : 1;
  const sy = extent.y[1] > extent.y[0] ? height / (extent.y[1] - extent.y[0]) : 1;
  return [(x - extent.x[0]) * sx, height - (y - extent.y[0]) * sy];
}

/** Smallest and largest label of the plane's points ([NaN, NaN] when none). */
export function labelRange(plane: Plane): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const set of [plane.train, plane.test]) {
    for (const p of set) {
      if (p[2] < lo) lo = p[2];
      if (p[2] > hi) hi = p[2];
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** RGBA pixels of a preview image: bytes (C, H, W) row-major; 1 channel grey, 3 RGB. */
export function imagePixels(
  bytes: Uint8Array,
  shape: number[],
): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } {
  const [c, h, w] = shape.length >= 3 ? shape.slice(-3) : [1, shape[0] ?? 1, shape[1] ?? 1];
  const plane = h * w;
  const rgba = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    const r = bytes[i] ?? 0;
    const rgb = c >= 3 ? [r, bytes[plane + i] ?? 0, bytes[2 * plane + i] ?? 0] : [r, r, r];
    rgba[4 * i] = rgb[0];
    rgba[4 * i + 1] = rgb[1];
    rgba[4 * i + 2] = rgb[2];
    rgba[4 * i + 3] = 255;
  }
  return { width: w, height: h, rgba };
}
