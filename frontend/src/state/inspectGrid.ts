// "Grids" of inspect views ({shape, lo, hi, data}: base64 uint8, value = lo + (hi-lo) * q / 255,
// row-major, as boundary grids) -> values, 2-D planes and RGBA pixels for heat maps and images.
// Pure: the canvases only copy the pixels and scale them.
import { decodeBase64, divergingColor, valueScale } from "../charts/boundary";
import { hexToRgb, type Rgb } from "../charts/colors";

export interface Grid {
  shape: number[];
  lo: number;
  hi: number;
  data: string;
}

/** One 2-D picture: h rows of w values, row 0 first. */
export interface Plane2d {
  w: number;
  h: number;
  values: Float32Array;
  lo: number;
  hi: number;
}

export function isGrid(v: unknown): v is Grid {
  const g = v as Grid | null;
  return (
    !!g &&
    typeof g === "object" &&
    Array.isArray(g.shape) &&
    typeof g.lo === "number" &&
    typeof g.hi === "number" &&
    typeof g.data === "string"
  );
}

/** The grid's values, dequantised as the server's `ungrid` (hi == lo: every value is lo). */
export function gridValues(g: Grid): Float32Array {
  const bytes = decodeBase64(g.data);
  const span = g.hi - g.lo;
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = g.lo + (span * bytes[i]) / 255;
  return out;
}

/**
 * The grid as 2-D planes: the last two dims are (rows, cols), the leading ones are flattened
 * into the list ((16, 1, 3, 3) -> 16 planes of 3x3; (8, 8) -> 1 plane; (20,) -> 1 row).
 */
export function gridPlanes(g: Grid): Plane2d[] {
  const values = gridValues(g);
  const dims = g.shape.length ? g.shape : [values.length];
  const w = dims[dims.length - 1] ?? 1;
  const h = dims.length >= 2 ? dims[dims.length - 2] : 1;
  const size = w * h;
  const n = size > 0 ? Math.floor(values.length / size) : 0;
  const out: Plane2d[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ w, h, values: values.subarray(i * size, (i + 1) * size), lo: g.lo, hi: g.hi });
  }
  return out;
}

/** The first plane of a grid (an image's first channel, a heat map). */
export function gridPlane(g: Grid): Plane2d {
  return gridPlanes(g)[0] ?? { w: 0, h: 0, values: new Float32Array(0), lo: g.lo, hi: g.hi };
}

/**
 * How values become colours: `diverging` orange (<0) / white (0) / blue (>0), symmetric when
 * the range holds 0 (unit outputs, weights); `ink` white (lo) to black (hi), for images;
 * `heat` white (lo) to a deep red (hi), for non-negative maps (saliency, attention).
 */
export type ColorMap = "diverging" | "ink" | "heat";

const HEAT: Rgb = hexToRgb("#b2182b");

/** Colour of value v on a map over [lo, hi]. */
export function mapColor(map: ColorMap, v: number, lo: number, hi: number): Rgb {
  if (map === "diverging") return divergingColor(valueScale(lo, hi)(v));
  const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0;
  if (map === "ink") {
    const c = 255 * (1 - t);
    return [c, c, c];
  }
  return HEAT.map((c) => 255 + (c - 255) * t) as Rgb;
}

export interface PixelOptions {
  map: ColorMap;
  /** Value range of the colour map (default the plane's lo, hi; share it to compare planes). */
  lo?: number;
  hi?: number;
  /** Draw row 0 at the bottom (planes over the input plane: row 0 is y_range[0]). */
  flipY?: boolean;
}

/** RGBA pixels (w x h, for ImageData) of a plane. */
export function planePixels(p: Plane2d, opts: PixelOptions): Uint8ClampedArray<ArrayBuffer> {
  const lo = opts.lo ?? p.lo;
  const hi = opts.hi ?? p.hi;
  const scale = opts.map === "diverging" ? valueScale(lo, hi) : null;
  const out = new Uint8ClampedArray(p.w * p.h * 4);
  for (let row = 0; row < p.h; row++) {
    const top = opts.flipY ? p.h - 1 - row : row;
    for (let col = 0; col < p.w; col++) {
      const v = p.values[row * p.w + col];
      const rgb = scale ? divergingColor(scale(v)) : mapColor(opts.map, v, lo, hi);
      const o = (top * p.w + col) * 4;
      out[o] = rgb[0];
      out[o + 1] = rgb[1];
      out[o + 2] = rgb[2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Mean absolute value of a plane: how strongly a unit or a map responds (0 when empty). */
export function meanAbs(p: Plane2d): number {
  if (!p.values.length) return 0;
  let s = 0;
  for (const v of p.values) s += Math.abs(v);
  return s / p.values.length;
}
