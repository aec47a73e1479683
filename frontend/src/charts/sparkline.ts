// A tiny loss curve: values -> an SVG polyline's points in a w x h box (y down), on a log
// scale when every value is positive (losses fall by factors), skipping non-finite values.

export interface SparkScale {
  log: boolean;
  lo: number; // in scale units (log10 when log)
  hi: number;
}

/** One scale for several series, so train and validation loss can be compared by height. */
export function sparkScale(series: ArrayLike<number>[]): SparkScale {
  const all: number[] = [];
  for (const s of series)
    for (let i = 0; i < s.length; i++) if (Number.isFinite(s[i])) all.push(s[i]);
  const log = all.length > 0 && all.every((v) => v > 0);
  const f = (v: number) => (log ? Math.log10(v) : v);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of all) {
    lo = Math.min(lo, f(v));
    hi = Math.max(hi, f(v));
  }
  return { log, lo, hi };
}

export function sparkPoints(
  values: ArrayLike<number>,
  w: number,
  h: number,
  scale: SparkScale = sparkScale([values]),
): string {
  const span = scale.hi - scale.lo;
  const last = Math.max(1, values.length - 1);
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (scale.log && v <= 0)) continue;
    const u = scale.log ? Math.log10(v) : v;
    const x = (i / last) * w;
    const y = span > 0 ? (1 - (u - scale.lo) / span) * h : h / 2;
    out.push(`${round(x)},${round(y)}`);
  }
  return out.join(" ");
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
