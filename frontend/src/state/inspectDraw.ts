// A drawing pad for "try the model": strokes stamp ink into a fine square grid (0..1), which is
// averaged down to the model's image size and scaled to its raw pixel range. Pure.

export interface Ink {
  size: number; // the fine grid is size x size
  values: Float32Array;
}

export function blankInk(size: number): Ink {
  return { size, values: new Float32Array(size * size) };
}

/** Stamp a soft round brush of `radius` cells at (x, y) in cells; returns a new Ink. */
export function stamp(ink: Ink, x: number, y: number, radius: number): Ink {
  const values = ink.values.slice();
  const r = Math.max(0.5, radius);
  const x0 = Math.max(0, Math.floor(x - r));
  const x1 = Math.min(ink.size - 1, Math.ceil(x + r));
  const y0 = Math.max(0, Math.floor(y - r));
  const y1 = Math.min(ink.size - 1, Math.ceil(y + r));
  for (let j = y0; j <= y1; j++) {
    for (let i = x0; i <= x1; i++) {
      const d = Math.hypot(i + 0.5 - x, j + 0.5 - y);
      if (d > r) continue;
      const a = d < r * 0.6 ? 1 : (r - d) / (r * 0.4); // solid centre, soft rim
      values[j * ink.size + i] = Math.max(values[j * ink.size + i], a);
    }
  }
  return { size: ink.size, values };
}

/** Stamps every `step` cells along the segment from a to b (a stroke between two events). */
export function strokeTo(ink: Ink, a: [number, number], b: [number, number], radius: number): Ink {
  const n = Math.max(
    1,
    Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / Math.max(0.5, radius / 2)),
  );
  let out = ink;
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    out = stamp(out, a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, radius);
  }
  return out;
}

/** The ink averaged down to h x w rows of raw pixel values in 0..max (rounded). */
export function downsample(ink: Ink, h: number, w: number, max: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < h; r++) {
    const row: number[] = [];
    const ya = Math.floor((r * ink.size) / h);
    const yb = Math.max(ya + 1, Math.floor(((r + 1) * ink.size) / h));
    for (let c = 0; c < w; c++) {
      const xa = Math.floor((c * ink.size) / w);
      const xb = Math.max(xa + 1, Math.floor(((c + 1) * ink.size) / w));
      let s = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) s += ink.values[y * ink.size + x];
      row.push(Math.round((max * s) / ((yb - ya) * (xb - xa))));
    }
    rows.push(row);
  }
  return rows;
}

/** Whether anything was drawn. */
export function hasInk(ink: Ink): boolean {
  return ink.values.some((v) => v > 0);
}
