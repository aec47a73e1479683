// A sweep as the sweep page shows it: trial labels, the best trial, the results table's
// sorting, and the status line. Pure: the page and its widgets only render these.
import type { Json, SweepView, Trial } from "../api/types";
import { formatValue } from "./diff";
import { formatNumber, formatPercent } from "./format";
import { shortPath } from "./sweepFields";

/** Whether a smaller value of the metric is better (losses, errors), else larger. */
export function lowerIsBetter(metric: string): boolean {
  return /loss|mse|mae|error|perplexity/.test(metric);
}

/** A trial's value of a final metric; null when it has none (yet) or it is not finite. */
export function trialMetric(trial: Trial, metric: string): number | null {
  const v = trial.final?.[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** "val_accuracy" -> "val accuracy". */
export function metricLabel(metric: string): string {
  return metric.replace(/_/g, " ");
}

/** A metric's value for a cell: accuracies as percent, the rest as numbers. */
export function formatMetric(metric: string, v: number | null): string {
  if (v === null) return "—";
  return /accuracy/.test(metric) ? formatPercent(v) : formatNumber(v);
}

/** "lr 0.1 · seed 1": what a trial's tile and links say it is. */
export function trialLabel(trial: Trial): string {
  const parts = Object.entries(trial.params).map(([path, v]) =>
    path === "ablation" ? formatValue(v) : `${shortPath(path)} ${formatParam(v)}`,
  );
  const seedless = "ablation" in trial.params || "training.seed" in trial.params;
  if (trial.seed !== null && trial.seed !== undefined && !seedless)
    parts.push(`seed ${trial.seed}`);
  return parts.join(" · ") || `trial ${trial.index}`;
}

export function formatParam(v: Json | undefined): string {
  return typeof v === "number" ? formatNumber(v) : formatValue(v);
}

/** The best trial's run id: the best final metric so far (ties: the earlier trial, as the
 * server picks), from the trials as the stream keeps them; the server's pick, which dates
 * from the sweep's last full message, only while no trial has a value. */
export function bestRunId(sweep: SweepView): number | null {
  const lower = lowerIsBetter(sweep.metric);
  let best: Trial | null = null;
  let bestValue = 0;
  for (const t of sweep.trials) {
    const v = trialMetric(t, sweep.metric);
    if (v === null) continue;
    if (best === null || (lower ? v < bestValue : v > bestValue)) {
      best = t;
      bestValue = v;
    }
  }
  return best?.run_id ?? sweep.best?.run_id ?? null;
}

/** A results-table column: a swept param, a final metric, or one of the fixed ones. */
export type TrialColumn =
  | { kind: "param"; path: string }
  | { kind: "metric"; name: string }
  | { kind: "index" }
  | { kind: "seed" }
  | { kind: "status" };

export interface TrialSort {
  column: TrialColumn;
  descending: boolean;
}

export function columnKey(c: TrialColumn): string {
  return c.kind === "param" ? `param:${c.path}` : c.kind === "metric" ? `metric:${c.name}` : c.kind;
}

/** The final metrics any trial has, the ranked one first. */
export function metricColumns(sweep: SweepView): string[] {
  const names = new Set<string>([sweep.metric]);
  for (const t of sweep.trials)
    for (const [k, v] of Object.entries(t.final ?? {})) if (v !== undefined) names.add(k);
  const order = ["val_accuracy", "val_loss", "train_loss", "test_accuracy"];
  const rank = (n: string) => (n === sweep.metric ? -1 : order.indexOf(n) + 1 || order.length + 1);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

/** The table's first order: best metric first. */
export function defaultSort(sweep: SweepView): TrialSort {
  return {
    column: { kind: "metric", name: sweep.metric },
    descending: !lowerIsBetter(sweep.metric),
  };
}

/** Clicking a header: the same column flips its direction; another starts with its natural
 * one (metrics best first, the rest ascending). */
export function nextSort(sort: TrialSort, column: TrialColumn): TrialSort {
  if (columnKey(sort.column) === columnKey(column)) return { column, descending: !sort.descending };
  const descending = column.kind === "metric" ? !lowerIsBetter(column.name) : false;
  return { column, descending };
}

type Key = number | string | null;

function sortKey(t: Trial, c: TrialColumn): Key {
  switch (c.kind) {
    case "param": {
      const v = t.params[c.path];
      return typeof v === "number" || typeof v === "string"
        ? v
        : v === undefined
          ? null
          : JSON.stringify(v);
    }
    case "metric":
      return trialMetric(t, c.name);
    case "index":
      return t.index;
    case "seed":
      return t.seed;
    case "status":
      return t.status;
  }
}

/** Trials in the table's order; trials without a value sort last either way, and ties keep
 * the trial order. */
export function sortTrials(trials: Trial[], sort: TrialSort): Trial[] {
  const dir = sort.descending ? -1 : 1;
  return trials
    .map((t, i) => ({ t, i, k: sortKey(t, sort.column) }))
    .sort((a, b) => {
      if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
      const c =
        typeof a.k === "number" && typeof b.k === "number"
          ? a.k - b.k
          : String(a.k).localeCompare(String(b.k));
      return c !== 0 ? dir * c : a.i - b.i;
    })
    .map((x) => x.t);
}

/** "3 of 4 done · 1 running": the sweep's progress in words. */
export function countsText(sweep: Pick<SweepView, "counts"> & { trials?: Trial[] }): string {
  const total = sweep.trials?.length || Object.values(sweep.counts).reduce((a, b) => a + b, 0);
  const c = sweep.counts;
  const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.cancelled ?? 0) + (c.diverged ?? 0);
  const parts = [`${done} of ${total} done`];
  for (const s of ["running", "queued", "failed", "diverged", "cancelled"])
    if (c[s]) parts.push(`${c[s]} ${s}`);
  return parts.join(" · ");
}
