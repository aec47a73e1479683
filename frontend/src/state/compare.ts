// Compare: several runs' epoch curves on one x axis, and their final numbers side by side.
import type { MetricSeries } from "../api/client";
import type { Run } from "../api/types";
import { joinSeries } from "../charts/smooth";
import { formatDuration, formatNumber, formatPercent } from "./format";
import { runDuration } from "./runsTable";
import { isActive } from "./status";

/** A selected run as Compare holds it: loaded with its curves, or why not. */
export interface Loaded {
  run: Run;
  series: MetricSeries;
}
export type Entry = Loaded | { error: string; missing: boolean };

/** One stored point of a series: [step, epoch, value]. */
export type Point = [number, number, number];

export interface Aligned {
  x: number[]; // the union of every run's epochs, ascending
  values: number[][]; // per run, one value per x; NaN where that run has no point
}

/** Put several runs' series on the union of their epochs: a run has NaN past its last epoch
 * and, when its series was downsampled, at epochs another run kept (draw with spanGaps). */
export function alignByEpoch(series: (Point[] | undefined)[]): Aligned {
  const tables = series.map((points) => {
    const byEpoch = new Map<number, number>();
    for (const [, epoch, value] of points ?? []) byEpoch.set(epoch, value); // last point of an epoch wins
    const x = [...byEpoch.keys()].sort((a, b) => a - b);
    return { x, columns: [x.map((e) => byEpoch.get(e) as number)] };
  });
  const { x, columns } = joinSeries(tables);
  return { x: Array.from(x), values: columns.map((c) => Array.from(c[0])) };
}

export interface CompareChart {
  key: string; // "val/loss": the series key of GET /api/runs/{id}/metrics
  title: string;
  yLabel: string;
  logY?: boolean;
  yRange?: [number, number];
}

const CHARTS: CompareChart[] = [
  { key: "val/loss", title: "Validation loss", yLabel: "loss", logY: true },
  { key: "val/accuracy", title: "Validation accuracy", yLabel: "accuracy", yRange: [0, 1] },
  { key: "val/mse", title: "Validation MSE", yLabel: "MSE", logY: true },
  { key: "train/loss", title: "Train loss", yLabel: "loss", logY: true },
];

/** The charts worth drawing: validation loss, accuracy (classification) and/or MSE
 * (regression), train loss; each only when at least one run has that series. */
export function compareCharts(series: MetricSeries[]): CompareChart[] {
  return CHARTS.filter((c) => series.some((s) => (s[c.key]?.length ?? 0) > 0));
}

/** "#12 spiral-mlp": a legend entry that stays unique when names repeat. */
export function runLabel(run: Pick<Run, "id" | "name">): string {
  return `#${run.id} ${run.name}`;
}

export interface MetricRow {
  label: string;
  cells: string[]; // one per run
  testid: string;
}

function testValue(run: Run, name: string): number | null {
  const v = run.result?.test?.[name];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

const num = (v: number | null) => (v === null ? "—" : formatNumber(v));

/** The final numbers of each run, one row per metric; regression rows only when a run has them. */
export function metricRows(runs: Run[], now: number): MetricRow[] {
  const rows: MetricRow[] = [
    { label: "Status", testid: "status", cells: runs.map((r) => r.status) },
    {
      label: "Best val accuracy",
      testid: "best_val_accuracy",
      cells: runs.map((r) => formatPercent(r.best_val_accuracy)),
    },
    {
      label: "Test accuracy",
      testid: "test_accuracy",
      cells: runs.map((r) => formatPercent(r.test_accuracy ?? testValue(r, "accuracy"))),
    },
    { label: "Test loss", testid: "test_loss", cells: runs.map((r) => num(testValue(r, "loss"))) },
  ];
  if (runs.some((r) => testValue(r, "mse") !== null)) {
    rows.push({
      label: "Test MSE",
      testid: "test_mse",
      cells: runs.map((r) => num(testValue(r, "mse"))),
    });
    rows.push({
      label: "Test R²",
      testid: "test_r2",
      cells: runs.map((r) => num(testValue(r, "r2"))),
    });
  }
  rows.push(
    {
      label: "Epochs",
      testid: "epochs",
      cells: runs.map((r) => String(r.result?.epochs ?? r.epochs_done)),
    },
    {
      label: "Duration",
      testid: "duration",
      cells: runs.map((r) => formatDuration(runDuration(r, now))),
    },
  );
  return rows;
}

/** The selected runs that loaded, in selection order. */
export function loadedEntries(ids: number[], entries: Map<number, Entry>): Loaded[] {
  return ids.map((id) => entries.get(id)).filter((e): e is Loaded => e !== undefined && "run" in e);
}

/** Selected runs still training (their curves are fetched again every few seconds). */
export function activeIds(ids: number[], entries: Map<number, Entry>): number[] {
  return ids.filter((id) => {
    const e = entries.get(id);
    return e !== undefined && "run" in e && isActive(e.run.status);
  });
}

/** What the screen shows: a hint (none or one picked, fewer than two loaded), Loading, or
 * the comparison. */
export function compareView(
  ids: number[],
  entries: Map<number, Entry>,
): "none" | "one" | "loading" | "too-few" | "ready" {
  if (ids.length < 2) return ids.length === 0 ? "none" : "one";
  if (loadedEntries(ids, entries).length >= 2) return "ready";
  return ids.every((id) => entries.has(id)) ? "too-few" : "loading";
}
