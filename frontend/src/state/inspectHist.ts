// Histogram bars for the diagnostics: bins as [x0, x1) with counts, the bins a learner should
// notice marked "hot": exactly 0 after a ReLU (dead), the flat ends of tanh and sigmoid
// (saturated: |tanh| > 0.97, sigmoid within 0.03 of 0 or 1, as the server counts them).
import type { Histogram } from "./inspectViews";

export interface Bar {
  x0: number;
  x1: number;
  count: number;
  hot: boolean;
}

export const SATURATED = 0.97;

function isHot(activation: string | null, x0: number, x1: number): boolean {
  if (activation === "ReLU") return x0 <= 0 && x1 > 0 && x0 > -1e-12; // the bin starting at 0
  if (activation === "Tanh") return x1 <= -SATURATED || x0 >= SATURATED;
  if (activation === "Sigmoid") return x1 <= 1 - SATURATED || x0 >= SATURATED;
  return false;
}

export function histogramBars(h: Histogram, activation: string | null = null): Bar[] {
  const n = h.counts.length;
  const width = n > 0 && h.hi > h.lo ? (h.hi - h.lo) / n : 0;
  return h.counts.map((count, i) => {
    const x0 = h.lo + i * width;
    const x1 = width ? x0 + width : h.hi;
    return { x0, x1, count, hot: isHot(activation, x0, x1) };
  });
}

/** A fraction as a percentage for the badges ("12 %"); null -> null. */
export function percent(f: number | null): string | null {
  if (f === null || !Number.isFinite(f)) return null;
  return `${Math.round(f * 100)} %`;
}

/** Whether a relative error passes the gradient check (analytic and numeric agree). */
export function gradcheckOk(rel: number | null, tolerance = 1e-5): boolean {
  return rel !== null && rel < tolerance;
}
