// The ablation table: each trial removes or switches off one part of the base run; its change
// in the final metric against the base run says how much that part mattered.
import type { Proposal, Trial } from "../api/types";
import { formatValue } from "./diff";
import { lowerIsBetter, trialMetric } from "./sweepView";

export interface AblationRow {
  runId: number;
  label: string; // "no Dropout at layers[2]"
  status: Trial["status"];
  value: number | null;
  /** value - base (null until both are known). */
  delta: number | null;
  /** The part helped: removing it made the metric worse. */
  helped: boolean | null;
}

/** The label of an ablation trial: its params' "ablation" entry, else its params. */
export function ablationLabel(trial: Trial): string {
  const a = trial.params.ablation;
  if (a !== undefined) return formatValue(a);
  const parts = Object.entries(trial.params).map(([k, v]) => `${k} = ${formatValue(v)}`);
  return parts.join(", ") || `trial ${trial.index}`;
}

/** One row per trial, largest change first (rows without one last, in trial order). */
export function ablationRows(trials: Trial[], metric: string, base: number | null): AblationRow[] {
  const lower = lowerIsBetter(metric);
  const rows = trials.map((t) => {
    const value = trialMetric(t, metric);
    const delta = value !== null && base !== null ? value - base : null;
    const helped = delta === null || delta === 0 ? null : lower ? delta > 0 : delta < 0;
    return { runId: t.run_id, label: ablationLabel(t), status: t.status, value, delta, helped };
  });
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const da = a.r.delta === null ? -1 : Math.abs(a.r.delta);
      const db = b.r.delta === null ? -1 : Math.abs(b.r.delta);
      return db - da || a.i - b.i;
    })
    .map((x) => x.r);
}

/** A change with its sign: "+2.5 pts" for accuracies (percentage points), "+0.031" else. */
export function formatDelta(metric: string, delta: number | null): string {
  if (delta === null) return "—";
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  const a = Math.abs(delta);
  return /accuracy/.test(metric)
    ? `${sign}${(a * 100).toFixed(1)} pts`
    : `${sign}${Number(a.toPrecision(3))}`;
}

/** The last finite value of a stored series ([step, epoch, value] points), for the base
 * run's final metric; "val_loss" is stored as "val/loss". */
export function finalOfSeries(points: [number, number, number][] | undefined): number | null {
  for (let i = (points?.length ?? 0) - 1; i >= 0; i--) {
    const v = points?.[i][2];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return null;
}

/** "val_accuracy" -> "val/accuracy": the metrics endpoint's series key. */
export function seriesKey(metric: string): string {
  return metric.replace(/^(train|val|test)_/, "$1/");
}

/** Why an ablation started nothing: the run has no part to take out, or none that fits. */
export function nothingToAblate(proposals: Proposal[]): string {
  if (proposals.length === 0)
    return "Nothing to ablate: this run has no Dropout, normalisation, shortcut, regulariser, schedule or optimizer extra to take out.";
  const why = proposals.map((p) => `${p.label} (${p.error ?? "not run"})`).join("; ");
  return `None of this run's ablations can train: ${why}`;
}
