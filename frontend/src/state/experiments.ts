// The learning-rate finder and the sanity checks, as plain data for the playground's
// "Before you train" panel: chart columns, the suggestion, the spec with a new lr, verdicts.
import type { LrFindOut, SanityCheck, SpecJson } from "../api/types";

/** A learning rate as a learner would type it: 2 significant digits (0.0109663 -> 0.011). */
export function roundLr(lr: number): number {
  return Number(lr.toPrecision(2));
}

/** The spec with training.optimizer.lr set (rounded); other optimizer fields kept. */
export function withLr(spec: SpecJson, lr: number): SpecJson {
  const optimizer = spec.training.optimizer;
  const current =
    optimizer && typeof optimizer === "object" && !Array.isArray(optimizer)
      ? optimizer
      : { type: "Adam" };
  return { ...spec, training: { ...spec.training, optimizer: { ...current, lr: roundLr(lr) } } };
}

/** What an experiment's answer depends on, to tell when the spec on screen has moved on.
 * The finder ignores the spec's own learning rate (it sweeps its own), so "Use this lr"
 * does not make its plot stale; the sanity checks train with that rate, so for them it counts. */
export function experimentKey(spec: SpecJson, kind: "lr" | "sanity"): string {
  if (kind === "sanity") return JSON.stringify(spec);
  const { name: _name, description: _description, ...rest } = spec;
  const optimizer = spec.training.optimizer;
  if (!optimizer || typeof optimizer !== "object" || Array.isArray(optimizer))
    return JSON.stringify(rest);
  const { lr: _lr, ...others } = optimizer;
  return JSON.stringify({ ...rest, training: { ...spec.training, optimizer: others } });
}

/** Index of the ramp's rate nearest `lr` on a log scale; -1 for an empty ramp. */
export function nearestIndex(lrs: number[], lr: number | null): number {
  if (lr === null || lr <= 0 || lrs.length === 0) return -1;
  let best = 0;
  for (let i = 1; i < lrs.length; i++) {
    if (Math.abs(Math.log(lrs[i] / lr)) < Math.abs(Math.log(lrs[best] / lr))) best = i;
  }
  return best;
}

/** uPlot columns: x = lr, smoothed loss, raw loss, and the suggestion as a single point. */
export function lrChartColumns(r: LrFindOut): [number[], number[], number[], (number | null)[]] {
  const mark = nearestIndex(r.lrs, r.suggested_lr);
  const point = r.lrs.map((_, i) => (i === mark ? r.losses[i] : null));
  return [r.lrs, r.losses, r.raw_losses, point];
}

/** Range of the y axis: the smoothed curve with room above, raw spikes clipped (they can be
 * 100x the rest just before divergence and would flatten everything). */
export function lrYRange(r: LrFindOut): [number, number] {
  const finite = r.losses.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const top = Math.min(Math.max(...finite), lo * 4); // the finder stops at 4x its minimum
  const pad = (top - lo) * 0.1 || Math.abs(lo) * 0.1 || 0.1;
  return [Math.max(0, lo - pad), top + pad];
}

/** One line under the chart: the suggestion, or why there is none. */
export function lrSummary(r: LrFindOut): string {
  const stop = r.diverged_at !== null ? ` The loss blew up at lr ${fmtLr(r.diverged_at)}.` : "";
  return r.note + stop;
}

/** 0.010966 -> "0.011"; 3.2e-5 -> "3.2e-5". */
export function fmtLr(lr: number): string {
  const v = roundLr(lr);
  return v !== 0 && (v < 1e-3 || v >= 1e4) ? v.toExponential().replace("e+", "e") : String(v);
}

export const CHECK_TITLES: Record<SanityCheck["check"], string> = {
  initial_loss: "Initial loss",
  overfit_small: "Overfit 20 samples",
};

/** Badge text and tone of a verdict. */
export function verdictBadge(verdict: SanityCheck["verdict"]): { text: string; tone: string } {
  switch (verdict) {
    case "ok":
      return { text: "✓ ok", tone: "good" };
    case "suspicious":
      return { text: "⚠ suspicious", tone: "warn" };
    case "failed":
      return { text: "✗ failed", tone: "bad" };
    default:
      return { text: "– skipped", tone: "muted" };
  }
}
