// A finished run's results as display rows: test metrics and the confusion matrix.
import type { RunResult } from "../api/types";
import { formatNumber, formatPercent } from "./format";

const METRIC_ORDER = ["accuracy", "loss", "mse", "mae", "r2"];
const METRIC_LABELS: Record<string, string> = {
  accuracy: "Accuracy",
  loss: "Loss",
  mse: "MSE",
  mae: "MAE",
  r2: "R²",
};

/** Test metrics in a fixed order, formatted: accuracy as %, the rest to 4 digits. */
export function testMetricRows(
  test: Record<string, number | null>,
): { key: string; label: string; value: string }[] {
  const keys = Object.keys(test).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((key) => ({
    key,
    label: METRIC_LABELS[key] ?? key,
    value: key === "accuracy" ? formatPercent(test[key]) : formatNumber(test[key]),
  }));
}

function rank(key: string): number {
  const i = METRIC_ORDER.indexOf(key);
  return i < 0 ? METRIC_ORDER.length : i;
}

/** Counts with each row's share (row = true class), row totals and overall accuracy. */
export function confusionTable(confusion: number[][]): {
  counts: number[][];
  shares: number[][];
  rowTotals: number[];
  accuracy: number;
} {
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const shares = confusion.map((row, i) => row.map((c) => (rowTotals[i] ? c / rowTotals[i] : 0)));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return { counts: confusion, shares, rowTotals, accuracy: total ? correct / total : NaN };
}

/** What a finished run's count line says; a stopped run counts the epochs it completed, the
 * same number its status line shows (the run's `epochs` is the epoch it was in when it
 * stopped, which never reported). */
export function resultCounts(
  result: Pick<RunResult, "status" | "epochs" | "steps" | "best_epoch" | "stopped_early">,
): string {
  const steps = `${result.steps.toLocaleString("en-US")} steps`;
  if (result.status !== "succeeded") {
    const verb = result.status === "cancelled" ? "stopped" : result.status;
    return `${verb} at epoch ${Math.max(0, result.epochs - 1)}, after ${steps}`;
  }
  const best =
    result.best_epoch !== null && result.best_epoch !== undefined
      ? `; best epoch ${result.best_epoch}`
      : "";
  const early = result.stopped_early ? "; stopped early" : "";
  return `${result.epochs} epochs, ${steps}${best}${early}`;
}

/** The one value a series holds throughout (NaN gaps ignored), else null: a learning rate
 * that never changes reads better as a line of text than as a flat chart. */
export function constantValue(values: ArrayLike<number> | undefined): number | null {
  if (!values) return null;
  let first: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (first === null) first = v;
    else if (Math.abs(v - first) > 1e-12 * Math.max(1, Math.abs(first))) return null;
  }
  return first;
}

/** "Learning rate 0.03 throughout" for a constant lr column; null when it changes. */
export function constantLrText(lr: ArrayLike<number> | undefined): string | null {
  const v = constantValue(lr);
  return v === null ? null : `Learning rate ${formatNumber(v)} throughout (constant).`;
}

export interface Confusion {
  truth: number;
  predicted: number;
  count: number;
  share: number; // of the true class's test samples
}

/** The most frequent mistakes (true -> predicted, off the diagonal), most frequent first. */
export function topConfusions(confusion: number[][], n = 10): Confusion[] {
  const out: Confusion[] = [];
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0)
        out.push({ truth: i, predicted: j, count, share: total ? count / total : 0 });
    });
  });
  out.sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted);
  return out.slice(0, n);
}

/** Above this many classes the full matrix is unreadable: the top mistakes show instead. */
export const MAX_MATRIX_CLASSES = 20;

/** A class name as shown: characters made visible (a space as ␣, a newline as ⏎). */
export function className(names: readonly string[] | null | undefined, k: number): string {
  const s = names?.[k];
  if (s === undefined || s === null) return String(k);
  if (s === " ") return "␣";
  if (s === "\n") return "⏎";
  if (s === "\t") return "⇥";
  return s;
}
