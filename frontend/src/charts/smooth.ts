// Series math for line charts: the shapes LineChart draws, exponential smoothing and
// joining series that were sampled on different x grids (steps vs epochs, run vs run).

/** One line: y values aligned with the chart's x (NaN = no value there). */
export interface ChartSeries {
  label: string;
  values: ArrayLike<number>;
  color?: string;
  dash?: boolean;
  width?: number; // CSS pixels
  /** Connect across missing values (for sparse series joined onto a dense x grid). */
  spanGaps?: boolean;
}

export interface ChartData {
  x: ArrayLike<number>;
  series: ChartSeries[];
}

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = w s_{t-1} + (1 - w) v_t,
 * shown as s_t / (1 - w^n) after n finite values, so the curve starts at the data instead
 * of at 0. Non-finite values stay NaN (gaps) and do not disturb the average.
 */
export function ema(values: ArrayLike<number>, weight: number): Float64Array {
  return emaAt(values, weight, null);
}

/** ema(values, weight) read only at the given ascending indices (all when null), in one pass. */
export function emaAt(
  values: ArrayLike<number>,
  weight: number,
  indices: ArrayLike<number> | null,
): Float64Array {
  const w = Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), 0.999);
  const out = new Float64Array(indices ? indices.length : values.length);
  const end = indices ? (indices.length ? indices[indices.length - 1] + 1 : 0) : values.length;
  let last = 0;
  let wn = 1; // w^n after n finite values (a running product: Math.pow per point is slow)
  let k = 0;
  for (let i = 0; i < end; i++) {
    const v = values[i];
    let s = NaN;
    if (Number.isFinite(v)) {
      last = last * w + (1 - w) * v;
      wn *= w;
      s = w === 0 ? v : last / (1 - wn);
    }
    if (!indices) out[i] = s;
    else if (indices[k] === i) out[k++] = s;
  }
  return out;
}

/**
 * The points that draw a long line the same at `buckets` columns (M4): per bucket of
 * consecutive indices its first, lowest, highest and last point, in index order. All
 * indices when there are at most 4 * buckets points. So a chart of 100,000 steps gets
 * at most 4 * buckets points to convert and draw, and still shows every spike.
 */
export function m4Indices(y: ArrayLike<number>, buckets: number): Int32Array {
  const n = y.length;
  if (n <= 4 * buckets) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const out = new Int32Array(4 * buckets);
  let k = 0;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets); // bucket = [lo, hi)
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = y[i];
      if (Number.isNaN(v)) continue;
      if (iMin < 0 || v < y[iMin]) iMin = i;
      if (iMax < 0 || v > y[iMax]) iMax = i;
    }
    out[k++] = lo;
    if (iMin >= 0) {
      const a = Math.min(iMin, iMax);
      const c = Math.max(iMin, iMax);
      if (a > lo) out[k++] = a;
      if (c > a && c > lo) out[k++] = c;
      if (hi - 1 > Math.max(lo, c)) out[k++] = hi - 1;
    } else if (hi - 1 > lo) {
      out[k++] = hi - 1;
    }
  }
  return out.subarray(0, k);
}

/** values[indices[i]] for each i. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

/**
 * Join tables sampled on different ascending x grids onto their sorted union, NaN where a
 * table has no value at an x (uPlot.join, but with NaN and typed arrays). Non-finite x
 * values are dropped. Returns the union x and, per table, one column per input column.
 * O(total points x tables): one merge pass, then one pass per column.
 */
export function joinSeries(tables: { x: ArrayLike<number>; columns: ArrayLike<number>[] }[]): {
  x: Float64Array;
  columns: Float64Array[][];
} {
  let total = 0;
  for (const t of tables) total += t.x.length;
  const x = new Float64Array(total);
  const rows = tables.map((t) => new Int32Array(t.x.length).fill(-1)); // point -> union row
  const pos = new Int32Array(tables.length);
  let n = 0;
  for (;;) {
    let next = Infinity;
    for (let t = 0; t < tables.length; t++) {
      const xs = tables[t].x;
      let p = pos[t];
      while (p < xs.length && !Number.isFinite(xs[p])) p++; // no place on a chart
      pos[t] = p;
      if (p < xs.length && xs[p] < next) next = xs[p];
    }
    if (next === Infinity) break;
    x[n] = next;
    for (let t = 0; t < tables.length; t++) {
      const xs = tables[t].x;
      const row = rows[t];
      let p = pos[t];
      while (p < xs.length && xs[p] === next) row[p++] = n; // equal x values share one row
      pos[t] = p;
    }
    n++;
  }
  const columns = tables.map((table, t) =>
    table.columns.map((values) => {
      const out = new Float64Array(n).fill(NaN);
      const row = rows[t];
      for (let i = 0; i < row.length; i++) if (row[i] >= 0) out[row[i]] = values[i];
      return out;
    }),
  );
  return { x: x.subarray(0, n), columns };
}

/** Whether any value is finite (a series worth drawing). */
export function hasFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) return true;
  return false;
}
